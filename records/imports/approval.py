"""After an import's commit: what its page offers, the head's approval of the whole import, and
the to-do lists it feeds (issue 19 §1)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.models import User
from access.policy import Capability, Denied
from core.refusals import Refused
from records import review
from records.imports.models import ImportBatch, ImportStatus
from records.imports.service import lock
from records.models import CustomerRecord, RecordStatus


@dataclass
class Stage:
    """What an import's page offers this person, by where the import is."""

    checking: bool  # being checked: rows so far, refresh
    waiting: bool  # checked, not started: import or cancel
    running: bool  # saving: progress, refresh, carry on
    approving: bool  # being approved: files so far, refresh
    saved: bool  # the commit has run: progress complete, files created
    may_approve: bool
    rejects_kept: bool  # the upload still exists: the rejected rows can be downloaded

    @property
    def refreshing(self) -> bool:
        """Work goes on in the background: the page reloads itself to follow it."""
        return self.checking or self.running or self.approving


def stage(user: User, batch: ImportBatch) -> Stage:
    saved = batch.status in (ImportStatus.IMPORTED, ImportStatus.APPROVING, ImportStatus.APPROVED)
    return Stage(
        checking=batch.status == ImportStatus.CHECKING,
        waiting=batch.status == ImportStatus.CHECKED,
        running=batch.status == ImportStatus.IMPORTING,
        approving=batch.status == ImportStatus.APPROVING,
        saved=saved,
        may_approve=batch.status == ImportStatus.IMPORTED and bool(to_approve(user, batch)),
        rejects_kept=bool(batch.sealed_upload)
        and batch.status in (ImportStatus.CHECKED, ImportStatus.IMPORTING),
    )


@dataclass
class Approval:
    approved: int
    left: int  # files this person may not approve (their own: management approves those)


def to_approve(user: User, batch: ImportBatch) -> list[CustomerRecord]:
    """The import's files awaiting review that this person approves (its page lists them)."""
    return list(_waiting(user, batch).select_related("handler"))


def require_approver(user: User, batch: ImportBatch) -> None:
    policy.require_can(user, Capability.RECORD_REVIEW)
    decision = policy.decide_import_approval(user, batch)
    if not decision:
        raise Denied(decision)


def start_approval(user: User, batch: ImportBatch, *, queue: bool = True) -> None:
    """Approve the import's files in the background (``run_approval``): thousands of files
    take longer than a page may. Asked again while it runs, it queues the approval again
    (a lost or failed run carries on; a second run finds nothing left or stops)."""
    from records.imports.tasks import approve_import

    require_approver(user, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        again = batch.status == ImportStatus.APPROVING and batch.approved_by_id == user.pk
        if not again:
            if batch.status not in (ImportStatus.IMPORTED, ImportStatus.APPROVED):
                raise Refused(
                    {"__all__": [_("The files can be approved once the import has finished.")]}
                )
            if not _waiting(user, batch).exists():
                raise Refused(
                    {"__all__": [_("None of this import's files is waiting for your approval.")]}
                )
            batch.status, batch.approved_by = ImportStatus.APPROVING, user
            batch.save(update_fields=["status", "approved_by"])
        if queue:
            transaction.on_commit(lambda: approve_import.delay(str(batch.pk)))


APPROVAL_CHUNK = 100
logger = logging.getLogger(__name__)


def _waiting(user: User, batch: ImportBatch) -> QuerySet[CustomerRecord]:
    """The import's files awaiting review that this person may review, in the database."""
    files = CustomerRecord.objects.filter(import_batch=batch, status=RecordStatus.SUBMITTED)
    return policy.review_queue(user, files).order_by("old_number", "created_at")


def run_approval(batch_id: str) -> None:
    """The approval (Celery task body): each file through ``review.approve`` (numbered, one
    event per file), a hundred per transaction with the count on the page. A file that may not
    be approved now (consent withdrawn meanwhile, decided from the review queue) is skipped and
    stays in the queue; a failure puts the import back to be approved again, never left
    "being approved"."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.APPROVING or batch.approved_by_id is None:
        return
    skipped: set[Any] = set()
    try:
        while _approve_chunk(batch, skipped):
            pass
    except Exception as error:
        logger.error("import approval failed: %s", type(error).__name__)
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.APPROVING).update(
            status=ImportStatus.IMPORTED
        )


def _approve_chunk(batch: ImportBatch, skipped: set[Any]) -> bool:
    """Approve the next hundred; False when the approval is over."""
    with transaction.atomic():
        locked = lock(batch.pk)
        if locked.status != ImportStatus.APPROVING or locked.approved_by_id is None:
            return False
        user = User.objects.get(pk=locked.approved_by_id)  # the roles as they are now
        mine = list(_waiting(user, locked).exclude(pk__in=skipped)[:APPROVAL_CHUNK])
        for record in mine:
            try:
                with transaction.atomic():
                    review.approve(user, record)
                locked.approved_files += 1
            except (Refused, Denied):
                skipped.add(record.pk)
        if not mine:
            left = locked.records.filter(status=RecordStatus.SUBMITTED).exists()
            locked.status = ImportStatus.IMPORTED if left else ImportStatus.APPROVED
            locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_files", "status", "approved_at"])
        return bool(mine)


def approve(user: User, batch: ImportBatch) -> Approval:
    """``start_approval`` and ``run_approval`` in this process (the demo and the tests)."""
    before = batch.records.filter(status=RecordStatus.APPROVED).count()
    start_approval(user, batch, queue=False)
    run_approval(str(batch.pk))
    approved = batch.records.filter(status=RecordStatus.APPROVED).count() - before
    return Approval(approved, batch.records.filter(status=RecordStatus.SUBMITTED).count())


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
