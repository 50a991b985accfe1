"""Forms of the disposal pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BaomiForm, field_of
from disposal.models import EndAction, RetentionCategory, Trigger
from records.classification import Tier

if TYPE_CHECKING:
    from access.models import User


class HoldForm(BaomiForm):
    identifiers_allowed = frozenset({"customer_id_number"})

    numbers = forms.CharField(
        label=_("Archive numbers"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more, separated by spaces, commas or new lines."),
    )
    customer_id_number = forms.CharField(
        label=_("Or every file of one customer: ID number or credit code"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reference = forms.CharField(label=_("Case or reference"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReleaseForm(BaomiForm):
    id_prefix = "release"
    reason = forms.CharField(label=_("Why released"), max_length=300)


class PolicyForm(BaomiForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=RetentionCategory.choices)
    tier = forms.TypedChoiceField(
        label=_("Only for classification"),
        choices=[("", _("Every level")), *Tier.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    trigger = forms.ChoiceField(label=_("Counted from"), choices=Trigger.choices)
    months = forms.IntegerField(label=_("Kept for (months)"), min_value=0, max_value=600)
    end_action = forms.ChoiceField(label=_("Then"), choices=EndAction.choices)
    note = forms.CharField(label=_("Legal basis or note"), max_length=300, required=False)


class RemoveForm(BaomiForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why keep it"), max_length=200)


class WitnessForm(BaomiForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    witness: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Witness"), queryset=None
    )

    def __init__(self, *args: Any, witnesses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "witness", forms.ModelChoiceField).queryset = witnesses
