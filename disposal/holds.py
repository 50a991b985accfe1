"""Legal holds: legal keeps files from destruction, and releases them (R60 exceptions).

``CustomerRecord.on_hold`` mirrors "has an unreleased hold" for the policy and the sweep; it is
written in the same transaction as the hold. The destruction service also reads the holds
themselves, so a stale flag could never let a held file be destroyed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy, workflow
from access.models import User
from access.policy import Capability
from access.workflow import Cause
from core.refusals import Refused
from disposal.models import DisposalBatch, DisposalItem, LegalHold
from records import content as record_content
from records import crypto
from records.circulation.lending import parse_numbers
from records.models import CustomerRecord
from records.validators import normalise_resident_id


def held(records_qs=None):
    """Files with at least one unreleased hold, read from the holds themselves."""
    live = LegalHold.objects.filter(records=OuterRef("pk"), released_at__isnull=True)
    return (records_qs if records_qs is not None else CustomerRecord.objects.all()).filter(
        Exists(live)
    )


def restrict(
    record_ids: list,
    *,
    reason: str,
    actor: User | None = None,
    **details: object,
) -> int:
    """Restrict files to storage (legal alone may open them): files held past their retention,
    or a customer's deletion that the law does not allow yet. Each file newly restricted is a
    ``record.restricted`` event; returns how many were."""
    newly = list(
        CustomerRecord.objects.filter(pk__in=record_ids, restricted_at__isnull=True).select_related(
            "department"
        )
    )
    if newly:
        CustomerRecord.objects.filter(pk__in=[r.pk for r in newly]).update(
            restricted_at=timezone.now()
        )
    for record in newly:
        audit.record(actor, "record.restricted", target=record, reason=reason, **details)
    # What can no longer go on with a file kept for the law only ends now (loans, copies and
    # deliveries not made, transfers); a paper folder on loan still comes back.
    workflow.close_for_files(newly, Cause.RESTRICTED, by=actor, reason=f"restricted: {reason}")
    return len(newly)


def _refresh_flags(record_ids: list) -> None:
    CustomerRecord.objects.filter(pk__in=record_ids).update(on_hold=False)
    held(CustomerRecord.objects.filter(pk__in=record_ids)).update(on_hold=True)


def resolve(numbers: str, customer_id_number: str = "") -> tuple[list[CustomerRecord], list[str]]:
    """Files named by archive numbers and/or every file of one customer (by ID number or
    credit code, through the blind index)."""
    valid, invalid = parse_numbers(numbers)
    problems = (
        [_("Not an archive number: %(items)s") % {"items": ", ".join(invalid)}] if invalid else []
    )
    found = list(
        CustomerRecord.objects.filter(archive_number__in=valid).exclude(status="destroyed")
    )
    missing = sorted(set(valid) - {r.archive_number for r in found})
    if missing:
        problems.append(_("No such file: %(items)s") % {"items": ", ".join(missing)})
    if customer_id_number.strip():
        index = crypto.blind_index("id", normalise_resident_id(customer_id_number))
        column = record_content.INDEX_COLUMNS["id"]
        by_customer = CustomerRecord.objects.filter(**{column: index}).exclude(status="destroyed")
        found += [r for r in by_customer if r.pk not in {f.pk for f in found}]
        if not by_customer:
            problems.append(_("No file holds this ID number or credit code."))
    return found, problems


def place(
    user: User,
    *,
    reference: str,
    reason: str,
    records: list[CustomerRecord],
) -> LegalHold:
    policy.require_can(user, Capability.LEGAL_HOLDS)
    if not records:
        raise Refused({"numbers": [_("Name at least one file.")]})
    if not reference.strip() or not reason.strip():
        raise Refused({"reason": [_("Give the case reference and the reason.")]})
    with transaction.atomic():
        hold = LegalHold.objects.create(
            reference=reference.strip()[:100], reason=reason.strip()[:300], placed_by=user
        )
        hold.records.set(records)
        _refresh_flags([r.pk for r in records])
        # A held file leaves any disposal batch it was proposed in.
        leaving = DisposalItem.objects.filter(
            record__in=records, active=True, batch__state__in=["proposed", "approved"]
        )
        touched = set(leaving.values_list("batch_id", flat=True))
        leaving.update(active=False, removed_reason=f"legal hold {hold.reference}", removed_by=user)
        from disposal.batches import approve_when_signed

        for batch in DisposalBatch.objects.select_for_update().filter(pk__in=touched):
            approve_when_signed(batch, by=user)
        audit.record(
            user,
            "hold.placed",
            hold,
            files=[r.audit_label() for r in records],
            reference=hold.reference,
        )
    return hold


def release(user: User, hold: LegalHold, reason: str) -> LegalHold:
    policy.require_can(user, Capability.LEGAL_HOLDS)
    if not reason.strip():
        raise Refused({"reason": [_("Say why the hold ends.")]})
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at:
            raise Refused({"__all__": [_("This hold was released already.")]})
        hold.released_at = timezone.now()
        hold.released_by = user
        hold.release_reason = reason.strip()[:300]
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        ids = list(hold.records.values_list("pk", flat=True))
        _refresh_flags(ids)
        audit.record(user, "hold.released", hold, files=len(ids))
    return hold
