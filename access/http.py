"""The request a page of Baomi receives once past the gate."""

from __future__ import annotations

from django.http import HttpRequest

from access.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose person is signed in with both factors and has signed the agreement: its
    ``user`` is a ``User``, never the anonymous visitor. access.middleware.AccessGateMiddleware
    guarantees it for every URL that is not on access/gate.py's allow-list; views of allow-listed
    URLs (sign-in, an external recipient's delivery link) take a plain ``HttpRequest``."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` where access.gate lets in only a person whose password was accepted (the
    second-factor and enrolment pages and services): a ``User``, never the anonymous visitor.
    Anything else is a programming error; the ORM would fail on it with a TypeError as well."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("this step needs a person whose password was accepted")
    return user
