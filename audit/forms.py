"""Forms of the auditor console and the incident pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit import actions, wording
from audit.incidents import parse_archive_numbers
from audit.models import Incident
from core.forms import BaomiForm, DayField, MomentField, field_of


class EventFilterForm(BaomiForm):
    identifiers_allowed = frozenset({"actor", "target_id"})

    actor = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Username, employee number or full name."),
    )
    department = forms.CharField(label=_("Department"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    target_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    date_from = DayField(label=pgettext_lazy("start of a period", "From"), required=False)
    date_to = DayField(label=pgettext_lazy("end of a period", "To"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Validation only: the template writes the options itself (38 widget templates cost
        # more than the whole query).
        field_of(self, "action", forms.ChoiceField).choices = [
            ("", _("Any action")),
            *actions.choices(),
        ]
        field_of(self, "target_type", forms.ChoiceField).choices = [
            ("", _("Any object")),
            *wording.object_types(),
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class IncidentReportForm(BaomiForm):
    kind = forms.ChoiceField(label=_("What happened"), choices=Incident.Kind.choices)
    occurred_at = MomentField(
        label=_("When did it happen?"),
        required=False,
        help_text=_("Leave empty if you do not know."),
        past_only=True,
    )
    archive_numbers = forms.CharField(
        label=_("Client files concerned"),
        required=False,
        help_text=_("Archive numbers such as KH-2026-000123, separated by spaces or commas."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "Describe what you saw. Refer to files by archive number; do not copy customer "
            "data (ID numbers, phone numbers, bank accounts) into this report."
        ),
    )

    def clean_archive_numbers(self) -> list[str]:
        valid, invalid = parse_archive_numbers(self.cleaned_data.get("archive_numbers", ""))
        if invalid:
            raise forms.ValidationError(
                _("These are not archive numbers: %(items)s. Use the form KH-2026-000123."),
                params={"items": ", ".join(invalid[:5])},
            )
        return valid


class IncidentTriageForm(BaomiForm):
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Incident.Status.choices)
    actions_taken = forms.CharField(
        label=_("Actions taken"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    closing_summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required to close: cause, harm, what was done, what changes."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == Incident.Status.CLOSED
            and not (cleaned.get("closing_summary") or "").strip()
        ):
            self.add_error("closing_summary", _("Write a closing summary to close the incident."))
        return cleaned


class AlertCloseForm(BaomiForm):
    closing_note = forms.CharField(
        label=_("Why is this alert closed?"), widget=forms.Textarea(attrs={"rows": 3})
    )
