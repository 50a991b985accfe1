"""The security officer's form for a new integration client (issue 21 §2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from access.models import Department
from access.policy import SCOPE_LABELS
from core.forms import BaomiForm, DayField


class ClientForm(BaomiForm):
    id_prefix = "client"

    name = forms.CharField(
        label=_("Name of the system"),
        max_length=60,
        help_text=_("As the audit log will name it, for example: sales CRM."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Allowed to"),
        choices=[(str(scope), label) for scope, label in SCOPE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Acts for the departments"),
        queryset=Department.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = DayField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for no end date; revoke the token when the system goes."),
    )
    webhook_url = forms.URLField(
        label=_("Address for notifications"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "Only with notifications ticked: where the system hears that a file was approved, "
            "returned or destroyed, or a request decided."
        ),
    )
    rate_per_minute = forms.IntegerField(
        label=_("Calls per minute at most"), min_value=1, max_value=6000, initial=60
    )
