"""Issue 19 §3 bar: the management report's figures equal counts made directly in the database.

A varied archive is laid down (files in every status and level over fourteen months, some
imported, destroyed, on hold, with and without consent; loans, copies, requests, inventory
checks, incidents), then every figure of the report is compared with a count written in plain
SQL against the tables, independent of the report's own queries. Scoping (a head sees their
departments only, never the company-wide incidents) and the audit of each view and export are
proved beside it."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from access import people
from access.models import (
    AccessRequest,
    AccessRequestItem,
    CopyRegisterEntry,
    Department,
    Medium,
    RequestKind,
    RequestState,
    TrainingAttendance,
    TrainingSession,
    User,
)
from access.roles import Role
from audit.models import AuditEvent, Incident
from records.classification import Tier
from records.imports.models import ImportBatch
from records.models import (
    Consent,
    CustomerRecord,
    InventoryCheck,
    InventoryResult,
    PaperFile,
    RecordStatus,
)
from records.reports import service
from records.reports.tables import local_midnight, month_starts, next_month
from tests.factories import bare_record, build_world, make_person
from tests.helpers import client_verified

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


@pytest.fixture
def archive():
    """Two departments with a varied history; returns the world with a second head and dept."""
    rng = random.Random(19)
    w = build_world()
    w.dept2 = Department.objects.create(code="sales-2", name="销售二部")
    w.head2 = make_person("zhao.lei", roles=[Role.DEPT_HEAD], department=w.dept2, full_name="赵磊")
    people.set_head(w.dept2, w.head2)
    w.boss = make_person("li.ming", roles=[Role.MANAGEMENT], full_name="李明")
    today = timezone.localdate()
    batch = ImportBatch.objects.create(department=w.dept, started_by=w.head, file_format="xlsx")
    statuses = list(RecordStatus)
    records = []
    for n in range(80):
        dept = w.dept if n % 3 else w.dept2
        status = statuses[n % len(statuses)]
        record = bare_record(w.sales, dept, tier=int(rng.choice(list(Tier))), status=status)
        created = today - timedelta(days=rng.randint(0, 420))
        fields: dict[str, object] = {"created_at": _at(created, rng.randint(0, 23))}
        if status != RecordStatus.DRAFT and not (status == RecordStatus.DESTROYED and n % 2):
            # Submitted for review (a destroyed file may also be a purged, never-sent draft).
            fields["submitted_at"] = fields["created_at"]
        if status == RecordStatus.DESTROYED:
            fields["destroyed_at"] = _at(created + timedelta(days=rng.randint(0, 60)))
        if rng.random() < 0.7:
            fields["retention_until"] = today + timedelta(days=rng.randint(-40, 500))
        fields["on_hold"] = rng.random() < 0.1
        if rng.random() < 0.25:
            fields["import_batch"] = batch
        if rng.random() < 0.1:
            fields["consent_withdrawn_at"] = timezone.now()
        CustomerRecord.objects.filter(pk=record.pk).update(**fields)
        for _ in range(rng.choice((0, 1, 1, 2))):
            Consent.objects.create(
                record=record,
                purpose="购房",
                method="paper",
                obtained_at=created,
                recorded_by=w.sales,
                withdrawn_at=timezone.now() if rng.random() < 0.3 else None,
            )
        records.append(record)
    for n in range(24):
        kind = list(RequestKind)[n % 3]
        state = rng.choice([RequestState.PENDING, RequestState.FULFILLED, RequestState.RETURNED])
        created = timezone.now() - timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 20))
        req = AccessRequest.objects.create(
            number=f"JY-2026-{n:04d}",
            kind=kind,
            medium=rng.choice(list(Medium)),
            state=state,
            requester=w.sales,
            purpose="签约",
            due_on=today + timedelta(days=rng.randint(-10, 10)),
        )
        decided = None if state == RequestState.PENDING else created + timedelta(hours=n * 3 + 1)
        AccessRequest.objects.filter(pk=req.pk).update(created_at=created, decided_at=decided)
        for record in rng.sample(records, rng.choice((1, 2))):
            back = state == RequestState.RETURNED or rng.random() < 0.2  # one folder back early
            AccessRequestItem.objects.create(
                request=req, record=record, returned_at=timezone.now() if back else None
            )
        if kind == RequestKind.COPY and state != RequestState.PENDING:
            CopyRegisterEntry.objects.create(
                request=req,
                serial=f"FZ-{n}",
                made_by=w.keeper,
                downloads_allowed=1,
                destroy_by=today + timedelta(days=rng.randint(-5, 5)),
                destroyed_at=timezone.now() if rng.random() < 0.4 else None,
            )
    for n, record in enumerate(records[:30]):
        folder = PaperFile.objects.create(
            record=record, room="A", cabinet="01", shelf=str(n), custodian=w.keeper
        )
        for _ in range(rng.choice((1, 2))):
            check = InventoryCheck.objects.create(
                paper_file=folder, result=rng.choice(list(InventoryResult)), checked_by=w.keeper
            )
            InventoryCheck.objects.filter(pk=check.pk).update(
                checked_at=timezone.now() - timedelta(days=rng.randint(0, 500))
            )
    staff = list(User.objects.all())
    for n, held in enumerate((today - timedelta(days=400), today - timedelta(days=100), today)):
        session = TrainingSession.objects.create(
            held_on=held, topic=f"保密培训 {n}", trainer="陈静", recorded_by=w.officer
        )
        for person in rng.sample(staff, 4):
            TrainingAttendance.objects.create(session=session, person=person, recorded_by=w.officer)
    User.objects.filter(pk=w.head2.pk).update(date_joined=timezone.now())  # new, not yet due
    for n in range(12):
        reported = timezone.now() - timedelta(days=rng.randint(0, 500))
        closed = rng.random() < 0.5
        Incident.objects.create(
            reference=f"SJ-{n}",
            kind=rng.choice(list(Incident.Kind)),
            description="-",
            reporter=w.keeper,
            reported_at=reported,
            status=Incident.Status.CLOSED if closed else Incident.Status.INVESTIGATING,
            closed_at=reported + timedelta(days=n + 0.5) if closed else None,
        )
    return w


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


def test_R19_3_the_page_refuses_another_departments_figures_and_audits_each_view(archive):
    w = archive
    client = client_verified(w.head2)
    response = client.get(reverse("records:reports"), {"department": w.dept.pk})
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not one whose figures you may see" in text
    assert "销售一部" not in text
    assert "销售二部" in text

    response = client.get(reverse("records:reports"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    events = AuditEvent.objects.filter(action="report.management", actor=w.head2)
    assert events.count() == 2
    assert events.first().details["format"] == "page"

    sales = client_verified(w.sales)
    assert sales.get(reverse("records:reports")).status_code == 403


def test_R19_3_the_workbook_holds_each_table_with_the_pages_figures(archive):
    w = archive
    client = client_verified(w.boss)
    response = client.get(reverse("records:report_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    report = service.build(w.boss)
    assert len(book.sheetnames) == len(report.tables)
    levels = book[book.sheetnames[0]]
    rows = [list(row) for row in levels.iter_rows(min_row=7, values_only=True)]
    assert rows[: len(report.table("levels").rows)] == [
        [str(c) if isinstance(c, str) else c for c in row] for row in report.table("levels").rows
    ]

    one = client.get(reverse("records:report_xlsx"), {"table": "consent"})
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["Consent coverage"]

    pdf = client.get(reverse("records:report_pdf"))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "管理报告" in text
    assert "同意覆盖情况" in text  # in Chinese, whatever the reader's language
    held = report.table("levels").totals
    assert f"全部部门 {' '.join(str(c) for c in held[1:])}" in " ".join(text.split())
    formats = list(
        AuditEvent.objects.filter(action="report.management", actor=w.boss).values_list(
            "details__format", flat=True
        )
    )
    assert sorted(formats) == ["pdf", "xlsx", "xlsx"]
