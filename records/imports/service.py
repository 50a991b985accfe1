"""Importing a client register (issue 19 §1): check, commit in the background, approve.

1. ``check``: the upload is read and every row checked (records.imports.rows); nothing is saved
   but the import itself, with the upload sealed under its own key and what the check found.
2. ``start`` queues ``run`` (a Celery task): rows are saved in chunks, each chunk in one
   transaction that also moves the progress mark, so a worker killed halfway loses at most the
   chunk it was in, and the next run carries on from the mark. Every row is matched against the
   department's files first (old archive number; ID number and name; mobile and name, by their
   blind indexes), so importing the same register twice saves nothing twice.
3. Rows with the place of their signed consent are submitted for review like a typed file; rows
   without are drafts with their handlers, who attach the evidence and submit them.
4. ``approve``: the head approves the whole import after looking through it; each file is
   approved, numbered and audited one by one by the ordinary review (records.review).
The upload is destroyed (its sealed copy blanked) when the import ends or is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.db.models import Q
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
from records.imports import workbook
from records.imports.columns import LANGUAGES
from records.imports.models import ImportBatch, ImportStatus
from records.models import Consent, CustomerRecord, RecordStatus

CHUNK = 500
SHOWN_PROBLEMS = 500  # rejected rows listed on the page; all of them are in the download


def _context(batch: ImportBatch) -> str:
    return f"import:{batch.pk}"


def _upload(batch: ImportBatch) -> bytes:
    return crypto.open_blob(_context(batch), batch.sealed_upload)


def _destroy_upload(batch: ImportBatch) -> None:
    batch.sealed_upload = b""  # its data key is inside the blob: nothing can open a copy


def _identity(checked: row_checks.Checked) -> list[tuple[str, ...]]:
    """What makes a row the same customer file as another: any one of these."""
    found: list[tuple[str, ...]] = []
    if checked.old_number:
        found.append(("old", checked.old_number))
    index = checked.indexes
    if index["id"]:
        found.append(("id", index["id"], index["name"]))
    if index["mobile"]:
        found.append(("mobile", index["mobile"], index["name"]))
    return found


def _known(department: Department, chunk: list[row_checks.Checked]) -> set[tuple[str, ...]]:
    """The identities of ``chunk`` the department's files already have."""
    olds = {c.old_number for c in chunk if c.old_number}
    ids = {c.indexes["id"] for c in chunk if c.indexes["id"]}
    mobiles = {c.indexes["mobile"] for c in chunk if c.indexes["mobile"]}
    found: set[tuple[str, ...]] = set()
    existing = (
        CustomerRecord.objects.filter(department=department)
        .exclude(status=RecordStatus.DESTROYED)
        .filter(Q(old_number__in=olds) | Q(id_index__in=ids) | Q(phone_index__in=mobiles))
        .values_list("old_number", "id_index", "phone_index", "name_index")
    )
    for old, id_index, phone, name in existing:
        if old:
            found.add(("old", old))
        if id_index:
            found.add(("id", id_index, name))
        if phone:
            found.add(("mobile", phone, name))
    return found


@dataclass
class Sorted:
    """One chunk of rows, sorted: to save, already in Baomi, rejected (with problems)."""

    new: list[row_checks.Checked]
    known: int
    rejected: list[tuple[workbook.SheetRow, list[str]]]
    duplicates: dict[int, int]  # row number -> the earlier row of the same customer


def _no_identity() -> list[str]:
    return [
        _(
            "Give its old archive number, an ID number or a mobile, so that importing the "
            "register again cannot register it twice."
        )
    ]


def _duplicate(earlier: int) -> list[str]:
    return [_("The same customer as row %(row)s of this register.") % {"row": earlier}]


def _sort(
    chunk: list[workbook.SheetRow],
    handlers: row_checks.Handlers,
    seen: dict[tuple[str, ...], int],
) -> Sorted:
    """Check each row; ``seen`` carries the identities of earlier rows of the same upload."""
    checked: list[row_checks.Checked] = []
    result = Sorted([], 0, [], {})
    for row in chunk:
        outcome = row_checks.check(row, handlers)
        if isinstance(outcome, list):
            result.rejected.append((row, outcome))
        elif not _identity(outcome):
            result.rejected.append((row, _no_identity()))
        else:
            checked.append(outcome)
    known = _known(handlers.department, checked)
    for item in checked:
        identity = _identity(item)
        if any(key in known for key in identity):
            result.known += 1
            continue
        earlier = next((seen[key] for key in identity if key in seen), None)
        if earlier is not None:
            result.rejected.append((item.row, _duplicate(earlier)))
            result.duplicates[item.row.number] = earlier
            continue
        for key in identity:
            seen[key] = item.row.number
        result.new.append(item)
    return result


def _shown(
    rejected: list[tuple[workbook.SheetRow, list[str]]],
    duplicates: dict[int, int],
    handlers: row_checks.Handlers,
) -> list[dict]:
    """The rejected rows a page lists, their problems in each language of the interface (the
    person who reads them may not be the one who uploaded, or may switch language)."""
    shown = []
    for row, _problems in rejected:
        entry: dict = {"sheet": row.sheet.name, "row": row.number}
        for language in LANGUAGES:
            with translation.override(language):
                again = row_checks.check(row, handlers)
                if isinstance(again, list):
                    entry[language] = again
                elif row.number in duplicates:
                    entry[language] = _duplicate(duplicates[row.number])
                else:
                    entry[language] = _no_identity()
        shown.append(entry)
    return shown


def shown_problems(batch: ImportBatch) -> list[dict]:
    """The rejected rows the page lists, in the reader's language."""
    language = translation.get_language() or LANGUAGES[0]
    key = LANGUAGES[0] if language.startswith("zh") else "en"
    return [
        {"sheet": item["sheet"], "row": item["row"], "problems": item.get(key, [])}
        for item in batch.problems
    ]


def _chunks(rows: Iterator[workbook.SheetRow]) -> Iterator[list[workbook.SheetRow]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def check(user: User, department: Department, data: bytes) -> ImportBatch:
    """Read and check an uploaded register; ``Refused`` (on "file") for a file that is not one."""
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
    seen: dict[tuple[str, ...], int] = {}
    by_tier: dict[str, int] = {}
    ignored: list[str] = []
    try:
        batch.file_format = workbook.file_format(data)
        for chunk in _chunks(workbook.read(data)):
            for sheet in {id(row.sheet): row.sheet for row in chunk}.values():
                ignored += [name for name in sheet.unknown if name not in ignored]
            found = _sort(chunk, handlers, seen)
            batch.total_rows += len(chunk)
            batch.valid_rows += len(found.new)
            batch.known_rows += found.known
            batch.rejected_rows += len(found.rejected)
            batch.awaiting_consent += sum(1 for c in found.new if not c.evidence_reference)
            for item in found.new:
                by_tier[str(item.tier)] = by_tier.get(str(item.tier), 0) + 1
            room = SHOWN_PROBLEMS - len(batch.problems)
            batch.problems += _shown(found.rejected[: max(room, 0)], found.duplicates, handlers)
    except workbook.Unreadable as unreadable:
        raise Refused({"file": [str(unreadable)]}) from None
    if not batch.total_rows:
        raise Refused({"file": [_("The register has no rows under its header row.")]})
    batch.preview = {"by_tier": by_tier}
    batch.ignored_columns = ignored[:50]
    batch.sealed_upload = crypto.seal_blob(_context(batch), data)
    with transaction.atomic():
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
    seen: dict[tuple[str, ...], int] = {}
    found: list[tuple[workbook.SheetRow, list[str]]] = []
    for chunk in _chunks(workbook.read(_upload(batch))):
        found += _sort(chunk, handlers, seen).rejected
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
            minimum_tier=item.derivation.minimum,
            handler=item.handler,
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
                    "row": item.row.number,
                },
            )
            for record, consent, item in zip(records, rows, items, strict=True)
        ],
    )
    batch.created_files += len(records)
    batch.awaiting_consent += sum(1 for r in records if r.status == RecordStatus.DRAFT)


def run(batch_id: str) -> None:
    """The commit (Celery task body): from the progress mark to the end, a chunk at a time."""
    batch = ImportBatch.objects.select_related("department", "started_by").get(pk=batch_id)
    if batch.status != ImportStatus.IMPORTING:
        return
    handlers = row_checks.Handlers(batch.department, batch.started_by)
    seen: dict[tuple[str, ...], int] = {}
    rows = workbook.read(_upload(batch))
    mark = batch.done_rows
    for row in islice(rows, mark):  # rows saved by an earlier run: only their identities
        outcome = row_checks.check(row, handlers)
        if not isinstance(outcome, list):
            seen.update(dict.fromkeys(_identity(outcome), row.number))
    for chunk in _chunks(rows):
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportStatus.IMPORTING or locked.done_rows != mark:
                return  # another run got here first and carries on
            if mark == 0:
                locked.created_files = locked.awaiting_consent = 0
            _save(locked, _sort(chunk, handlers, seen).new)
            mark = locked.done_rows = mark + len(chunk)
            locked.save(update_fields=["done_rows", "created_files", "awaiting_consent"])
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.IMPORTING:
            return
        locked.status, locked.finished_at = ImportStatus.IMPORTED, timezone.now()
        locked.done_rows = locked.total_rows
        _destroy_upload(locked)
        locked.save(update_fields=["status", "finished_at", "done_rows", "sealed_upload"])
        audit.record(
            locked.started_by,
            "import.finished",
            target=locked,
            created=locked.created_files,
            awaiting_consent=locked.awaiting_consent,
        )
