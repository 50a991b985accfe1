"""Forms of the customer-rights desk: find a file, register a customer's request, answer it, and
scope a breach kit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from access.models import User
from core.forms import BaomiForm, DayField, MomentField
from records.models import CustomerRecord
from records.rights.models import SubjectRequest


def _file_by_number(number: str) -> CustomerRecord:
    record = CustomerRecord.objects.filter(archive_number=number.strip().upper()).first()
    if record is None:
        raise forms.ValidationError(_("No client file has this archive number."))
    return record


class FindFileForm(BaomiForm):
    id_prefix = "find"
    archive_number = forms.CharField(label=gettext_lazy("Archive number"), max_length=20)

    def clean_archive_number(self) -> CustomerRecord:
        return _file_by_number(self.cleaned_data["archive_number"])


class RegisterForm(BaomiForm):
    kind = forms.ChoiceField(label=gettext_lazy("The customer asks to"),
                             choices=SubjectRequest.Kind.choices)  # fmt: skip
    channel = forms.ChoiceField(label=gettext_lazy("Received by"),
                                choices=SubjectRequest.Channel.choices)  # fmt: skip
    received_on = DayField(label=gettext_lazy("Received on"), past_only=True)
    archive_number = forms.CharField(
        label=gettext_lazy("Archive number"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Empty when no file about this customer was found."),
    )
    identity_check = forms.CharField(
        label=gettext_lazy("How the customer's identity was checked"),
        max_length=300,
        help_text=gettext_lazy(
            "E.g. ID card seen at the desk; call-back to the mobile on file. "
            "Do not write the numbers themselves."
        ),
    )

    def clean_archive_number(self) -> CustomerRecord | None:
        number = self.cleaned_data["archive_number"]
        return _file_by_number(number) if number.strip() else None


class AnswerForm(BaomiForm):
    note = forms.CharField(
        label=gettext_lazy("Note for the letter (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("In Chinese; printed in the answer letter. No customer data."),
    )


class BreachForm(BaomiForm):
    actors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Suspected people"),
        queryset=User.objects.order_by("username"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    since = MomentField(label=pgettext_lazy("start of a period", "From"))
    until = MomentField(label=pgettext_lazy("end of a period", "Until"))
    scope = forms.MultipleChoiceField(
        label=gettext_lazy("What counts"),
        choices=[
            ("record.view", gettext_lazy("Opened a file")),
            ("record.reveal", gettext_lazy("Showed values in clear")),
            ("record.attachment_download", gettext_lazy("Downloaded an attachment")),
            ("record.attachment_view", gettext_lazy("Viewed an attachment")),
            ("record.export", gettext_lazy("Exported or copied")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Nothing ticked: all of them."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            self.add_error("until", _("The window must end after it starts."))
        return data
