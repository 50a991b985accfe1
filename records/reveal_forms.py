"""Forms that reveal: hidden values shown in clear and attachments viewed, each behind a
reason (R13; issue 17 §1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BaomiForm, field_of
from records.disclosure import RevealReason


class RevealForm(BaomiForm):
    id_prefix = "reveal"
    fields_to_reveal = forms.MultipleChoiceField(
        label=_("Show in clear"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=RevealReason.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Why you need it, without customer data. Required for “Other”."),
    )

    def __init__(self, *args: Any, revealable: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "fields_to_reveal", forms.ChoiceField).choices = revealable

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason") == RevealReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain the reason in a few words."))
        return cleaned


class AttachmentViewForm(BaomiForm):
    """Why an attachment is opened, like any hidden value (issue 17 §1)."""

    reason = forms.ChoiceField(label=_("Reason"), choices=RevealReason.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Why you need it, without customer data. Required for “Other”."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason") == RevealReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain the reason in a few words."))
        return cleaned
