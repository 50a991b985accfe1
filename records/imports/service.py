"""Importing a client register (issue 19 §1): check, commit in the background, approve.

1. ``check``: the upload is read and every row checked (records.imports.rows); the upload is
   kept sealed under its own key, and the rows that passed, sealed a chunk at a time, with what
   the check found. No client file exists yet.
2. ``start`` queues ``run`` (a Celery task): the checked rows are saved a chunk per transaction,
   which also moves the progress mark, so a worker killed halfway loses at most the chunk it was
   in and the next run carries on from the mark. Every row is matched against the department's
   files first (old archive number; ID number and name; mobile and name, by their blind
   indexes), so importing the same register twice saves nothing twice.
3. Rows with the place of their signed consent are submitted for review like a typed file; rows
   without are drafts with their handlers, who attach the evidence and submit them.
4. The head approves the whole import (records.imports.approval): each file is approved,
   numbered and audited one by one by the ordinary review.
The upload and the checked rows are destroyed when the import ends or is cancelled.
"""

from __future__ import annotations

import orjson
from django.db import transaction
from django.utils import timezone
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
from records.imports.models import ImportBatch, ImportChunk, ImportStatus
from records.models import Consent, CustomerRecord, RecordStatus

SHOWN_PROBLEMS = 500  # rejected rows listed on the page; all of them are in the download


def _context(batch: ImportBatch) -> str:
    return f"import:{batch.pk}"


def _upload(batch: ImportBatch) -> bytes:
    return crypto.open_blob(_context(batch), batch.sealed_upload)


def _destroy_upload(batch: ImportBatch) -> None:
    """The upload and the checked rows go (the caller saves the batch). A backup taken while
    the import was open still holds them sealed, openable with the key-encryption key, until
    that backup is pruned."""
    batch.sealed_upload = b""
    batch.chunks.all().delete()


def _chunk_context(batch: ImportBatch, number: int) -> str:
    return f"import:{batch.pk}:{number}"


def check(user: User, department: Department, data: bytes) -> ImportBatch:
    """Read and check an uploaded register; ``Refused`` (on "file") for a file that is not one.
    The rows that passed are kept sealed, a chunk at a time, for the commit."""
    policy.require_can(user, Capability.RECORD_IMPORT)
    if not policy.import_departments(user, Department.objects.filter(pk=department.pk)).exists():
        raise Denied(policy.decide_import(user, ImportBatch(department=department)))
    if not data:
        raise Refused({"file": [_("The file is empty.")]})
    if len(data) > workbook.MAX_BYTES:
        raise Refused(
            {"file": [_("A register may be at most 20 MB. Split it and import it in parts.")]}
        )
    batch = ImportBatch(department=department, started_by=user)
    handlers = row_checks.Handlers(department, user)
    by_tier: dict[str, int] = {}
    ignored: list[str] = []
    try:
        with transaction.atomic():
            batch.file_format = workbook.file_format(data)
            batch.sealed_upload = crypto.seal_blob(_context(batch), data)
            batch.save()
            for number, chunk in enumerate(sorting.chunks(workbook.read(data))):
                for sheet in {id(row.sheet): row.sheet for row in chunk}.values():
                    ignored += [name for name in sheet.unknown if name not in ignored]
                found = sorting.sort(chunk, handlers)
                batch.total_rows += len(chunk)
                batch.valid_rows += len(found.new)
                batch.known_rows += found.known
                batch.rejected_rows += len(found.rejected)
                batch.awaiting_consent += sum(1 for c in found.new if not c.evidence_reference)
                for item in found.new:
                    by_tier[str(item.tier)] = by_tier.get(str(item.tier), 0) + 1
                room = max(SHOWN_PROBLEMS - len(batch.problems), 0)
                batch.problems += sorting.shown(found.rejected[:room], found.duplicates, handlers)
                sealed = orjson.dumps([item.to_json() for item in found.new])
                ImportChunk.objects.create(
                    batch=batch,
                    number=number,
                    rows=len(chunk),
                    sealed=crypto.seal_blob(_chunk_context(batch, number), sealed),
                )
            if not batch.total_rows:
                raise Refused({"file": [_("The register has no rows under its header row.")]})
            batch.preview = {"by_tier": by_tier}
            batch.ignored_columns = ignored[:50]
            batch.save()
            audit.record(
                user,
                "import.checked",
                target=batch,
                department=department.name,
                rows=batch.total_rows,
                valid=batch.valid_rows,
                rejected=batch.rejected_rows,
                already_imported=batch.known_rows,
            )
    except workbook.Unreadable as unreadable:
        raise Refused({"file": [str(unreadable)]}) from None
    return batch


def require(user: User, batch: ImportBatch) -> None:
    policy.require_can(user, Capability.RECORD_IMPORT)
    decision = policy.decide_import(user, batch)
    if not decision:
        raise Denied(decision)


def rejected_rows(user: User, batch: ImportBatch) -> bytes:
    """The rejected rows as uploaded, with their problems: a workbook to correct and import."""
    require(user, batch)
    if not batch.sealed_upload:
        raise Refused({"__all__": [_("The uploaded file was destroyed when the import ended.")]})
    handlers = row_checks.Handlers(batch.department, batch.started_by)
    found: list[tuple[workbook.SheetRow, list[str]]] = []
    for chunk in sorting.chunks(workbook.read(_upload(batch))):
        found += sorting.sort(chunk, handlers).rejected
    audit.record(user, "import.rejects_downloaded", target=batch, rows=len(found))
    return workbook.rejects(found)


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
        if batch.status != ImportStatus.CHECKED:
            raise Refused({"__all__": [_("Only an import not yet started can be cancelled.")]})
        batch.status, batch.finished_at = ImportStatus.CANCELLED, timezone.now()
        _destroy_upload(batch)
        batch.save(update_fields=["status", "finished_at", "sealed_upload"])
        audit.record(user, "import.cancelled", target=batch)


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
    for chunk_id, number in list(numbers.values_list("pk", "number")):
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=found.pk)
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
                locked.created_files = locked.awaiting_consent = 0
            new = [i for i in items if not any(k in known for k in sorting.identities(i))]
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
                ]
            )
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=found.pk)
        if locked.status != ImportStatus.IMPORTING:
            return
        locked.status, locked.finished_at = ImportStatus.IMPORTED, timezone.now()
        locked.done_rows = locked.total_rows
        _destroy_upload(locked)
        locked.save(update_fields=["status", "finished_at", "done_rows", "sealed_upload"])
        audit.record(
            found.started_by,
            "import.finished",
            target=locked,
            created=locked.created_files,
            awaiting_consent=locked.awaiting_consent,
        )
