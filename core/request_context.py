"""Who is on the other end of a request: client address and browser.

One function decides the client address for the whole system: the audit log, agreement
signatures and the sign-in lockout (django-axes calls it through AXES_CLIENT_IP_CALLABLE), so a
lockout and the audit trail never disagree about where an attempt came from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 300

_current: ContextVar[HttpRequest | None] = ContextVar("baomi_current_request", default=None)


@contextmanager
def serving(request: HttpRequest) -> Iterator[HttpRequest]:
    """While a request is served: the audit log (and anything else that asks) reads it here,
    the one way a request reaches them. Set by core.middleware.RequestIdMiddleware."""
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def current_request() -> HttpRequest | None:
    """The request being served in this thread (or task context), if any."""
    return _current.get()


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only from the configured number of proxies.

    With BAOMI_PROXY_COUNT=n, the n-th address from the right of X-Forwarded-For is the one the
    outermost trusted proxy saw; anything to its left is client-supplied and ignored.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "BAOMI_PROXY_COUNT", 0) or 0
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if len(chain) < proxies:
        return remote
    return _valid_ip(chain[-proxies]) or remote


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
