"""Who is calling the API, whether they may, and how often (issue 21 §2).

- ``ClientTokenAuthentication``: ``Authorization: Bearer <token>`` and nothing else (no session:
  a browser signed in as a person cannot call the API as that person).
- ``ActiveClient``: a revoked or expired token is refused with the policy's reason.
- ``PerClientRate``: each client's own calls per minute (Django's cache; with ``CACHE_URL`` on
  Redis the limit holds across every web process).

The endpoints' base class (one audit event per call) is ``records.api.base.ApiView``: REST
framework imports this module while it loads its own views, so this one may not import them.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from access import policy
from core.request_context import client_ip
from records.api import clients
from records.api.models import IntegrationClient


class ClientTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, IntegrationClient] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            _count_stranger(request)
            return None  # NotAuthenticated: 401 with the challenge below
        kind, _space, token = header.partition(" ")
        if kind.lower() != self.keyword.lower() or not token.strip():
            _count_stranger(request)
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer …"))
        client = clients.by_token(token.strip())
        if client is None:
            _count_stranger(request)
            raise exceptions.AuthenticationFailed(_("This token is not known."))
        decision = policy.decide_client(client)
        if not decision:
            # Named in the call's audit event (records/api/base.py), though refused.
            setattr(request._request, PRESENTED, client)
            raise exceptions.AuthenticationFailed(str(decision.reason))
        return client.service_user, client

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="baomi"'


PRESENTED = "baomi_presented_client"
# Calls without a valid token, per client address and minute: each is audited, so a flood of
# them is refused before it can fill the audit log.
STRANGER_CALLS_PER_MINUTE = 30


def _count_stranger(request: Request) -> None:
    address = client_ip(request._request) or "unknown"
    key = f"baomi-api-strangers:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    if count > STRANGER_CALLS_PER_MINUTE:
        raise exceptions.Throttled(wait=60 - int(time.time()) % 60)


class ActiveClient(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, IntegrationClient)


class PerClientRate(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str:
        return "60/min"  # replaced per client in allow_request

    def allow_request(self, request: Request, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, IntegrationClient):
            return True
        self.num_requests, self.duration = client.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request.auth
        return f"baomi-api-rate:{client.pk}" if isinstance(client, IntegrationClient) else None
