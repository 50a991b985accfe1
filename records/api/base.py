"""The base of every API endpoint: each call, answered or refused, is one audit event with the
client's name, the endpoint and the status it got (issue 21 §2)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import audit
from records.api.auth import PRESENTED
from records.api.models import IntegrationClient


class ApiView(APIView):
    """Every endpoint: each call, answered or refused, is one audit event."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "_auth", None)
        if not isinstance(client, IntegrationClient):
            client = None
        # A revoked or expired token still names its client (not as the actor: it is refused).
        presented = getattr(request._request, PRESENTED, None)
        match = request.resolver_match
        audit.record(
            client.service_user if client else None,
            "api.call",
            client or presented,
            endpoint=match.url_name if match else "",
            http_status=response.status_code,
        )
        if client is not None and response.status_code < 400:
            IntegrationClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return response
