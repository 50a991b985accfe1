"""Destroying files (R60), the one way: journal outside the database, attachment blobs deleted,
data keys, ciphertexts and blind indexes blanked in one UPDATE (crypto-shredding), grants ended.
Used by disposal batches and by the draft purge; callers hold the row locks and write their own
audit event per file (what destroyed it differs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from access import grants
from access.models import Grant
from records import attachments
from records import content as record_content
from records.models import CustomerRecord
from records.ops import journal


@dataclass
class Shredded:
    attachments: dict  # record id -> blobs deleted
    grants: dict  # record id -> grants ended


def shred(
    record_ids: list, *, now: datetime, why: str, by: object, grant_reason: str = "file destroyed"
) -> Shredded:
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
    return Shredded(deleted, ended)
