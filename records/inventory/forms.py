"""Forms of the inventory-round pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BaomiForm, DayField, field_of
from records.forms import InventoryForm


class PlanForm(BaomiForm):
    id_prefix = "plan"
    name = forms.CharField(label=_("Name of the round"), max_length=100)
    rooms = forms.MultipleChoiceField(
        label=_("Archive rooms"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every room."),
    )
    cabinets = forms.CharField(
        label=_("Only these cabinets"),
        required=False,
        max_length=200,
        help_text=_("For example 03、04. Empty: every cabinet of the rooms."),
    )
    due_on = DayField(label=_("To be finished by"), required=False)

    def __init__(self, *args: Any, rooms: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "rooms", forms.MultipleChoiceField).choices = [(r, r) for r in rooms]

    def cabinet_list(self) -> list[str]:
        text = self.cleaned_data.get("cabinets") or ""
        return sorted({part for part in re.split(r"[、,，;；\s]+", text) if part})


class RecordForm(InventoryForm):
    """One folder of the round, by its number (typed, or scanned: a scanner types it)."""

    id_prefix = "found"
    number = forms.CharField(
        label=_("Archive number"),
        max_length=40,
        help_text=_("Type or scan the number on the folder; the old number works too."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    field_order = ["number", "result", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].initial = "found"
