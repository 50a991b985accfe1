"""After an import's commit: what its page offers, the head's approval of the whole import, and
the to-do lists it feeds (issue 19 §1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.models import User
from access.policy import Capability, Denied, RecordAction
from core.refusals import Refused
from records import review
from records.imports.models import ImportBatch, ImportStatus
from records.models import CustomerRecord, RecordStatus


@dataclass
class Stage:
    """What an import's page offers this person, by where the import is."""

    waiting: bool  # checked, not started: import or cancel
    running: bool  # saving: progress, refresh, carry on
    saved: bool  # the commit has run: progress complete, files created
    may_approve: bool
    rejects_kept: bool  # the upload still exists: the rejected rows can be downloaded


def stage(user: User, batch: ImportBatch) -> Stage:
    saved = batch.status in (ImportStatus.IMPORTED, ImportStatus.APPROVED)
    return Stage(
        waiting=batch.status == ImportStatus.CHECKED,
        running=batch.status == ImportStatus.IMPORTING,
        saved=saved,
        may_approve=batch.status == ImportStatus.IMPORTED and bool(to_approve(user, batch)),
        rejects_kept=bool(batch.sealed_upload),
    )


@dataclass
class Approval:
    approved: int
    left: int  # files this person may not approve (their own: management approves those)


def to_approve(user: User, batch: ImportBatch) -> list[CustomerRecord]:
    """The import's files awaiting review that this person approves."""
    waiting = batch.records.filter(status=RecordStatus.SUBMITTED).select_related("handler")
    return [
        record
        for record in waiting.order_by("old_number", "created_at")
        if policy.decide(user, RecordAction.REVIEW, record)
    ]


def require_approver(user: User, batch: ImportBatch) -> None:
    policy.require_can(user, Capability.RECORD_REVIEW)
    decision = policy.decide_import_approval(user, batch)
    if not decision:
        raise Denied(decision)


def approve(user: User, batch: ImportBatch) -> Approval:
    """Approve every file of the import this person reviews: each is approved, numbered and
    audited by the ordinary review, one by one. The import is locked meanwhile: a second click
    finds nothing left to approve instead of a file approved already."""
    require_approver(user, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportStatus.IMPORTED, ImportStatus.APPROVED):
            raise Refused(
                {"__all__": [_("The files can be approved once the import has finished.")]}
            )
        mine = to_approve(user, batch)
        if not mine:
            raise Refused(
                {"__all__": [_("None of this import's files is waiting for your approval.")]}
            )
        for record in mine:
            review.approve(user, record)
        left = batch.records.filter(status=RecordStatus.SUBMITTED).count()
        if not left:
            batch.status, batch.approved_by, batch.approved_at = (
                ImportStatus.APPROVED,
                user,
                timezone.now(),
            )
            batch.save(update_fields=["status", "approved_by", "approved_at"])
    return Approval(len(mine), left)


def awaiting_consent(user: User) -> int:
    """The imported files ``user`` handles that still wait for consent evidence (to-do list)."""
    return CustomerRecord.objects.filter(
        handler=user, status=RecordStatus.DRAFT, import_batch__isnull=False
    ).count()


def batches_to_approve(user: User) -> list[tuple[ImportBatch, int]]:
    """Finished imports with files this person approves, each with how many (review queue)."""
    waiting = policy.review_queue(user, CustomerRecord.objects.all()).filter(
        import_batch__status=ImportStatus.IMPORTED
    )
    counts: dict[str, int] = {}
    for batch_id in waiting.values_list("import_batch_id", flat=True):
        counts[str(batch_id)] = counts.get(str(batch_id), 0) + 1
    batches = ImportBatch.objects.filter(pk__in=counts).select_related("department", "started_by")
    return [(batch, counts[str(batch.pk)]) for batch in batches]
