"""The report's sections about the files themselves (issue 19 §3): what is held, by department,
level and status; intake, holdings and destruction per month; consent coverage; the retention
forecast. Every figure is one database count: the page, the workbook and the PDF print these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from access.models import Department
from records.classification import Tier
from records.models import CustomerRecord, RecordStatus
from records.reports.tables import (
    Cell,
    Chart,
    Series,
    Table,
    local_midnight,
    month_starts,
    next_month,
    percent,
    with_totals,
)

# Files in the archive: past their first draft and not destroyed.
HELD = ~Q(status__in=(RecordStatus.DRAFT, RecordStatus.DESTROYED))
# Files that ever left their handler's draft (a purged abandoned draft never did): the ones
# the monthly figures count as entered, held and destroyed.
SUBMITTED = Q(submitted_at__isnull=False)


def _by_department(files: QuerySet, departments: Sequence[Department], **counts: Q) -> dict:
    """``{department id: {name: count}}`` for each named condition, in one grouped query."""
    rows = (
        files.order_by()
        .values("department_id")
        .annotate(**{name: Count("id", filter=condition) for name, condition in counts.items()})
    )
    found = {row["department_id"]: row for row in rows}
    empty = dict.fromkeys(counts, 0)
    return {dept.pk: {**empty, **found.get(dept.pk, {})} for dept in departments}


def held_by_level(files: QuerySet, departments: Sequence[Department]) -> Table:
    tiers = list(Tier)
    counts = _by_department(
        files, departments, **{f"t{tier.value}": HELD & Q(tier=tier) for tier in tiers}
    )
    rows = []
    for dept in departments:
        values = [counts[dept.pk][f"t{tier.value}"] for tier in tiers]
        rows.append([dept.name, *values, sum(values)])
    return Table(
        key="levels",
        definition=_(
            "Files in the archive today (submitted, approved or archived; not drafts, not "
            "destroyed), by their classification level."
        ),
        columns=[_("Department"), *[tier.label for tier in tiers], _("Total")],
        rows=rows,
        totals=with_totals(rows),
        charts=[
            Chart(
                title=_("Files held, by level"),
                labels=[str(tier.label) for tier in tiers],
                series=[
                    Series(
                        _("Files"),
                        [
                            sum(counts[d.pk][f"t{tier.value}"] for d in departments)
                            for tier in tiers
                        ],
                        "bar-a",
                    )
                ],
                horizontal=True,
            )
        ],
    )


def by_status(files: QuerySet, departments: Sequence[Department]) -> Table:
    statuses = list(RecordStatus)
    counts = _by_department(
        files, departments, **{f"s_{status.value}": Q(status=status) for status in statuses}
    )
    rows = []
    for dept in departments:
        values = [counts[dept.pk][f"s_{status.value}"] for status in statuses]
        rows.append([dept.name, *values, sum(values)])
    return Table(
        key="statuses",
        definition=_("Every file the system knows, by where it stands today."),
        columns=[_("Department"), *[status.label for status in statuses], _("Total")],
        rows=rows,
        totals=with_totals(rows),
    )


def monthly(files: QuerySet, today: date) -> Table:
    """Intake, destruction and holdings per month, in one pass over the files."""
    starts = month_starts(today)
    aggregates = {}
    for i, start in enumerate(starts):
        begin, end = local_midnight(start), local_midnight(next_month(start))
        entered = SUBMITTED & Q(created_at__gte=begin, created_at__lt=end)
        aggregates[f"typed{i}"] = Count("id", filter=entered & Q(import_batch__isnull=True))
        aggregates[f"imported{i}"] = Count("id", filter=entered & Q(import_batch__isnull=False))
        aggregates[f"destroyed{i}"] = Count(
            "id", filter=SUBMITTED & Q(destroyed_at__gte=begin, destroyed_at__lt=end)
        )
        aggregates[f"held{i}"] = Count(
            "id",
            filter=SUBMITTED
            & Q(created_at__lt=end)
            & (Q(destroyed_at__isnull=True) | Q(destroyed_at__gte=end)),
        )
    found = files.aggregate(**aggregates)
    rows = [
        [
            start.strftime("%Y-%m"),
            found[f"typed{i}"],
            found[f"imported{i}"],
            found[f"typed{i}"] + found[f"imported{i}"],
            found[f"destroyed{i}"],
            found[f"held{i}"],
        ]
        for i, start in enumerate(starts)
    ]
    labels = [start.strftime("%m") for start in starts]
    return Table(
        key="months",
        definition=_(
            "Files entered in each month (typed in a form or imported from a register, counted "
            "once submitted for review; drafts never submitted are not counted, nor their "
            "purge), files destroyed in it, and the files held at its end (entered by then and "
            "not yet destroyed)."
        ),
        columns=[
            _("Month"),
            _("Typed in"),
            _("Imported"),
            _("Entered"),
            _("Destroyed"),
            _("Held at month end"),
        ],
        rows=rows,
        charts=[
            Chart(
                title=_("Files entered per month"),
                labels=labels,
                series=[
                    Series(_("Typed in"), [row[1] for row in rows], "bar-a"),
                    Series(_("Imported"), [row[2] for row in rows], "bar-b"),
                ],
            ),
            Chart(
                title=_("Files held at each month end"),
                labels=labels,
                series=[Series(_("Held at month end"), [row[5] for row in rows], "bar-c")],
            ),
        ],
        notes=[_("Months run in China Standard Time; the current month is counted to today.")],
    )


def consent(files: QuerySet, departments: Sequence[Department]) -> Table:
    # The customer's consent stands: not withdrawn on the file (a withdrawal marks the file and
    # its latest consent, older consent rows stay as they were) and one consent row in force.
    current = Q(consents__withdrawn_at__isnull=True, consents__isnull=False)
    held_ids = files.filter(HELD, consent_withdrawn_at__isnull=True)
    covered = dict(
        held_ids.filter(current)
        .order_by()
        .values("department_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("department_id", "n")
    )
    counts = _by_department(
        files,
        departments,
        held=HELD,
        awaiting=Q(status=RecordStatus.DRAFT, import_batch__isnull=False),
        withdrawn=HELD & Q(consent_withdrawn_at__isnull=False),
    )
    rows = []
    for dept in departments:
        held, with_consent = counts[dept.pk]["held"], covered.get(dept.pk, 0)
        rows.append(
            [
                dept.name,
                held,
                with_consent,
                percent(with_consent, held),
                counts[dept.pk]["withdrawn"],
                counts[dept.pk]["awaiting"],
            ]
        )
    totals: list[Cell] | None = None
    if rows:
        held_all = sum(int(row[1]) for row in rows)
        covered_all = sum(int(row[2]) for row in rows)
        totals = [
            str(_("All departments")),
            held_all,
            covered_all,
            percent(covered_all, held_all),
            sum(int(row[4]) for row in rows),
            sum(int(row[5]) for row in rows),
        ]
    return Table(
        key="consent",
        definition=_(
            "Of the files held, how many have a customer consent on record that is not "
            "withdrawn; files whose customer withdrew consent; imported files still waiting "
            "for their consent evidence (nobody may borrow or copy them)."
        ),
        columns=[
            _("Department"),
            _("Files held"),
            _("With consent"),
            _("Coverage"),
            _("Consent withdrawn"),
            _("Awaiting consent"),
        ],
        rows=rows,
        totals=totals,
    )


def retention(files: QuerySet, departments: Sequence[Department], today: date) -> Table:
    live = HELD & Q(on_hold=False)
    dated = live & Q(retention_until__isnull=False)
    counts = _by_department(
        files,
        departments,
        overdue=dated & Q(retention_until__lt=today),
        d30=dated & Q(retention_until__gte=today, retention_until__lte=today + timedelta(30)),
        d90=dated & Q(retention_until__gte=today, retention_until__lte=today + timedelta(90)),
        d365=dated & Q(retention_until__gte=today, retention_until__lte=today + timedelta(365)),
        held=HELD & Q(on_hold=True),
        undated=live & Q(retention_until__isnull=True),
    )
    keys = ("overdue", "d30", "d90", "d365", "held", "undated")
    rows = [[dept.name, *[counts[dept.pk][key] for key in keys]] for dept in departments]
    return Table(
        key="retention",
        definition=_(
            "Files whose keep-until date has passed (the disposal sweep proposes them), files "
            "due within 30, 90 and 365 days from today (each figure includes the shorter ones), "
            "files under legal hold (kept whatever their date) and files with no date yet (the "
            "business is still open)."
        ),
        columns=[
            _("Department"),
            _("Past its date"),
            _("Within 30 days"),
            _("Within 90 days"),
            _("Within 365 days"),
            _("Under legal hold"),
            _("No date yet"),
        ],
        rows=rows,
        totals=with_totals(rows),
    )


def scoped_files(departments: Sequence[Department]) -> QuerySet:
    return CustomerRecord.objects.filter(department__in=[dept.pk for dept in departments])
