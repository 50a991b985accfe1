"""Middleware every app relies on: request ids and the current request (the audit context of
every event), and the response headers Django has no setting for."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_guid import get_guid, set_guid

from core.request_context import client_ip, serving

# The attribute holding the id on the request (audit.api reads it from there).
REQUEST_ID_ATTR = "request_id"


class RequestIdMiddleware:
    """Gives each request an id, so that its audit events and log lines can be tied together
    (after django-guid's middleware, which reads the proxy's header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # django-guid took the proxy's X-Request-ID (a UUID) or made one; one form everywhere.
        given = get_guid()
        request_id = uuid.UUID(given).hex if given else uuid.uuid4().hex
        set_guid(request_id)
        setattr(request, REQUEST_ID_ATTR, request_id)
        with serving(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy, and ``Cache-Control: no-store`` on every page but static files.

    Pages of this system show confidential data; the browser cache of a shared office computer
    must not keep them after sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.BAOMI_PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
        return response


class FieldHistoryMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with Baomi's one client address (issue 18 §10): it took the
    leftmost X-Forwarded-For, which the client writes, while Baomi's audit trusts only what the
    configured proxies saw (core.request_context.client_ip)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None  # a port the client could write says nothing
