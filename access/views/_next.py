"""Where to go after a sign-in step: the page the person first asked for, if it is ours."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_KEY = "baomi_next"


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """A path on this site ("/records/..."), or None. Anything else (another host, a scheme, a
    bare word that ``redirect`` would try to reverse as a URL name) is ignored."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return None
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def remember_next(request: HttpRequest) -> None:
    target = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if target:
        request.session[NEXT_KEY] = target


def pop_next(request: HttpRequest, default: str = "home") -> str:
    return request.session.pop(NEXT_KEY, None) or resolve_url(default)
