"""Reading an uploaded register (xlsx, or CSV in UTF-8 or GB18030) and writing the template and
the rejected rows.

Customer data stays in memory: the upload arrives in memory (records.uploads), is sealed before
it is stored, and is read here from bytes; the rejected rows go back as a CSV built in memory
(openpyxl writes a worksheet through a temporary file, so it writes only the empty template).
openpyxl reads in streaming mode, so a 100,000-row sheet never sits in memory as cells. A file
is refused as a whole, with a reason, when it is not a register at all: an old .xls, a
macro-enabled workbook, a damaged one, a zip that unpacks to more than a register could, more
rows than one import takes. A row with a formula is refused on its own (a formula's value is
whatever Excel last computed, and a formula can reach outside the file).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from core.csvsafe import neutralise
from records.imports.columns import (
    KIND,
    SHEETS,
    CellProblem,
    choice,
    columns_for,
    csv_columns,
    header_keys,
    in_each_language,
)
from records.models import CustomerKind

MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024  # 100,000 full rows of the template come to about 10 MB
MAX_UNPACKED = 300 * 1024 * 1024  # what 100,000 full rows unpack to, with room to spare
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


class Unreadable(ValueError):
    """The whole file is refused; the message says why and what to do."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    keys: list[str | None]
    unknown: list[str] = field(default_factory=list)


@dataclass
class SheetRow:
    sheet: Sheet
    number: int  # the row number the person sees in their program (below the header row)
    kind: str
    cells: dict[str, Any]  # column key -> the cell's value
    values: list[Any]  # the row as it was, for the rejected-rows workbook
    problem: str = ""  # a cell that could not be read at all (e.g. a formula)


def file_format(data: bytes) -> str:
    if data.startswith(_OLE):
        raise Unreadable(
            _("This is an old Excel file (.xls). Open it in Excel or WPS and save it as .xlsx.")
        )
    return "xlsx" if data.startswith(_ZIP) else "csv"


def read(data: bytes) -> Iterator[SheetRow]:
    """Every non-empty row of every register sheet; ``Unreadable`` for a file that is not one,
    also when the damage is found only as the file is read (a part missing or corrupt, a cell
    openpyxl cannot convert, a CSV field beyond any register's)."""
    return _guarded(_read_xlsx(data) if file_format(data) == "xlsx" else _read_csv(data))


def _guarded(rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    try:
        yield from rows
    except Unreadable:
        raise
    except csv.Error:
        raise Unreadable(_("A cell of this CSV file is longer than any register's.")) from None
    except Exception:
        raise Unreadable(_("This file is damaged or is not an Excel workbook.")) from None


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise Unreadable(_("This file is damaged or is not an Excel workbook.")) from None
    names = {entry.filename.lower() for entry in entries}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise Unreadable(
            _(
                "This workbook contains macros. Save it as an ordinary workbook (.xlsx) and "
                "upload it again."
            )
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise Unreadable(_("This workbook unpacks to far more than a register could hold."))


def _kind_of_sheet(name: str) -> str | None:
    for kind, label in SHEETS.items():
        if name.strip().casefold() in in_each_language(label) | {kind}:
            return kind
    try:
        return str(choice("kind", name))  # 个人, 企业, Individual, ...
    except CellProblem:
        return None


def _read_xlsx(data: bytes) -> Iterator[SheetRow]:
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise Unreadable(_("This file is damaged or is not an Excel workbook.")) from None
    count = 0
    try:
        for position, worksheet in enumerate(book.worksheets, start=1):
            rows = worksheet.iter_rows()
            found = _header_row([cell.value for cell in cells] for cells in rows)
            if found is None:
                continue  # an instructions sheet, or an empty one
            at, headers, keys, unknown = found
            sheet = Sheet(worksheet.title, [str(h or "") for h in headers], keys, unknown)
            sheet_kind = _kind_of_sheet(worksheet.title)
            if sheet_kind is None and "kind" not in keys:
                raise Unreadable(
                    _(
                        "Sheet %(sheet)s: name it after the kind of customer it lists "
                        "(%(kinds)s) or add a column “%(column)s”."
                    )
                    % {
                        "sheet": position,  # its place, not its title: a title may be a name
                        "kinds": "、".join(str(label) for label in SHEETS.values()),
                        "column": KIND.label,
                    }
                )
            for number, cells in enumerate(rows, start=at + 1):
                values = [cell.value for cell in cells]
                if all(value in (None, "") for value in values):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise Unreadable(_too_many())
                formula = any(getattr(cell, "data_type", "") == "f" for cell in cells)
                yield _row(sheet, number, sheet_kind, values, formula)
    finally:
        book.close()


# Registers kept by hand put a title, a date line or a blank row above their headers.
HEADER_SEARCH = 10


def _header_row(
    rows: Iterator[list[Any]],
) -> tuple[int, list[Any], list[str | None], list[str]] | None:
    """(row number, headers, column keys, unknown headers) of the header row, read from
    ``rows`` up to it, so the data follows; None when none of the first rows is one. The first
    row is the template's header if it names any of our columns; a row below it must name two,
    so a title that happens to read like one column ("客户登记表") is not taken for headers."""
    for number, values in enumerate(itertools.islice(rows, HEADER_SEARCH), start=1):
        keys, unknown = header_keys(list(values))
        if sum(1 for key in keys if key) >= (1 if number == 1 else 2):
            return number, list(values), keys, unknown
    return None


def _too_many() -> str:
    return _(
        "One import takes at most %(limit)s rows. Split the register and import it in parts."
    ) % {"limit": f"{MAX_ROWS:,}"}


def _read_csv(data: bytes) -> Iterator[SheetRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise Unreadable(
                _("This CSV file is neither UTF-8 nor GBK/GB18030 text. Save it again as CSV.")
            ) from None
    if "\x00" in text:
        raise Unreadable(_("This file is not a CSV file or an Excel workbook."))
    reader = csv.reader(io.StringIO(text, newline=""))
    at, headers, keys, unknown = _header_row(reader) or (1, [], [], [])
    if "kind" not in keys:
        raise Unreadable(
            _(
                "A CSV register needs a column “%(column)s” (个人 or 企业) and the template's "
                "headers."
            )
            % {"column": KIND.label}
        )
    sheet = Sheet("", list(headers), keys, unknown)
    count = 0
    for number, values in enumerate(reader, start=at + 1):
        if not any(value.strip() for value in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise Unreadable(_too_many())
        yield _row(sheet, number, None, list(values), False)


def _row(sheet: Sheet, number: int, kind: str | None, values: list[Any], formula: bool) -> SheetRow:
    cells = {key: value for key, value in zip(sheet.keys, values, strict=False) if key}
    problem = (
        _("A cell holds a formula. Paste the values only, then upload again.") if formula else ""
    )
    found = kind or ""
    if not found:
        try:
            found = str(choice("kind", str(cells.get("kind") or "")))
        except CellProblem as error:
            problem = problem or _("%(column)s: %(problem)s") % {
                "column": KIND.label,
                "problem": error,
            }
    return SheetRow(sheet, number, found, cells, values, problem)


def template() -> bytes:
    """The import template: an instructions sheet and one sheet per kind of customer, headers in
    the current language, the digit columns formatted as text so Excel keeps every digit."""
    book = Workbook()
    notes = book.active
    notes.title = _("Instructions")
    for line in (
        _("One row per client file. Keep the header row; columns you do not use may stay empty."),
        _("Dates as 2019-03-05. Choices as on the registration form (e.g. 来访, 纸质, 全部)."),
        _("Consent categories separated by 、 — 全部 means every category that is not sensitive."),
        _(
            "ID numbers, bank cards and phone numbers must be text, not numbers: the columns "
            "are set so."
        ),
        _(
            "A row without the place where its signed consent is kept is imported as a draft "
            "that waits for consent evidence."
        ),
        _(
            "The paper folder's location as room / cabinet / shelf (e.g. 档案室A / 03 / 2): the "
            "archive checks it and places the folder after the file is approved."
        ),
        _("At most %(limit)s rows per import.") % {"limit": f"{MAX_ROWS:,}"},
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    for kind, label in SHEETS.items():
        sheet = book.create_sheet(str(label))
        columns = columns_for(kind)
        sheet.append([str(column.label) for column in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 18
            if column.text:
                for row in range(2, 1002):
                    sheet.cell(row=row, column=index).number_format = "@"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_template() -> bytes:
    """The same columns for a CSV register (UTF-8 with a BOM, which Excel and WPS recognise)."""
    out = io.StringIO()
    csv.writer(out).writerow([str(column.label) for column in csv_columns()])
    return out.getvalue().encode("utf-8-sig")


def reject_lines(rows: list[tuple[SheetRow, list[str]]]) -> bytes:
    """Rejected rows as lines of the rejects CSV (``rejects_file``), in the CSV template's
    layout, each with its problems in a last column. Built in memory: they are customer data
    (openpyxl would spool a worksheet through a temporary file in clear)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row, problems in rows:
        kind = CustomerKind(row.kind).label if row.kind in CustomerKind.values else ""
        cells = {**row.cells, "kind": kind}
        values = [_cell_text(cells.get(column.key)) for column in csv_columns()]
        where = _("Row %(number)s: ") % {"number": row.number}
        writer.writerow([*values, where + " ".join(problems)])
    return out.getvalue().encode()


def rejects_file(lines: bytes) -> bytes:
    """The rejected rows' CSV (UTF-8 with a BOM, which Excel and WPS recognise): correct the
    rows where they are and import the file as it is."""
    out = io.StringIO()
    csv.writer(out).writerow([str(column.label) for column in csv_columns()] + [_("Problems")])
    return ("\ufeff" + out.getvalue()).encode() + lines


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return neutralise(str(value))
