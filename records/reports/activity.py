"""The report's sections about what people do with the files (issue 19 §3): loans and copies
outstanding, how long requests wait for a decision, inventory results and incidents. Counts and
durations only; a request counts for a department when one of its files belongs to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models import (
    AccessRequest,
    AccessRequestItem,
    CopyRegisterEntry,
    Department,
    Medium,
    RequestKind,
    RequestState,
)
from audit.models import Incident
from records.models import InventoryCheck, InventoryResult
from records.reports.tables import Chart, Series, Table, median, one_decimal, with_totals

YEAR = timedelta(days=365)


def _requests(departments: Sequence[Department]) -> QuerySet[AccessRequest]:
    touching = AccessRequestItem.objects.filter(
        record__department__in=[dept.pk for dept in departments]
    ).values("request_id")
    return AccessRequest.objects.filter(pk__in=touching)


def _durations(rows: QuerySet, start: str, end: str, *, hours: int) -> list[float]:
    """How long each row took from ``start`` to ``end`` (rows not ended yet left out), in units
    of ``hours``."""
    ended = rows.filter(**{f"{end}__isnull": False}).values_list(start, end)
    return [(finish - begin).total_seconds() / (3600 * hours) for begin, finish in ended]


def outstanding(departments: Sequence[Department], today: date) -> Table:
    requests = _requests(departments)
    # Files, not requests: one loan may carry several folders; each counts for its department.
    items = AccessRequestItem.objects.filter(
        record__department__in=[dept.pk for dept in departments],
        request__kind=RequestKind.BORROW,
        request__state=RequestState.FULFILLED,
        returned_at__isnull=True,
    )
    paper, online = Q(request__medium=Medium.PAPER), Q(request__medium=Medium.ELECTRONIC)
    late = Q(request__due_on__lt=today)
    loans = items.aggregate(
        paper=Count("id", filter=paper),
        paper_late=Count("id", filter=paper & late),
        online=Count("id", filter=online),
        online_late=Count("id", filter=online & late),
    )
    copies = CopyRegisterEntry.objects.filter(
        request__in=requests, destroyed_at__isnull=True
    ).aggregate(n=Count("id"), late=Count("id", filter=Q(destroy_by__lt=today)))
    rows: list[list[str | int]] = [
        [str(_("Paper folders lent out")), loans["paper"], loans["paper_late"]],
        [str(_("Files on electronic loan")), loans["online"], loans["online_late"]],
        [str(_("Copies not yet destroyed")), copies["n"], copies["late"]],
    ]
    return Table(
        key="loans",
        definition=_(
            "Files handed out on loan and not yet returned (each folder of a loan counts), and "
            "copies made and not yet confirmed destroyed (one per copy request); overdue means "
            "past the return date, or past the destroy-by date for a copy."
        ),
        columns=[_("What"), _("Outstanding"), _("Overdue")],
        rows=rows,
        charts=[
            Chart(
                title=_("Outstanding, on time and overdue"),
                labels=[str(row[0]) for row in rows],
                series=[
                    Series(_("On time"), [int(row[1]) - int(row[2]) for row in rows], "bar-a"),
                    Series(_("Overdue"), [int(row[2]) for row in rows], "bar-late"),
                ],
                horizontal=True,
            )
        ],
    )


def turnaround(departments: Sequence[Department], today: date) -> Table:
    since = timezone.now() - YEAR
    requests = _requests(departments).filter(created_at__gte=since)
    rows: list[list[str | int]] = []
    for kind in RequestKind:
        asked = requests.filter(kind=kind)
        waits = _durations(asked, "created_at", "decided_at", hours=1)
        rows.append(
            [
                str(kind.label),
                asked.count(),
                len(waits),
                one_decimal(median(waits)),
                one_decimal(max(waits) if waits else None),
                asked.filter(state=RequestState.PENDING).count(),
            ]
        )
    return Table(
        key="turnaround",
        definition=_(
            "Borrowing, copy and external-sharing requests made in the last 365 days: how many "
            "were decided (approved or rejected), the median and longest wait from request to "
            "decision in hours, and how many still wait for a decision."
        ),
        columns=[
            _("Request"),
            _("Requested"),
            _("Decided"),
            _("Median wait (hours)"),
            _("Longest wait (hours)"),
            _("Still waiting"),
        ],
        rows=rows,
    )


def inventory(departments: Sequence[Department], today: date) -> Table:
    results = list(InventoryResult)
    since = timezone.now() - YEAR
    found: dict[int, dict[str, Any]] = {
        row["paper_file__record__department_id"]: dict(row)
        for row in InventoryCheck.objects.filter(
            checked_at__gte=since,
            paper_file__record__department__in=[dept.pk for dept in departments],
        )
        .order_by()
        .values("paper_file__record__department_id")
        .annotate(**{code.value: Count("id", filter=Q(result=code)) for code in results})
    }
    rows: list[list[str | int]] = []
    for dept in departments:
        counts = [found.get(dept.pk, {}).get(code.value, 0) for code in results]
        rows.append([dept.name, *counts, sum(counts)])
    return Table(
        key="inventory",
        definition=_(
            "Paper folders checked in the last 365 days, by what the archive found; every "
            "result other than found became an incident. The checks of folders destroyed since "
            "go with them."
        ),
        columns=[_("Department"), *[code.label for code in results], _("Checks")],
        rows=rows,
        totals=with_totals(rows),
    )


def incidents(today: date) -> Table:
    since = timezone.now() - YEAR
    reported = Incident.objects.filter(reported_at__gte=since)
    rows: list[list[str | int]] = []
    for kind in Incident.Kind:
        of_kind = reported.filter(kind=kind)
        days = _durations(of_kind, "reported_at", "closed_at", hours=24)
        rows.append(
            [
                str(kind.label),
                of_kind.count(),
                of_kind.exclude(status=Incident.Status.CLOSED).count(),
                len(days),
                one_decimal(median(days)),
            ]
        )
    return Table(
        key="incidents",
        definition=_(
            "Incidents reported in the last 365 days (by anyone, and every inventory "
            "discrepancy), how many are still open, and the median days from report to close."
        ),
        columns=[
            _("What happened"),
            _("Reported"),
            _("Still open"),
            _("Closed"),
            _("Median days to close"),
        ],
        rows=rows,
        charts=[
            Chart(
                title=_("Incidents reported, by kind"),
                labels=[str(row[0]) for row in rows],
                series=[Series(_("Reported"), [int(row[1]) for row in rows], "bar-late")],
                horizontal=True,
            )
        ],
    )
