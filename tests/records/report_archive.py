"""The varied archive the management report's tests count (issue 19 §3): files in every
status and level over fourteen months, some imported, destroyed, on hold, with and without
consent; loans, copies, requests, inventory checks, incidents and training."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

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
from audit.models import Incident
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
from tests.factories import bare_record, build_world, make_person


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
