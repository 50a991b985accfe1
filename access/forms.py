"""Forms of the sign-in and account pages. Secrets are never re-displayed after an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from access.models import User
from core.forms import BaomiForm, DayField
from core.refusals import Message

if TYPE_CHECKING:
    from django.http import QueryDict


def reject(form: forms.Form, field: str | None, message: Message, *secrets: str) -> forms.Form:
    """Attach an error to a checked form and blank the secret fields it would otherwise echo."""
    form.add_error(field, message)
    if secrets:
        # Bound to request.POST (a QueryDict) or, in tests, a dict: both copy; Django types the
        # data as a read-only Mapping.
        form.data = cast("QueryDict | dict[str, Any]", form.data).copy()
        for name in secrets:
            form.data[name] = ""
    return form


class PasswordSignInForm(BaomiForm):
    identifiers_allowed = frozenset({"username"})

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def one_time_code_field(*, autofocus: bool) -> forms.CharField:
    """An authenticator code or a backup code (letters, digits, a dash)."""
    attrs: dict[str, str | bool] = {"autocomplete": "one-time-code", "inputmode": "text"}
    if autofocus:
        attrs["autofocus"] = True
    return forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs=attrs),
    )


class OneTimeCodeForm(BaomiForm):
    token = one_time_code_field(autofocus=True)


class EnrolmentForm(BaomiForm):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        help_text=_("Enter the 6-digit code your authenticator app now shows for Baomi."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthenticationForm(BaomiForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = one_time_code_field(autofocus=False)


class NewPasswordForm(BaomiForm):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class AgreementForm(BaomiForm):
    accept = forms.BooleanField(
        label=_("I have read this agreement and I accept it."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you accept the agreement.")},
    )


class CampaignForm(BaomiForm):
    name = forms.CharField(
        label=_("Title of the review"), max_length=100, initial=_("Annual access review")
    )
    deadline = DayField(label=_("Deadline"))


class ReviewDecisionForm(BaomiForm):
    decision = forms.ChoiceField(
        choices=[("keep", _("Keep")), ("revoke", _("Revoke"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Why it is revoked"),
        max_length=200,
        required=False,
        help_text=_("Shown in the review report and the audit log, e.g. moved to another team."),
    )


class EnrolmentReasonForm(BaomiForm):
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        help_text=_(
            "E.g. lost phone, forgotten password, new starter. The person and the audit log are "
            "told."
        ),
    )
