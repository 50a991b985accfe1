"""Sign-in pages: password, second factor, authenticator enrolment, sign-out (R2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from access import enrolment as enrolment_links
from access import gate, passkeys, signin
from access.forms import EnrolmentForm, OneTimeCodeForm, PasswordSignInForm, reject
from access.http import signed_in_user
from access.models import BackupCodeDevice, User
from access.qr import authenticator_qr_svg, manual_entry_key
from access.views._next import pop_next, remember_next
from core.forms import posted

_T = TypeVar("_T")


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The lockout page (django-axes calls this through AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = PasswordSignInForm(initial={"username": username})
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        "form": form,
        "locked_out": True,
        "lockout_message": _(
            "Too many failed sign-in attempts for this account from this computer. "
            "Sign-in is blocked for %(minutes)d minutes. If you did not cause this, tell the "
            "information-security officer."
        )
        % {"minutes": minutes},
    }
    return render(request, "access/login.html", context, status=429)


def attempt(
    request: HttpRequest, service: Callable[..., _T], *args: object
) -> tuple[_T | None, HttpResponse | None]:
    """Run a sign-in service; a lockout it reports becomes the lockout page."""
    username = request.user.get_username()  # the service may sign the person out
    try:
        return service(request, *args), None
    except signin.LockedOut:
        return None, locked_out(request, credentials={"username": username})


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if gate.stage_of(request) >= gate.Stage.PASSWORD:
        return redirect("home")
    remember_next(request)
    form = PasswordSignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        user = signin.sign_in_with_password(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials={"username": form.cleaned_data["username"]})
        if user is not None:
            return redirect(
                "access:otp_verify" if signin.has_authenticator(user) else "access:otp_setup"
            )
        away = signin.away_from_work(form.cleaned_data["username"], form.cleaned_data["password"])
        if away == User.EmploymentStatus.ON_LEAVE:
            why = _(
                "Your account is suspended while you are on leave. Sign-in and the files lent "
                "to you open again once the account administrator records your return."
            )
        elif away:
            why = _("This account was closed when its holder left the company.")
        else:
            why = _("The username or password is not correct.")
        reject(form, None, why, "password")
    return render(request, "access/login.html", {"form": form})


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    if gate.stage_of(request) >= gate.Stage.VERIFIED:
        return redirect(pop_next(request))
    if not signin.has_authenticator(signed_in_user(request)):
        return redirect("access:otp_setup")
    form = OneTimeCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device, refused = attempt(request, signin.verify_second_factor, form.cleaned_data["token"])
        if refused:
            return refused
        if device is not None:
            if isinstance(device, BackupCodeDevice):
                left = signin.backup_codes_left(signed_in_user(request))
                messages.warning(
                    request,
                    _("You signed in with a backup code. %(left)d backup codes are left.")
                    % {"left": left},
                )
            return redirect(pop_next(request))
        reject(
            form,
            "token",
            _("That code was not accepted. Check the time on your phone and use the newest code."),
            "token",
        )
    has_passkey = passkeys.has_passkey(signed_in_user(request))
    return render(request, "access/otp_verify.html", {"form": form, "has_passkey": has_passkey})


@sensitive_post_parameters("token")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """First enrolment (at the second-factor step) or replacement (after re-authentication)."""
    stage = gate.stage_of(request)
    replacing = signin.has_authenticator(signed_in_user(request))
    if replacing and stage < gate.Stage.VERIFIED:
        return redirect("access:otp_verify")
    if not replacing and not enrolment_links.may_enrol(request, signed_in_user(request)):
        # A password alone never enrols a first authenticator (issue 17 §20): whoever holds
        # it could otherwise make the account theirs. The enrolment link is the proof.
        status = 200 if request.method == "GET" else 403  # a page to read; a POST is refused
        return render(request, "access/enrolment_needed.html", status=status)
    if replacing and not signin.recently_reauthenticated(request):
        return redirect_to_reauth(request)
    form = EnrolmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        enrolment, refused = attempt(
            request, signin.confirm_authenticator, form.cleaned_data["token"]
        )
        if refused:
            return refused
        if enrolment is not None:
            return render(
                request,
                "access/backup_codes.html",
                {
                    "codes": enrolment.backup_codes,
                    "continue_url": pop_next(request),
                    "enrolled": True,
                },
            )
        reject(
            form, "token", _("That code does not match. Scan the QR code again and retry."), "token"
        )
    device = signin.pending_authenticator(signed_in_user(request))
    context = {
        "form": form,
        "qr_svg": authenticator_qr_svg(device),
        "manual_key": manual_entry_key(device),
        "replacing": replacing,
    }
    return render(request, "access/otp_setup.html", context)


def redirect_to_reauth(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """Ask for both factors again, then come back to ``next_url`` (default: this page)."""
    target = next_url or request.get_full_path()
    return redirect(f"{reverse('access:reauth')}?{urlencode({'next': target})}")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    signin.sign_out(request, reason="user")
    messages.success(request, _("You have signed out."))
    return redirect("access:login")
