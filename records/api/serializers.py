"""The API's request and answer shapes (issue 21 §2). A draft's fields go through the intake
form itself (``records.forms.IntakeForm``), so the API accepts exactly what a person could type,
with the same messages; these serializers only check the envelope's types."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from records.classification import Tier
from records.fields import BY_NAME
from records.models import ConsentMethod, CustomerKind, Outcome, RecordStatus, Source

REFERENCE = r"^[A-Za-z0-9._:-]{1,64}$"


class ConsentIn(serializers.Serializer):
    purpose = serializers.CharField(max_length=300)
    scope = serializers.ListField(child=serializers.CharField(max_length=30), allow_empty=True)
    sensitive_scope = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list
    )
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    obtained_on = serializers.DateField()
    public_disclosure = serializers.BooleanField(required=False, default=False)
    evidence_reference = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True,
        help_text="Where the signed paper consent is kept (the evidence is attached in Baomi).",
    )  # fmt: skip


class DraftIn(serializers.Serializer):
    reference = serializers.RegexField(
        REFERENCE, required=False, help_text="The CRM's own id for this customer (optional)."
    )
    handler = serializers.CharField(
        max_length=150, help_text="Account name of the salesperson whose draft it becomes."
    )
    customer_kind = serializers.ChoiceField(choices=CustomerKind.choices)
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    acquired_on = serializers.DateField()
    level = serializers.ChoiceField(choices=Tier.choices, required=False, allow_null=True)
    content = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        help_text="The registration form's fields by name: " + ", ".join(BY_NAME),
    )
    consent = ConsentIn()

    def validate_content(self, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(BY_NAME))
        if unknown:
            raise serializers.ValidationError(
                _("Not fields of the registration form: %(names)s") % {"names": ", ".join(unknown)}
            )
        return value


class OutcomeIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in Outcome.choices if c[0] != "open"])
    contract_ended_on = serializers.DateField(required=False, allow_null=True)


class StatusOut(serializers.Serializer):
    """What the API tells about a file: where it is in its life, never what it holds."""

    id = serializers.UUIDField()
    archive_number = serializers.CharField(allow_null=True)
    reference = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=RecordStatus.choices)
    status_label = serializers.CharField()
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    contract_ended_on = serializers.DateField(allow_null=True)
    keep_until = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()


def status_of(record: Any, reference: str | None) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "archive_number": record.archive_number or None,
        "reference": reference,
        "status": record.status,
        "status_label": str(RecordStatus(record.status).label),
        "level": int(record.tier),
        "level_label": str(Tier(record.tier).label),
        "outcome": record.outcome,
        "contract_ended_on": record.contract_ended_on.isoformat()
        if record.contract_ended_on
        else None,
        "keep_until": record.retention_until.isoformat() if record.retention_until else None,
        "updated_at": record.updated_at.isoformat(),
    }
