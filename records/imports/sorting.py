"""Which rows of a register are new, already in Baomi, or rejected, and how a rejected row's
problems are kept for its page (records.imports.service checks and commits with these)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from access.models import Department
from records.imports import rows as row_checks
from records.imports import workbook
from records.imports.columns import LANGUAGES
from records.imports.models import ImportBatch
from records.models import CustomerRecord, RecordStatus

CHUNK = 500


def identities(checked: row_checks.Checked) -> list[tuple[str, ...]]:
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


def known_in(department: Department, chunk: list[row_checks.Checked]) -> set[tuple[str, ...]]:
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


def sort(chunk: list[workbook.SheetRow], handlers: row_checks.Handlers) -> Sorted:
    """Check each row of a chunk. The same customer twice within a chunk is a problem of the
    later row; across chunks the commit finds the earlier one saved and skips the later (the
    check keeps nothing per row across chunks: its memory stays flat on any register)."""
    seen: dict[tuple[str, ...], int] = {}
    checked: list[row_checks.Checked] = []
    result = Sorted([], 0, [], {})
    rows = {row.number: row for row in chunk}
    for row in chunk:
        outcome = row_checks.check(row, handlers)
        if isinstance(outcome, list):
            result.rejected.append((row, outcome))
        elif not identities(outcome):
            result.rejected.append((row, _no_identity()))
        else:
            checked.append(outcome)
    known = known_in(handlers.department, checked)
    for item in checked:
        identity = identities(item)
        if any(key in known for key in identity):
            result.known += 1
            continue
        earlier = next((seen[key] for key in identity if key in seen), None)
        if earlier is not None:
            result.rejected.append((rows[item.number], _duplicate(earlier)))
            result.duplicates[item.number] = earlier
            continue
        for key in identity:
            seen[key] = item.number
        result.new.append(item)
    return result


def shown(
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


def chunks(rows: Iterator[workbook.SheetRow]) -> Iterator[list[workbook.SheetRow]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk
