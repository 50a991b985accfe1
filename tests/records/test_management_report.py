"""Issue 19 §3 bar: the management report's figures equal counts made directly in the database.

A varied archive is laid down (files in every status and level over fourteen months, some
imported, destroyed, on hold, with and without consent; loans, copies, requests, inventory
checks, incidents), then every figure of the report is compared with a count written in plain
SQL against the tables, independent of the report's own queries. Scoping (a head sees their
departments only, never the company-wide incidents) and the audit of each view and export are
proved beside it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access.models import (
    Department,
    RequestKind,
)
from audit.models import Incident
from records.classification import Tier
from records.models import (
    InventoryResult,
    RecordStatus,
)
from records.reports import service
from records.reports.tables import local_midnight, month_starts, next_month

pytestmark = pytest.mark.django_db


def _adapt(value: object) -> object:
    """A parameter as the database stores it (SQLite keeps UTC text, so an aware time is
    converted the way Django writes the column)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _sql(query: str, *params: object) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, [_adapt(value) for value in params])
        return int(cursor.fetchone()[0])


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _row(table, name: str) -> list:
    return next(row for row in table.rows if str(row[0]) == name)


HELD = "status NOT IN ('draft', 'destroyed')"


def test_R19_3_every_figure_of_the_report_equals_a_count_made_in_the_database(archive):
    w = archive
    report = service.build(w.boss)
    today = report.as_of
    depts = {d.name: d.pk for d in Department.objects.all()}
    files = "FROM records_customerrecord WHERE department_id = %s"

    levels = report.table("levels")
    for name, dept in depts.items():
        row = _row(levels, name)
        for i, tier in enumerate(Tier, start=1):
            assert row[i] == _sql(f"SELECT COUNT(*) {files} AND {HELD} AND tier = %s", dept, tier)
        assert row[-1] == _sql(f"SELECT COUNT(*) {files} AND {HELD}", dept)

    statuses = report.table("statuses")
    for name, dept in depts.items():
        row = _row(statuses, name)
        for i, status in enumerate(RecordStatus, start=1):
            assert row[i] == _sql(f"SELECT COUNT(*) {files} AND status = %s", dept, status)
    assert statuses.totals[-1] == _sql("SELECT COUNT(*) FROM records_customerrecord")

    months = report.table("months")
    for row, start in zip(months.rows, month_starts(today), strict=True):
        begin, end = local_midnight(start), local_midnight(next_month(start))
        entered = (
            "FROM records_customerrecord WHERE submitted_at IS NOT NULL "
            "AND created_at >= %s AND created_at < %s"
        )
        assert row[1] == _sql(f"SELECT COUNT(*) {entered} AND import_batch_id IS NULL", begin, end)
        assert row[2] == _sql(
            f"SELECT COUNT(*) {entered} AND import_batch_id IS NOT NULL", begin, end
        )
        assert row[4] == _sql(
            "SELECT COUNT(*) FROM records_customerrecord WHERE submitted_at IS NOT NULL "
            "AND destroyed_at >= %s AND destroyed_at < %s",
            begin,
            end,
        )
        assert row[5] == _sql(
            "SELECT COUNT(*) FROM records_customerrecord WHERE submitted_at IS NOT NULL "
            "AND created_at < %s AND (destroyed_at IS NULL OR destroyed_at >= %s)",
            end,
            end,
        )
    assert sum(row[3] for row in months.rows) > 0  # the history reaches into the report

    consent = report.table("consent")
    for name, dept in depts.items():
        row = _row(consent, name)
        assert row[1] == _sql(f"SELECT COUNT(*) {files} AND {HELD}", dept)
        assert row[2] == _sql(
            f"SELECT COUNT(*) {files} AND {HELD} AND consent_withdrawn_at IS NULL AND EXISTS "
            "(SELECT 1 FROM records_consent c WHERE c.record_id = records_customerrecord.id "
            "AND c.withdrawn_at IS NULL)",
            dept,
        )
        assert row[4] == _sql(
            f"SELECT COUNT(*) {files} AND {HELD} AND consent_withdrawn_at IS NOT NULL", dept
        )
        assert row[5] == _sql(
            f"SELECT COUNT(*) {files} AND status = 'draft' AND import_batch_id IS NOT NULL", dept
        )

    retention = report.table("retention")
    live = f"{files} AND {HELD} AND NOT on_hold"
    for name, dept in depts.items():
        row = _row(retention, name)
        assert row[1] == _sql(f"SELECT COUNT(*) {live} AND retention_until < %s", dept, today)
        for i, days in ((2, 30), (3, 90), (4, 365)):
            assert row[i] == _sql(
                f"SELECT COUNT(*) {live} AND retention_until BETWEEN %s AND %s",
                dept,
                today,
                today + timedelta(days),
            )
        assert row[5] == _sql(f"SELECT COUNT(*) {files} AND {HELD} AND on_hold", dept)
        assert row[6] == _sql(f"SELECT COUNT(*) {live} AND retention_until IS NULL", dept)

    loans = report.table("loans")
    out = (
        "FROM access_accessrequestitem i JOIN access_accessrequest q ON q.id = i.request_id "
        "WHERE q.kind = 'borrow' AND q.state = 'fulfilled' AND i.returned_at IS NULL "
        "AND q.medium = %s"
    )
    for i, medium in ((0, "paper"), (1, "electronic")):
        assert loans.rows[i][1] == _sql(f"SELECT COUNT(*) {out}", medium)
        assert loans.rows[i][2] == _sql(f"SELECT COUNT(*) {out} AND q.due_on < %s", medium, today)
    assert loans.rows[2][1] == _sql(
        "SELECT COUNT(*) FROM access_copyregisterentry WHERE destroyed_at IS NULL"
    )
    assert loans.rows[2][2] == _sql(
        "SELECT COUNT(*) FROM access_copyregisterentry "
        "WHERE destroyed_at IS NULL AND destroy_by < %s",
        today,
    )

    turnaround = report.table("turnaround")
    since = timezone.now() - timedelta(days=365)
    for row, kind in zip(turnaround.rows, RequestKind, strict=True):
        asked = "FROM access_accessrequest WHERE kind = %s AND created_at >= %s"
        assert row[1] == _sql(f"SELECT COUNT(*) {asked}", kind, since)
        assert row[2] == _sql(f"SELECT COUNT(*) {asked} AND decided_at IS NOT NULL", kind, since)
        assert row[5] == _sql(f"SELECT COUNT(*) {asked} AND state = 'pending'", kind, since)

    inventory = report.table("inventory")
    for name, dept in depts.items():
        row = _row(inventory, name)
        for i, result in enumerate(InventoryResult, start=1):
            assert row[i] == _sql(
                "SELECT COUNT(*) FROM records_inventorycheck c JOIN records_paperfile p ON "
                "p.id = c.paper_file_id JOIN records_customerrecord r ON r.id = p.record_id "
                "WHERE r.department_id = %s AND c.result = %s AND c.checked_at >= %s",
                dept,
                result,
                since,
            )

    training = report.table("training")
    people = (
        "FROM access_user u WHERE u.department_id = %s AND u.is_active "
        "AND u.employment_status <> 'left'"
    )
    attended = "SELECT 1 FROM access_trainingattendance a WHERE a.person_id = u.id"
    recent = (
        "SELECT 1 FROM access_trainingattendance a JOIN access_trainingsession s "
        "ON s.id = a.session_id WHERE a.person_id = u.id AND s.held_on >= %s"
    )
    for name, dept in depts.items():
        row = _row(training, name)
        assert row[1] == _sql(f"SELECT COUNT(*) {people}", dept)
        assert row[2] == _sql(
            f"SELECT COUNT(*) {people} AND (EXISTS ({recent}) OR (NOT EXISTS ({attended}) "
            "AND u.date_joined >= %s))",
            dept,
            today - timedelta(days=365),
            local_midnight(today),
        )
        assert row[6] == _sql(f"SELECT COUNT(*) {people} AND NOT EXISTS ({attended})", dept)
    assert sum(int(row[1]) for row in training.rows) > 0

    incidents = report.table("incidents")
    for row, kind in zip(incidents.rows, Incident.Kind, strict=True):
        recent = "FROM audit_incident WHERE kind = %s AND reported_at >= %s"
        assert row[1] == _sql(f"SELECT COUNT(*) {recent}", kind, since)
        assert row[2] == _sql(f"SELECT COUNT(*) {recent} AND status <> 'closed'", kind, since)
        assert row[3] == _sql(f"SELECT COUNT(*) {recent} AND closed_at IS NOT NULL", kind, since)


def test_R19_3_a_head_sees_only_their_departments_figures_and_no_company_incidents(archive):
    w = archive
    report = service.build(w.head2)
    assert [str(row[0]) for row in report.table("levels").rows] == ["销售二部"]
    assert report.table("incidents") is None
    dept2 = w.dept2.pk
    assert report.table("statuses").totals[-1] == _sql(
        "SELECT COUNT(*) FROM records_customerrecord WHERE department_id = %s", dept2
    )
    # Loans count the department's own files on loan, whoever asked for them.
    touching = _sql(
        "SELECT COUNT(*) FROM access_accessrequest q JOIN access_accessrequestitem i "
        "ON i.request_id = q.id JOIN records_customerrecord r ON r.id = i.record_id WHERE "
        "r.department_id = %s AND q.kind = 'borrow' AND q.state = 'fulfilled' "
        "AND i.returned_at IS NULL",
        dept2,
    )
    loans = report.table("loans")
    assert loans.rows[0][1] + loans.rows[1][1] == touching
