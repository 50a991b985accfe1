"""Session timeouts and the deny-by-default gate (R2, R3; DESIGN.md "Cross-cutting")."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

import audit
from access import gate, signin, snapshot
from access.http import signed_in_user


class SessionTimeoutMiddleware:
    """Signs a person out after idle time, and after an absolute session length.

    Both limits are configurable (BAOMI_IDLE_TIMEOUT_MINUTES, BAOMI_ABSOLUTE_TIMEOUT_HOURS). The
    last-seen time is written at most every few seconds, not on every request.
    """

    TOUCH_EVERY_SECONDS = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        started = session.setdefault(signin.SIGNED_IN_AT, now)
        last_seen = session.get(signin.LAST_SEEN, now)
        idle = settings.BAOMI_IDLE_TIMEOUT.total_seconds()
        absolute = settings.BAOMI_ABSOLUTE_TIMEOUT.total_seconds()
        if now - float(last_seen) > idle:
            signin.sign_out(request, reason="idle")
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": round(idle / 60)},
            )
        elif now - float(started) > absolute:
            signin.sign_out(request, reason="absolute")
            messages.info(
                request,
                _(
                    "Your session reached its maximum length of %(hours)g hours. "
                    "Please sign in again."
                )
                % {"hours": round(absolute / 3600, 1)},
            )
        elif now - float(last_seen) >= self.TOUCH_EVERY_SECONDS:
            session[signin.LAST_SEEN] = now


def _unwrapped(user: Any) -> Any:
    """The person behind the lazy wrappers of Django's and django-otp's middleware, once both
    are resolved: the view and its templates read ``request.user`` hundreds of times, and each
    read through two proxies cost ~3 ms a page (issue 20 §4)."""
    from django.utils.functional import empty

    while isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class AccessGateMiddleware:
    """Every view requires sign-in, a verified second factor and the signed agreement.

    Only the views named in ``access.gate.ALLOW_LIST`` open earlier. A person who is not far
    enough is sent to the next step (GET) or refused with 403 (any other method).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        needed = gate.required_stage(view_name)
        stage = gate.stage_of(request)
        if stage >= needed:
            if stage > gate.Stage.ANONYMOUS:
                request.user = _unwrapped(request.user)
            return None
        if request.method not in ("GET", "HEAD"):
            audit.record(
                request.user if stage > gate.Stage.ANONYMOUS else None,
                "access.denied",
                url_name=view_name,
                reason=f"sign-in incomplete ({stage.name.lower()})",
            )
            return render(request, "403.html", {"reason": _("Please sign in first.")}, status=403)
        if stage == gate.Stage.ANONYMOUS:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if stage == gate.Stage.PASSWORD:
            step = (
                "access:otp_verify"
                if signin.has_authenticator(signed_in_user(request))
                else "access:otp_setup"
            )
            return redirect(step)
        return redirect_to_login(request.get_full_path(), reverse("access:agreement"))


class SnapshotOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, without its query when the session's device is one of the
    confirmed authenticators read with the user (access/snapshot.py, issue 20 §4). The device
    itself loads only if something asks for it; any other case goes through django-otp as is.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        known = snapshot.confirmed_devices(user) if user.is_authenticated else None
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if known and persistent_id and self._normalize_persistent_id(persistent_id) in known:
            self._init_user_fields(user)
            user.otp_device = SimpleLazyObject(
                functools.partial(self._device_from_persistent_id, persistent_id)
            )
            return user
        return super()._verify_user_sync(request, user)
