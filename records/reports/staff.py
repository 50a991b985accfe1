"""The report's section about the staff (issue 19 §3, §5): confidentiality training coverage
(R80). Counts per department; the training register itself names the people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext_lazy as _

from access import training
from access.models import Department
from records.reports.tables import Cell, Chart, Series, Table, percent


def training_coverage(departments: Sequence[Department], today: date) -> Table:
    standings = training.standings(
        training.staff().filter(department__in=[dept.pk for dept in departments])
    )
    rows: list[list[Cell]] = []
    for dept in departments:
        mine = [s for s in standings if s.person.department_id == dept.pk]
        within = sum(1 for s in mine if not s.overdue(today))
        soon = sum(1 for s in mine if s.due_soon(today))
        never = sum(1 for s in mine if s.last_trained is None)
        rows.append([dept.name, len(mine), within, percent(within, len(mine)), soon,
                     len(mine) - within, never])  # fmt: skip
    totals: list[Cell] | None = None
    if rows:
        staff_all, within_all = sum(int(r[1]) for r in rows), sum(int(r[2]) for r in rows)
        totals = [str(_("All departments")), staff_all, within_all,
                  percent(within_all, staff_all),
                  *[sum(int(r[i]) for r in rows) for i in (4, 5, 6)]]  # fmt: skip
    return Table(
        key="training",
        definition=_(
            "Active staff of each department, how many attended a confidentiality training "
            "session in the last year (or are new and not yet due), how many are due within 30 "
            "days, how many are past their date, and how many never attended."
        ),
        columns=[
            _("Department"),
            _("Staff"),
            _("Within their year"),
            _("Coverage"),
            _("Due within 30 days"),
            _("Past their date"),
            _("Never trained"),
        ],
        rows=rows,
        totals=totals,
        charts=[
            Chart(
                title=_("Training coverage"),
                labels=[str(row[0]) for row in rows],
                series=[
                    Series(_("Within their year"), [int(row[2]) for row in rows], "bar-c"),
                    Series(_("Past their date"), [int(row[5]) for row in rows], "bar-late"),
                ],
                horizontal=True,
            )
        ],
    )
