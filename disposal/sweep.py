"""The daily disposal sweep (R60): files past their keep-until date are proposed for destruction
in one batch per department; held files are frozen instead (restricted, storage only).

Chunked by a keyset over ids; each chunk commits together with the run's position, so a run
killed at any point resumes where it stopped, and a file already in an active batch is never
proposed again (a partial unique index backs this up).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import cast

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

import audit
from disposal.holds import held, restrict
from disposal.models import (
    BatchState,
    DisposalBatch,
    DisposalItem,
    EndAction,
    RetentionPolicy,
    SweepRun,
)
from disposal.retention import KEPT_STATUSES
from records.models import CustomerRecord, PaperFile


def open_batch(department_id: int) -> DisposalBatch:
    """The department's batch still gathering files (locked), or a new one: the sweep and a
    customer's deletion request both add to it."""
    batch = (
        DisposalBatch.objects.select_for_update()
        .filter(department_id=department_id, state=BatchState.PROPOSED)
        .first()
    )
    if batch is None:
        batch = DisposalBatch.objects.create(
            department_id=department_id, number=f"tmp-{uuid.uuid4().hex[:12]}"
        )
        batch.number = f"XH-{timezone.localdate().year}-{batch.pk:06d}"
        batch.save(update_fields=["number"])
    return batch


def _review_first_labels() -> set[str]:
    return {p.audit_label() for p in RetentionPolicy.objects.filter(end_action=EndAction.REVIEW)}


def due_files(as_of: date):
    active = DisposalItem.objects.filter(record=OuterRef("pk"), active=True)
    return (
        CustomerRecord.objects.filter(status__in=KEPT_STATUSES, retention_until__lte=as_of)
        .exclude(Exists(active))
        .order_by("id")
    )


def propose_due(as_of: date | None = None, chunk: int = 500) -> SweepRun:
    as_of = as_of or timezone.localdate()
    run = SweepRun.objects.filter(as_of=as_of, finished_at__isnull=True).first()
    if run is None:
        run = SweepRun.objects.create(as_of=as_of)
    while True:
        rows = due_files(as_of)
        if run.last_id:
            rows = rows.filter(id__gt=run.last_id)
        files = list(
            rows.only("id", "department_id", "retention_until", "retention_policy", "on_hold")[
                :chunk
            ]
        )
        if not files:
            break
        with transaction.atomic():
            holding = set(
                held(CustomerRecord.objects.filter(pk__in=[f.pk for f in files])).values_list(
                    "pk", flat=True
                )
            )
            frozen = [f.pk for f in files if f.pk in holding or f.on_hold]
            if frozen:
                restrict(frozen, reason="legal_hold")
            with_paper = set(
                PaperFile.objects.filter(record_id__in=[f.pk for f in files]).values_list(
                    "record_id", flat=True
                )
            )
            by_department: dict[int, list[CustomerRecord]] = defaultdict(list)
            for record in files:
                if record.pk not in frozen:
                    by_department[record.department_id].append(record)
            review = _review_first_labels()
            proposed = 0
            for department_id, records in by_department.items():
                batch = open_batch(department_id)
                DisposalItem.objects.bulk_create(
                    [
                        DisposalItem(
                            batch=batch,
                            record=r,
                            policy=r.retention_policy,
                            # due_files() picks retention_until <= as_of: never NULL.
                            due_on=cast(date, r.retention_until),
                            had_paper=r.pk in with_paper,
                            review_first=r.retention_policy in review,
                        )
                        for r in records
                    ],
                    ignore_conflicts=True,
                )
                proposed += len(records)
                audit.record(None, "disposal.proposed", batch, files=len(records))
            run.last_id = str(files[-1].pk)
            run.scanned += len(files)
            run.proposed += proposed
            run.save(update_fields=["last_id", "scanned", "proposed"])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run
