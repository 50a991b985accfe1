"""Forms of the client-file pages. Fields come from the intake template (records.fields)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BaomiForm, DayField, field_of
from records import attachments, validators
from records.classification import Tier
from records.consents import ConsentTerms
from records.fields import (
    BY_NAME,
    CATEGORY_LABELS,
    FIELDS,
    GENDERS,
    INCOME_BANDS,
    SECTION_LABELS,
    SENSITIVE_CATEGORIES,
    Category,
    Field,
    Section,
)
from records.intake import Editing, Metadata, Upload
from records.models import (
    AttachmentKind,
    ConsentMethod,
    CustomerKind,
    InventoryResult,
    Outcome,
    RecordStatus,
    Source,
)

if TYPE_CHECKING:
    from access.models import User

_VALIDATORS: dict[str, Callable[[str], str]] = {
    "id_number": validators.validate_resident_id,
    "uscc": validators.validate_uscc,
    "mobile": validators.validate_mobile,
    "bank_card": validators.validate_bank_card,
}


class UploadField(forms.FileField):
    """A file checked by content (type, size) as soon as it arrives."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            attachments.check_upload(upload)
        return upload


def _form_field(spec: Field) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": False, "help_text": spec.help}
    if spec.kind == "gender":
        return forms.ChoiceField(choices=GENDERS, **common)
    if spec.kind == "income":
        return forms.ChoiceField(choices=INCOME_BANDS, **common)
    if spec.kind == "long":
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.kind == "email":
        return forms.EmailField(max_length=254, **common)
    if spec.kind == "money":
        return forms.IntegerField(min_value=0, max_value=10**12, **common)
    attrs = {"autocomplete": "off"}
    if spec.kind in {"id_number", "uscc", "bank_card", "mobile"}:
        attrs["inputmode"] = "numeric" if spec.kind in {"bank_card", "mobile"} else "text"
    return forms.CharField(max_length=200, widget=forms.TextInput(attrs=attrs), **common)


_CATEGORY_CHOICES = [(c.value, CATEGORY_LABELS[c]) for c in Category]
_GENERAL_CHOICES = [(v, label) for v, label in _CATEGORY_CHOICES if v not in SENSITIVE_CATEGORIES]
_SENSITIVE_CHOICES = [(v, label) for v, label in _CATEGORY_CHOICES if v in SENSITIVE_CATEGORIES]


class IntakeForm(BaomiForm):
    """The customer information registration form (客户信息登记表, R10) with its consent (R11)."""

    identifiers_allowed = frozenset(BY_NAME)

    kind = forms.ChoiceField(
        label=_("Kind of customer"), choices=CustomerKind.choices, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    acquired_at = DayField(label=_("Information obtained on"), past_only=True)
    tier = forms.TypedChoiceField(
        label=_("Classification"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Automatic: the minimum the content requires")), *Tier.choices],
        help_text=_(
            "You may choose a stricter level than the content requires, never a lower one."
        ),
    )
    # Consent (R11)
    consent_purpose = forms.CharField(
        label=_("Purpose the customer was told"),
        max_length=300,
        initial=_("Property purchase and related services"),
    )
    consent_scope = forms.MultipleChoiceField(
        label=_("The customer consented to the collection of"),
        choices=_GENERAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_sensitive = forms.MultipleChoiceField(
        label=_("Separate consent for sensitive data"),
        choices=_SENSITIVE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick only what the customer explicitly and separately agreed to."),
    )
    consent_public = forms.BooleanField(
        label=_("The customer authorised public disclosure of this information"), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was given"), choices=ConsentMethod.choices
    )
    consent_obtained_at = DayField(label=_("Consent given on"), past_only=True)
    consent_evidence = UploadField(
        label=_("Consent evidence"),
        required=False,
        help_text=_("Scan of the signed form, the e-signature receipt or the recording."),
    )
    attachment = UploadField(label=_("Attachment"), required=False)
    attachment_kind = forms.ChoiceField(
        label=_("Kind of attachment"), choices=AttachmentKind.choices, initial="id_scan"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["acquired_at"].initial = today
        self.fields["consent_obtained_at"].initial = today
        for spec in FIELDS:
            self.fields[spec.name] = _form_field(spec)

    def sections(self) -> list[tuple[Any, list[tuple[forms.BoundField, str]]]]:
        """(section label, [(bound field, "person" | "company" | "both")]) in template order."""

        def applies_to(spec: Field) -> str:
            if spec.person and spec.company:
                return "both"
            return "person" if spec.person else "company"

        return [
            (
                SECTION_LABELS[section],
                [(self[f.name], applies_to(f)) for f in FIELDS if f.section == section],
            )
            for section in Section
        ]

    def applies(self, spec: Field, kind: str) -> bool:
        return spec.person if kind == CustomerKind.PERSON else spec.company

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for spec in FIELDS:
            value = cleaned.get(spec.name)
            if value in (None, ""):
                cleaned[spec.name] = ""
                continue
            cleaned[spec.name] = str(value)
            if kind and not self.applies(spec, kind):
                self.add_error(
                    spec.name,
                    _("Not asked for a company; leave it empty.")
                    if kind == CustomerKind.COMPANY
                    else _("Not asked for a person; leave it empty."),
                )
                continue
            validate = _VALIDATORS.get(spec.kind)
            if validate:
                try:
                    cleaned[spec.name] = validate(str(value))
                except ValidationError as error:
                    self.add_error(spec.name, error)
        return cleaned

    def metadata(self) -> Metadata:
        data = self.cleaned_data
        return Metadata(
            kind=data["kind"],
            source=data["source"],
            acquired_at=data["acquired_at"],
            tier=data.get("tier"),
        )

    def content(self) -> dict[str, str]:
        return {spec.name: self.cleaned_data.get(spec.name, "") for spec in FIELDS}

    def consent_terms(self) -> ConsentTerms:
        data = self.cleaned_data
        return ConsentTerms(
            purpose=data["consent_purpose"],
            scope=list(data.get("consent_scope") or []),
            sensitive_scope=list(data.get("consent_sensitive") or []),
            method=data["consent_method"],
            obtained_at=data["consent_obtained_at"],
            public_disclosure=bool(data.get("consent_public")),
        )

    def uploads(self) -> list[Upload]:
        upload = self.cleaned_data.get("attachment")
        return [Upload(self.cleaned_data["attachment_kind"], upload)] if upload else []

    @classmethod
    def initial_for(cls, editing: Editing) -> dict[str, Any]:
        meta, terms = editing.meta, editing.terms
        initial: dict[str, Any] = {
            "kind": meta.kind,
            "source": meta.source,
            "acquired_at": meta.acquired_at,
            "tier": meta.tier,
            **editing.content,
        }
        if terms:
            initial.update(
                consent_purpose=terms.purpose,
                consent_scope=terms.scope,
                consent_sensitive=terms.sensitive_scope,
                consent_public=terms.public_disclosure,
                consent_method=terms.method,
                consent_obtained_at=terms.obtained_at,
            )
        return initial


class ReturnForm(BaomiForm):
    id_prefix = "return"
    # Sealed under the file's key with the file (records.content.write_review_comment).
    identifiers_allowed = frozenset({"comment"})

    comment = forms.CharField(
        label=_("What must be corrected"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommunicationForm(BaomiForm):
    id_prefix = "communication"
    identifiers_allowed = frozenset({"summary"})

    CHANNELS = [
        ("visit", _("Visit")),
        ("phone", _("Phone")),
        ("wechat", _("WeChat")),
        ("email", _("E-mail")),
        ("other", _("Other")),
    ]
    occurred_at = DayField(label=_("Date"), past_only=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS)
    summary = forms.CharField(
        label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localdate()


class AttachmentForm(BaomiForm):
    id_prefix = "attachment"
    file = UploadField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)


class ListFilterForm(BaomiForm):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("mine", _("My files")), ("department", _("My department"))],
    )
    tier = forms.TypedChoiceField(
        label=_("Classification"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Any")), *Tier.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *RecordStatus.choices],
    )
    handler = forms.TypedChoiceField(
        label=_("Handler"), coerce=int, required=False, empty_value=None, choices=[]
    )
    date_from = DayField(label=_("Obtained from"), required=False)
    date_to = DayField(label=_("to"), required=False)

    def __init__(self, *args: Any, handlers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "handler", forms.ChoiceField).choices = [("", _("Anyone")), *handlers]


class SearchForm(BaomiForm):
    identifiers_allowed = frozenset({"q"})

    q = forms.CharField(
        label=_("Exact search"),
        max_length=100,
        help_text=_("Archive number, mobile number, ID number / credit code, or full name."),
    )


class _ByFullNameChoiceField(forms.ModelChoiceField):
    """People, each shown by their full name."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class PaperLocationForm(BaomiForm):
    room = forms.CharField(label=_("Archive room"), max_length=60)
    cabinet = forms.CharField(label=_("Cabinet"), max_length=30)
    shelf = forms.CharField(label=_("Shelf"), max_length=30)
    custodian = _ByFullNameChoiceField(label=_("Custodian"), queryset=None)

    def __init__(self, *args: Any, custodians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "custodian", forms.ModelChoiceField).queryset = custodians


class InventoryForm(BaomiForm):
    result = forms.ChoiceField(
        label=_("Result"), choices=InventoryResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Required unless the folder was found intact: where it was, what is wrong."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        result = cleaned.get("result")
        if result and result != "found" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what you found, for the incident report."))
        return cleaned


class OutcomeForm(BaomiForm):
    id_prefix = "outcome"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    contract_ended_on = DayField(label=_("Contract ends / ended on"), required=False)


class TransferForm(BaomiForm):
    id_prefix = "transfer"
    receiver: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Hand to"), queryset=None
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, receivers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "receiver", forms.ModelChoiceField).queryset = receivers
