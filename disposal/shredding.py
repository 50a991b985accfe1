"""Destroying files (R60), the one way: journal outside the database, attachment blobs deleted,
data keys, ciphertexts and blind indexes blanked in one UPDATE (crypto-shredding), grants ended,
and every workflow open on the files closed as the workflow table says (a paper folder on loan
keeps its file). Used by disposal batches and by the draft purge; callers hold the row locks and
write their own audit event per file (what destroyed it differs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from access import grants, workflow
from access.models import Grant, User
from access.workflow import Cause
from records import attachments
from records import content as record_content
from records.models import CustomerRecord
from records.ops import journal


@dataclass
class Shredded:
    destroyed: list  # ids of the files destroyed
    kept: dict  # record id -> why it could not be destroyed now (its workflows say)
    attachments: dict  # record id -> blobs deleted
    grants: dict  # record id -> grants ended


def shred(
    records: list[CustomerRecord],
    *,
    now: datetime,
    why: str,
    by: User | None,
    grant_reason: str = "file destroyed",
) -> Shredded:
    kept = workflow.close_for_files(records, Cause.DESTROYED, by=by, reason=why)
    record_ids = [r.pk for r in records if r.pk not in kept]
    journal.note(record_ids, now, why)
    deleted = attachments.shred_many(record_ids)
    CustomerRecord.objects.filter(pk__in=record_ids).update(
        status="destroyed", destroyed_at=now, **record_content.shredded_values()
    )
    ended: dict = {}
    for grant in Grant.objects.active().filter(record_id__in=record_ids):
        ended[grant.record_id] = ended.get(grant.record_id, 0) + grants.revoke(
            grant, by=by, reason=grant_reason
        )
    return Shredded(record_ids, kept, deleted, ended)
