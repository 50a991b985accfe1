"""The management report (issue 19 §3): built for one reader and scope, shown, exported to xlsx
and printed as a Chinese PDF. Each of the three is audited, naming the scope and the format;
the report holds counts only, so the event holds no customer value either."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

import audit
from access import policy
from access.models import Department, User
from access.policy import Capability
from core.csvsafe import neutralise
from records.pdf import Column, Document
from records.reports import activity, files, staff
from records.reports.tables import Report, Table


def departments_for(user: User) -> list[Department]:
    """The departments whose figures ``user`` may read, by name."""
    return list(policy.report_departments(user, Department.objects.order_by("name")))


def build(user: User, department: Department | None = None) -> Report:
    """The report over the reader's departments, or over one of them (``department``, which
    the caller has checked is among ``departments_for(user)``)."""
    policy.require_can(user, Capability.MANAGEMENT_REPORT)
    allowed = departments_for(user)
    chosen = [d for d in allowed if department is None or d.pk == department.pk]
    today = timezone.localdate()
    scoped = files.scoped_files(chosen)
    months = files.monthly(scoped, today)
    tables: list[Table] = [
        files.held_by_level(scoped, chosen),
        files.by_status(scoped, chosen),
        months,
        files.consent(scoped, chosen),
        files.retention(scoped, chosen, today),
        activity.outstanding(chosen, today),
        activity.turnaround(chosen, today),
        activity.inventory(chosen, today),
        staff.training_coverage(chosen, today),
    ]
    if department is None and policy.reads_company_wide(user):
        tables.append(activity.incidents(today))
    scope = department.name if department else _("All departments you may see")
    if department is None and policy.reads_company_wide(user):
        scope = _("The whole company")
    return Report(as_of=today, scope=scope, tables=tables)


def viewed(user: User, department: Department | None) -> None:
    _audit(user, "page", department)


def _audit(user: User, file_format: str, department: Department | None, table: str = "") -> None:
    details = {"format": file_format}
    if department is not None:
        details["department"] = department.name
    if table:
        details["table"] = table
    audit.record(user, "report.management", **details)


def _sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Sheet"
    base, n = name, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def workbook(user: User, report: Report, department: Department | None, only: str = "") -> bytes:
    """Every table of the report (or the one named ``only``), a sheet each, with what it
    counts above its figures."""
    tables = [t for t in report.tables if not only or t.key == only] or report.tables
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(str(table.title), taken))
        sheet.append([neutralise(str(table.title))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(str(table.definition))])
        sheet.append([_("Scope"), neutralise(str(report.scope))])
        sheet.append([_("As of"), report.as_of.isoformat()])
        sheet.append([])
        sheet.append([str(column) for column in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(c) if isinstance(c, str) else c for c in _cells(row)])
        if table.totals:
            sheet.append(_cells(table.totals))
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    _audit(user, "xlsx", department, only if only in {t.key for t in report.tables} else "")
    return out.getvalue()


def _cells(row: Sequence[object]) -> list[str | int]:
    return [cell if isinstance(cell, int) else str(cell) for cell in row]


def pdf(user: User, department: Department | None) -> bytes:
    """The whole report in Chinese, like every paper form of the archive, to print and file."""
    with translation.override("zh-hans"):
        report = build(user, department)
        doc = Document(
            _("Management report"),
            heading=_("Management report"),
            footer=_("Figures only: this report holds no customer information."),
        )
        doc.new_page()
        printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        doc.facts(
            [
                (_("Scope"), str(report.scope)),
                (_("As of"), report.as_of.isoformat()),
                (_("Printed by"), f"{user.get_full_name()} {printed}"),
            ]
        )
        for table in report.tables:
            doc.space(6)
            doc.text(str(table.title), size=12)
            doc.text(str(table.definition), size=8)
            doc.space(1)
            rows = [[str(c) for c in row] for row in table.rows]
            if table.totals:
                rows.append([str(c) for c in table.totals])
            doc.table(_columns(table), rows or [["—", *[""] * (len(table.columns) - 1)]])
        data = doc.finish()
    _audit(user, "pdf", department)
    return data


def _columns(table: Table) -> list[Column]:
    """The first column (a department or a kind) wide, the figures spread over the rest."""
    first, last = 20.0, 185.0
    label = 48.0 if len(table.columns) > 4 else 70.0
    step = (last - first - label) / max(len(table.columns) - 1, 1)
    return [
        Column(str(name), first if i == 0 else first + label + (i - 1) * step)
        for i, name in enumerate(table.columns)
    ]
