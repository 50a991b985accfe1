"""Forms of the request pages (borrow application, approval, return check)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from access.models import AccessRequestItem, Medium
from config.forms import BaomiForm


class BorrowForm(BaomiForm):
    numbers = forms.CharField(
        label=_("Archive numbers"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "KH-2026-000001"}),
        help_text=_("One or more, separated by spaces, commas or new lines."),
    )
    medium = forms.ChoiceField(
        label=_("Form"), choices=Medium.choices, initial=Medium.ELECTRONIC, widget=forms.RadioSelect
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The business reason, without customer data."),
    )
    due_on = forms.DateField(label=_("Return by"), widget=forms.DateInput(attrs={"type": "date"}))


class SignForm(BaomiForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject."),
    )


class TakeBackForm(BaomiForm):
    """One condition (and note) per file on the request."""

    def __init__(self, *args: Any, items: list[AccessRequestItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"condition_{item.pk}"] = forms.ChoiceField(
                label=item.record.archive_number,
                choices=AccessRequestItem.Condition.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=200
            )

    def conditions(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {i.pk: (data[f"condition_{i.pk}"], data[f"note_{i.pk}"]) for i in self.items}

    def rows(self) -> list[tuple[AccessRequestItem, Any, Any]]:
        return [(i, self[f"condition_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]
