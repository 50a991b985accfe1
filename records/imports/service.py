"""Importing a client register (issue 19 §1): check, commit in the background, approve.

1. ``check``: the upload is read and every row checked (records.imports.rows); the upload is
   kept sealed under its own key, and the rows that passed, sealed a chunk at a time, with what
   the check found. No client file exists yet.
2. ``start`` queues ``run`` (Celery): a chunk per transaction with the progress mark, so a
   killed worker loses one chunk at most. Rows are matched against the department's files first
   (old number; ID number or mobile with the name, by blind index): nothing is saved twice.
3. Rows naming where their signed consent is kept are submitted for review; the others stay
   drafts with their handlers, who attach the evidence and submit them.
4. The head approves the import (records.imports.approval), file by file by the ordinary review.
The upload and the checked rows are destroyed when the import ends or is cancelled.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import Department, User
from access.policy import Capability, Denied
from core.refusals import Refused
from records import consents, crypto
from records import content as record_content
from records.fields import categories_present
from records.imports import rows as row_checks
from records.imports import sorting, workbook
from records.imports.models import DeclaredLocation, ImportBatch, ImportChunk, ImportStatus
from records.imports.sealing import chunk_context as _chunk_context
from records.imports.sealing import context as _context
from records.imports.sealing import rejects_context as _rejects_context
from records.models import Consent, CustomerRecord, RecordStatus

logger = logging.getLogger(__name__)
SHOWN_PROBLEMS = 500  # rejected rows listed on the page; all of them are in the download


def _upload(batch: ImportBatch) -> bytes:
    return crypto.open_blob(_context(batch), batch.sealed_upload)


def destroy_upload(batch: ImportBatch) -> None:
    """The upload and the checked rows go (the caller saves the batch). A backup taken while
    the import was open still holds them sealed, openable with the key-encryption key, until
    that backup is pruned."""
    batch.sealed_upload = b""
    batch.chunks.all().delete()


def receive(user: User, department: Department, data: bytes, *, queue: bool = True) -> ImportBatch:
    """Take an upload: refused at once (``Refused`` on "file") when it is plainly not a
    register; else kept sealed and checked in the background (``check_batch``)."""
    from records.imports.tasks import check_register

    policy.require_can(user, Capability.RECORD_IMPORT)
    if not policy.import_departments(user, Department.objects.filter(pk=department.pk)).exists():
        raise Denied(policy.decide_import(user, ImportBatch(department=department)))
    if not data:
        raise Refused({"file": [_("The file is empty.")]})
    if len(data) > workbook.MAX_BYTES:
        raise Refused(
            {"file": [_("A register may be at most 20 MB. Split it and import it in parts.")]}
        )
    try:
        file_format = workbook.file_format(data)
        first = next(workbook.read(data), None)  # the headers and the first row
    except workbook.Unreadable as unreadable:
        raise Refused({"file": [str(unreadable)]}) from None
    if first is None:
        raise Refused({"file": [_("The register has no rows under its header row.")]})
    batch = ImportBatch(department=department, started_by=user, file_format=file_format)
    batch.sealed_upload = crypto.seal_blob(_context(batch), data)
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        batch.save()
        if queue:
            transaction.on_commit(lambda: check_register.delay(str(batch.pk), language))
    return batch


def check(user: User, department: Department, data: bytes) -> ImportBatch:
    """``receive`` and ``check_batch`` in this process (the demo, the benchmark, the tests)."""
    batch = receive(user, department, data, queue=False)
    check_batch(str(batch.pk))
    batch.refresh_from_db()
    if batch.status == ImportStatus.REFUSED:
        raise Refused({"file": [batch.refusal]})
    return batch


def _sealed_rows(batch: ImportBatch, number: int, rows: list[Any]) -> bytes:
    return crypto.seal_blob(_chunk_context(batch, number), orjson.dumps(rows))


def check_batch(batch_id: str) -> None:
    """The check (Celery task body): every row, a chunk per transaction, the counts on the page
    growing as it goes. A run that died is started over (the check saves no file)."""
    found = ImportBatch.objects.select_related("department", "started_by").filter(pk=batch_id)
    batch = found.first()
    if batch is None:
        return
    with transaction.atomic():  # this run owns the chunks from now on; an older run stops
        owner = lock(batch.pk)
        if owner.status != ImportStatus.CHECKING:
            return
        owner.check_run += 1
        owner.save(update_fields=["check_run"])
        owner.chunks.all().delete()
        run_number = owner.check_run
    try:
        _check_rows(batch, run_number)
    except Exception as error:
        logger.error("import check failed: %s", type(error).__name__)
        _refuse(batch, _("The register could not be checked. Upload it again."), run_number)


def _check_rows(batch: ImportBatch, run_number: int) -> None:
    counts = ImportBatch(pk=batch.pk)  # a blank set of counters
    handlers = row_checks.Handlers(batch.department, batch.started_by)
    by_tier: dict[str, int] = {}
    problems: list[dict] = []
    ignored: list[str] = []
    try:
        for number, chunk in enumerate(sorting.chunks(workbook.read(_upload(batch)))):
            for sheet in {id(row.sheet): row.sheet for row in chunk}.values():
                ignored += [name for name in sheet.unknown if name not in ignored]
            sorted_ = sorting.sort(chunk, handlers)
            counts.total_rows += len(chunk)
            counts.valid_rows += len(sorted_.new)
            counts.known_rows += sorted_.known
            counts.rejected_rows += len(sorted_.rejected)
            counts.awaiting_consent += sum(1 for c in sorted_.new if not c.evidence_reference)
            for item in sorted_.new:
                by_tier[str(item.tier)] = by_tier.get(str(item.tier), 0) + 1
            room = max(SHOWN_PROBLEMS - len(problems), 0)
            problems += sorting.shown(sorted_.rejected[:room], sorted_.duplicates, handlers)
            rejects = workbook.reject_lines(sorted_.rejected)
            with transaction.atomic():
                locked = lock(batch.pk)
                if locked.status != ImportStatus.CHECKING or locked.check_run != run_number:
                    return  # cancelled meanwhile, or a newer run took over
                ImportChunk.objects.create(
                    batch=locked,
                    number=number,
                    rows=len(chunk),
                    sealed=_sealed_rows(locked, number, [i.to_json() for i in sorted_.new]),
                    sealed_rejects=crypto.seal_blob(_rejects_context(locked, number), rejects)
                    if rejects
                    else b"",
                )
                _copy_counts(counts, locked)
                locked.problems = problems
                locked.save(update_fields=[*_COUNTS, "problems"])
    except workbook.Unreadable as unreadable:
        _refuse(batch, str(unreadable), run_number)
        return
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.CHECKING or locked.check_run != run_number:
            return
        _copy_counts(counts, locked)
        locked.problems = problems
        locked.preview = {"by_tier": by_tier}
        locked.ignored_columns = ignored[:50]
        locked.status = ImportStatus.CHECKED
        locked.save()
        audit.record(
            batch.started_by,
            "import.checked",
            target=locked,
            department=batch.department.name,
            rows=locked.total_rows,
            valid=locked.valid_rows,
            rejected=locked.rejected_rows,
            already_imported=locked.known_rows,
        )


_COUNTS = ("total_rows", "valid_rows", "known_rows", "rejected_rows", "awaiting_consent")


def lock(pk: Any) -> ImportBatch:
    """The import's row, locked, without the sealed upload: a chunk's transaction needs its
    counters, and reading 10 MB per chunk made a 100,000-row check twice as slow."""
    return ImportBatch.objects.select_for_update().defer("sealed_upload").get(pk=pk)


def _copy_counts(source: ImportBatch, target: ImportBatch) -> None:
    for name in _COUNTS:
        setattr(target, name, getattr(source, name))


def _refuse(batch: ImportBatch, reason: str, run_number: int) -> None:
    """The check ends without a register: nothing of it stays (counts, problems, upload)."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.CHECKING or locked.check_run != run_number:
            return  # cancelled meanwhile, or a newer run took over
        _copy_counts(ImportBatch(pk=batch.pk), locked)
        locked.problems, locked.preview, locked.ignored_columns = [], {}, []
        locked.status, locked.refusal = ImportStatus.REFUSED, reason[:300]
        locked.finished_at = timezone.now()
        destroy_upload(locked)
        locked.save()
        audit.record(batch.started_by, "import.refused", target=locked)


def require(user: User, batch: ImportBatch) -> None:
    policy.require_can(user, Capability.RECORD_IMPORT)
    decision = policy.decide_import(user, batch)
    if not decision:
        raise Denied(decision)


def rejected_rows(user: User, batch: ImportBatch) -> bytes:
    """The rejected rows as uploaded, with their problems: a CSV to correct and import."""
    require(user, batch)
    if (
        batch.status not in (ImportStatus.CHECKED, ImportStatus.IMPORTING)
        or not batch.sealed_upload
    ):
        raise Refused(
            {"__all__": [_("The rejected rows can be downloaded between the check and the end.")]}
        )
    lines = [
        crypto.open_blob(_rejects_context(batch, number), sealed)
        for number, sealed in batch.chunks.order_by("number").values_list(
            "number", "sealed_rejects"
        )
        if sealed
    ]
    audit.record(user, "import.rejects_downloaded", target=batch, rows=batch.rejected_rows)
    return workbook.rejects_file(b"".join(lines))


def start(user: User, batch: ImportBatch) -> None:
    """Save the valid rows, in the background (``run``)."""
    from records.imports.tasks import import_register

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        require(user, batch)
        if batch.status not in (ImportStatus.CHECKED, ImportStatus.IMPORTING):
            raise Refused({"__all__": [_("This import has already ended.")]})
        if batch.status == ImportStatus.CHECKED:
            batch.status = ImportStatus.IMPORTING
            batch.save(update_fields=["status"])
            audit.record(user, "import.started", target=batch, rows=batch.valid_rows)
        transaction.on_commit(lambda: import_register.delay(str(batch.pk)))


def cancel(user: User, batch: ImportBatch) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        require(user, batch)
        if batch.status not in (ImportStatus.CHECKING, ImportStatus.CHECKED):
            raise Refused({"__all__": [_("Only an import not yet started can be cancelled.")]})
        batch.status, batch.finished_at = ImportStatus.CANCELLED, timezone.now()
        destroy_upload(batch)
        batch.save(update_fields=["status", "finished_at", "sealed_upload"])
        audit.record(user, "import.cancelled", target=batch)


PLACE = ("room", "cabinet", "shelf")


def _save(batch: ImportBatch, items: list[row_checks.Checked]) -> None:
    """Encrypt, classify and save the rows' files with their consents, one event per file."""
    actor, now = batch.started_by, timezone.now()
    records: list[CustomerRecord] = []
    rows: list[Consent] = []
    for item in items:
        waiting = not item.evidence_reference
        record, cipher = record_content.new_record(
            kind=item.meta.kind,
            source=item.meta.source,
            acquired_at=item.meta.acquired_at,
            tier=item.tier,
            minimum_tier=item.minimum,
            handler_id=item.handler_id,
            department=batch.department,
            status=RecordStatus.DRAFT if waiting else RecordStatus.SUBMITTED,
            submitted_at=None if waiting else now,
            public_authorised=item.terms.public_disclosure,
            old_number=item.old_number,
            import_batch=batch,
        )
        record_content.write(record, cipher, item.content)
        record.categories = sorted(categories_present(item.content))
        records.append(record)
        rows.append(consents.consent_row(actor, record, item.terms, None, item.evidence_reference))
    CustomerRecord.objects.bulk_create(records)
    Consent.objects.bulk_create(rows)
    DeclaredLocation.objects.bulk_create(
        DeclaredLocation(
            record=record, batch=batch, room=place[0], cabinet=place[1], shelf=place[2]
        )
        for record, item in zip(records, items, strict=True)
        if (place := item.location)
    )
    audit.record_many(
        actor,
        "record.imported",
        [
            (
                record,
                {
                    "kind": record.kind,
                    "minimum_tier": record.minimum_tier,
                    "categories": record.categories,
                    "separate_categories": consent.sensitive_scope,
                    "method": consent.method,
                    "with_evidence": bool(consent.evidence_reference),
                    "row": item.number,
                },
            )
            for record, consent, item in zip(records, rows, items, strict=True)
        ],
    )
    batch.created_files += len(records)
    batch.awaiting_consent += sum(1 for r in records if r.status == RecordStatus.DRAFT)


def run(batch_id: str) -> None:
    """The commit (Celery task body): from the progress mark to the end, a chunk at a time,
    each chunk and the mark in one transaction."""
    batch = ImportBatch.objects.select_related("department", "started_by").filter(pk=batch_id)
    found = batch.first()
    if found is None or found.status != ImportStatus.IMPORTING:
        return
    numbers = found.chunks.filter(number__gte=found.next_chunk).order_by("number")
    # The check may be days old: a handler who left or moved since gets no file; the head does.
    holders = {person.pk for person in row_checks.may_hold(found.department)}
    heir = row_checks.heir(found.department, found.started_by, holders)
    for chunk_id, number in list(numbers.values_list("pk", "number")):
        with transaction.atomic():
            locked = lock(found.pk)
            if locked.status != ImportStatus.IMPORTING or locked.next_chunk != number:
                return  # another run got here first and carries on
            # Two imports of one department saving at once would each miss the other's files.
            Department.objects.select_for_update().get(pk=locked.department_id)
            locked.department, locked.started_by = found.department, found.started_by
            chunk = ImportChunk.objects.get(pk=chunk_id)
            opened = crypto.open_blob(_chunk_context(locked, number), chunk.sealed)
            items = [row_checks.Checked.from_json(item) for item in orjson.loads(opened)]
            known = sorting.known_in(locked.department, items)
            if number == 0:
                locked.created_files = locked.awaiting_consent = locked.reassigned_rows = 0
            new = [i for i in items if not any(k in known for k in sorting.identities(i))]
            for item in new if heir else []:
                if item.handler_id not in holders:
                    item.handler_id, locked.reassigned_rows = heir, locked.reassigned_rows + 1
            _save(locked, new)
            # Saved since the check, by another import or an earlier chunk of this one.
            locked.known_rows += len(items) - len(new)
            locked.next_chunk, locked.done_rows = number + 1, locked.done_rows + chunk.rows
            locked.save(
                update_fields=[
                    "next_chunk",
                    "done_rows",
                    "created_files",
                    "awaiting_consent",
                    "known_rows",
                    "reassigned_rows",
                ]
            )
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=found.pk)
        if locked.status != ImportStatus.IMPORTING:
            return
        locked.status, locked.finished_at = ImportStatus.IMPORTED, timezone.now()
        locked.done_rows = locked.total_rows
        destroy_upload(locked)
        locked.save(update_fields=["status", "finished_at", "done_rows", "sealed_upload"])
        audit.record(
            found.started_by,
            "import.finished",
            target=locked,
            created=locked.created_files,
            awaiting_consent=locked.awaiting_consent,
            reassigned=locked.reassigned_rows,
        )
