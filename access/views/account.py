"""A person's own security settings: password, authenticator, backup codes (R2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from access import passkeys, signin
from access.forms import NewPasswordForm, ReauthenticationForm, reject
from access.http import AuthenticatedHttpRequest
from access.views._next import pop_next, remember_next
from access.views.signin import attempt, redirect_to_reauth
from core.forms import posted


@require_http_methods(["GET"])
def security_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "backup_codes_left": signin.backup_codes_left(request.user),
        "has_authenticator": signin.has_authenticator(request.user),
        "passkey_count": passkeys.passkeys_of(request.user).count(),
    }
    return render(request, "access/security.html", context)


@sensitive_post_parameters("password", "token")
@require_http_methods(["GET", "POST"])
def reauth_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    remember_next(request)
    form = ReauthenticationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ok, refused = attempt(
            request,
            signin.reauthenticate,
            form.cleaned_data["password"],
            form.cleaned_data["token"],
        )
        if refused:
            return refused
        if ok:
            return redirect(pop_next(request, default="access:security"))
        reject(form, None, _("The password or the code was not accepted."), "password", "token")
    return render(request, "access/reauth.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not signin.recently_reauthenticated(request):
        return redirect_to_reauth(request)
    form = NewPasswordForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        signin.change_password(request, request.user, form.cleaned_data["new_password1"])
        messages.success(request, _("Your password has been changed."))
        return redirect("access:security")
    return render(request, "access/password_change.html", {"form": form})


@require_POST
def backup_codes_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not signin.recently_reauthenticated(request):
        messages.info(request, _("Confirm it is you, then press the button again."))
        return redirect_to_reauth(request, next_url=reverse("access:security"))
    codes = signin.issue_backup_codes(request.user)
    context = {"codes": codes, "continue_url": reverse("access:security"), "enrolled": False}
    return render(request, "access/backup_codes.html", context)
