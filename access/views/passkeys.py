"""Passkey pages and ceremonies (issue 21 §1). django-otp-webauthn's views run the WebAuthn
ceremonies; these subclasses add Baomi's rules (access/passkeys.py, access/signin.py):
enrolling only right after re-authentication, a refused passkey counted towards the lockout,
the sign-in completed as for a code (new session key, audit event, stage forgotten)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from access import passkeys, policy, signin
from access.http import AuthenticatedHttpRequest
from access.views._next import pop_next
from access.views.signin import redirect_to_reauth
from audit.api import record_denied
from core.refusals import Refused


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "locked_out"
    default_detail = gettext_lazy("Too many failed attempts. Try again later.")


class _JsonOnly:
    """The library's views, hardened: a body that is not a JSON object (bytes that are not
    UTF-8, nesting too deep, a list, a form) is a malformed request, and anything the
    verification libraries raise on odd values is an unprocessable one: a 4xx JSON answer,
    never a server error."""

    def _parse_request_data(self, request: Any) -> dict[str, Any]:
        if request.content_type.split(";", 1)[0] != "application/json":
            raise exceptions.MalformedRequest()
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, RecursionError):
            raise exceptions.MalformedRequest() from None
        if not isinstance(data, dict):
            raise exceptions.MalformedRequest()
        return data

    def handle_exception(self, exc: Exception) -> HttpResponse:
        return super().handle_exception(_as_api_error(exc))  # type: ignore[misc]


def _as_api_error(exc: Exception) -> Exception:
    if isinstance(exc, exceptions.OTPWebAuthnApiError):
        return exc
    if isinstance(exc, ValueError | TypeError | KeyError | RecursionError):
        return exceptions.UnprocessableEntity()
    return exc


class ConfirmFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "reauthenticate"
    default_detail = gettext_lazy(
        "Confirm your password and a code first (My account security), then add the passkey."
    )


class _Enrolling:
    request: Any

    def check_can_register(self) -> None:
        if not signin.recently_reauthenticated(self.request):
            raise ConfirmFirst()


class RegisterBegin(_JsonOnly, _Enrolling, BeginCredentialRegistrationView):
    pass


class RegisterComplete(_JsonOnly, _Enrolling, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        data = self.request.data  # a dict (_JsonOnly)
        name = str(data.pop("name", ""))
        response = super().post(*args, **kwargs)
        made = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
        passkeys.enrolled(self.request.user, made, name)
        return response


class _Verifying:
    request: Any
    get_user: Any  # the library's (AuthenticationCeremonyMixin)

    def check_can_authenticate(self) -> None:
        """Only after the password, and not once locked out (the code step checks the same)."""
        user = self.get_user()
        if user is None:
            raise exceptions.NotAuthenticated()
        if signin.is_locked_out(self.request, user.get_username()):
            signin.sign_out(self.request, reason="locked_out")
            raise LockedOut()


class VerifyBegin(_JsonOnly, _Verifying, BeginCredentialAuthenticationView):
    pass


class VerifyComplete(_JsonOnly, _Verifying, CompleteCredentialAuthenticationView):
    def handle_exception(self, exc: Exception) -> HttpResponse:
        exc = _as_api_error(exc)
        counted = isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(
            exc, LockedOut | exceptions.NotAuthenticated
        )
        if counted and signin.passkey_refused(self.request):
            exc = LockedOut()
        return super().handle_exception(exc)

    def complete_auth(self, device: WebAuthnCredential) -> None:
        signin.passkey_signed_in(self.request, device)

    def get_success_url(self) -> str:
        return pop_next(self.request)


@never_cache
@require_http_methods(["GET"])
def passkeys_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's passkeys; adding one needs a fresh confirmation of password and code."""
    return render(
        request,
        "access/passkeys.html",
        {
            "passkeys": passkeys.passkeys_of(request.user),
            "confirmed": signin.recently_reauthenticated(request),
        },
    )


def _own_passkey(request: AuthenticatedHttpRequest, passkey_id: int) -> WebAuthnCredential:
    """The person's own passkey, or 404 (recorded): someone else's answers exactly as one that
    does not exist, so walking the numbers tells nobody which exist."""
    credential = WebAuthnCredential.objects.filter(pk=passkey_id).first()
    if credential is None or not policy.decide_own_device(request.user, credential):
        record_denied(request, "not_visible")
        raise Http404
    return credential


@require_POST
def rename_view(request: AuthenticatedHttpRequest, passkey_id: int) -> HttpResponse:
    credential = _own_passkey(request, passkey_id)
    try:
        passkeys.rename(request.user, credential, request.POST.get("name", ""))
    except Refused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, _("The passkey is now called %(name)s.") % {"name": credential.name}
        )
    return redirect("access:passkeys")


@never_cache
@require_http_methods(["GET", "POST"])
def remove_view(request: AuthenticatedHttpRequest, passkey_id: int) -> HttpResponse:
    """Removing asks first, and only right after a confirmation of password and code."""
    credential = _own_passkey(request, passkey_id)
    if not signin.recently_reauthenticated(request):
        return redirect_to_reauth(request)
    if request.method == "POST":
        signin.remove_passkey(request, credential)
        messages.success(
            request, _("The passkey %(name)s was removed.") % {"name": credential.name}
        )
        return redirect("access:passkeys")
    others = passkeys.passkeys_of(request.user).exclude(pk=credential.pk).count()
    return render(
        request,
        "access/passkey_remove.html",
        {"passkey": credential, "others": others,
         "has_authenticator": signin.has_authenticator(request.user)},
    )  # fmt: skip
