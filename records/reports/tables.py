"""The shape every section of the management report takes (issue 19 §3), so that the page, the
xlsx workbook and the PDF print the same figures from one computation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Cell = str | int


# The report's sections by key (the key names a table in exports and in the audit trail).
TITLES: dict[str, Promise] = {
    "levels": _("Files held, by department and level"),
    "statuses": _("Files by department and status"),
    "months": _("Intake, destruction and holdings per month"),
    "consent": _("Consent coverage"),
    "retention": _("Retention forecast"),
    "loans": _("Loans and copies outstanding"),
    "turnaround": _("Request turnaround"),
    "inventory": _("Inventory results"),
    "incidents": _("Incidents by kind"),
    "training": _("Confidentiality training coverage"),
}


@dataclass(frozen=True)
class Series:
    """One coloured run of bars in a chart (``css`` names its colour in baomi.css)."""

    name: str | Promise
    values: list[int]
    css: str


@dataclass(frozen=True)
class Chart:
    """Bars over the rows of a table: ``labels`` under the bars, one value per label per series
    (stacked when there are several)."""

    title: str | Promise
    labels: list[str]
    series: list[Series]
    # Categories with long names read better as rows of bars than as columns.
    horizontal: bool = False


@dataclass(frozen=True)
class Table:
    """One section of the report: what it counts (``definition``), its columns and rows, and an
    optional chart. Cells are counts or short texts; never a customer value."""

    key: str
    definition: str | Promise
    columns: list[str | Promise]
    rows: list[list[Cell]]
    charts: list[Chart] = field(default_factory=list)
    totals: list[Cell] | None = None
    notes: list[str | Promise] = field(default_factory=list)

    @property
    def title(self) -> Promise:
        return TITLES[self.key]


@dataclass(frozen=True)
class Report:
    """The whole report for one scope, as of one local day."""

    as_of: date
    scope: str
    tables: list[Table]

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def month_starts(today: date, months: int = 12) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _month in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the company's time zone (months are counted in local time)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def with_totals(rows: list[list[Cell]]) -> list[Cell] | None:
    """The row under a table: "All departments" and the sum of each figure column (None for a
    table without rows)."""
    if not rows:
        return None
    sums = [sum(int(row[i]) for row in rows) for i in range(1, len(rows[0]))]
    return [str(_("All departments")), *sums]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def one_decimal(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}"
