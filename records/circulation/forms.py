"""Forms of the circulation pages: borrow and copy applications, approval, return check,
transfers and hand-overs, external shares and parties, emergency access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from access.models import (
    AccessRequestItem,
    BreakGlass,
    CopyFormat,
    ExternalParty,
    Handover,
    Medium,
    User,
)
from core.forms import BaomiForm, DayField, field_of
from records.fields import SECTION_LABELS


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
    due_on = DayField(label=_("Return by"))


class CopyForm(BaomiForm):
    numbers = BorrowForm.base_fields["numbers"]
    copy_format = forms.ChoiceField(
        label=_("Format"), choices=CopyFormat.choices, initial=CopyFormat.PDF,
        widget=forms.RadioSelect,
    )  # fmt: skip
    sections = forms.MultipleChoiceField(
        label=_("Contents (excerpt)"),
        choices=SECTION_LABELS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the work needs. Values masked on your screen stay masked."),
    )
    purpose = BorrowForm.base_fields["purpose"]
    due_on = DayField(
        label=_("Destroy by"),
        help_text=_("You confirm the destruction of the copy, printouts included, by this date."),
    )


class DestroyForm(BaomiForm):
    note = forms.CharField(
        label=_("How it was destroyed"),
        max_length=200,
        help_text=_("E.g. shredded the printout, deleted the file from my computer."),
    )
    understood = forms.BooleanField(
        label=_(
            "Every printout and electronic copy is destroyed; I understand this cannot be taken "
            "back."
        ),
        error_messages={
            "required": _("Tick to confirm that every printout and electronic copy is destroyed.")
        },
    )


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
    """One condition (and note) per paper folder on the request. An electronic loan has nothing
    to inspect: ending it asks nothing (issue 16: it asked whether the paper was damaged)."""

    def __init__(
        self, *args: Any, items: list[AccessRequestItem], paper: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.paper = paper
        for item in items if paper else []:
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
        if not self.paper:
            return {i.pk: (AccessRequestItem.Condition.INTACT, "") for i in self.items}
        return {i.pk: (data[f"condition_{i.pk}"], data[f"note_{i.pk}"]) for i in self.items}

    def rows(self) -> list[tuple[AccessRequestItem, Any, Any]]:
        if not self.paper:
            return []
        return [(i, self[f"condition_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]


class DeclineForm(BaomiForm):
    note = forms.CharField(label=_("Why not"), max_length=200, required=False)


class HandoverForm(BaomiForm):
    person: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Person leaving or changing role"), queryset=None
    )
    receiver: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Receiver of all their files"), queryset=None
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Handover.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "person", forms.ModelChoiceField).queryset = people
        field_of(self, "receiver", forms.ModelChoiceField).queryset = people


class ShareForm(BaomiForm):
    numbers = BorrowForm.base_fields["numbers"]
    external_party = forms.ModelChoiceField(
        label=_("Recipient"),
        queryset=ExternalParty.objects.all(),
        help_text=_("Only parties with a valid NDA on file can receive files (legal keeps them)."),
    )
    sections = CopyForm.base_fields["sections"]
    purpose = BorrowForm.base_fields["purpose"]
    due_on = DayField(
        label=_("Needed by"), help_text=_("The recipient must have the files by this date.")
    )


class PasscodeForm(BaomiForm):
    passcode = forms.CharField(
        label=_("Passcode"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Your contact gave it to you by phone or in person."),
    )


class ReceiptForm(BaomiForm):
    name = forms.CharField(label=_("Received by (name)"), max_length=100)


class PartyForm(BaomiForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExternalParty.Kind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    nda_signed_on = DayField(label=_("NDA signed on"), required=False, past_only=True)
    nda_expires_on = DayField(label=_("NDA valid until"), required=False)
    nda_document = forms.FileField(label=_("Signed NDA (PDF or scan)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        signed, expires = data.get("nda_signed_on"), data.get("nda_expires_on")
        if signed and expires and expires < signed:
            self.add_error("nda_expires_on", _("The NDA cannot end before it was signed."))
        return data


class BreakGlassForm(BaomiForm):
    archive_number = forms.CharField(label=_("Archive number"), max_length=20)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=BreakGlass.ReasonCode.choices)
    reason_text = forms.CharField(
        label=_("Describe the emergency"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Security officers and auditors read this at once; no customer data."),
    )


class BreakGlassReviewForm(BaomiForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=BreakGlass.Outcome.choices, widget=forms.RadioSelect
    )
    review_note = forms.CharField(label=_("Review note"), max_length=500)
