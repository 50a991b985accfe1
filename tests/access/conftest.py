"""Client files and grants for policy tests, without encryption work the policy never sees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from access import grants
from access.models import Department, Grant, RecordUserObjectPermission, User
from access.roles import Role
from records.models import CustomerRecord
from tests.helpers import make_person


def bare_record(
    handler: User, department: Department, *, tier: int = 2, status: str = "approved"
) -> CustomerRecord:
    """A file row with metadata only: the policy decides on handler, department, tier, status."""
    return CustomerRecord.objects.create(
        kind="person",
        tier=tier,
        minimum_tier=tier,
        status=status,
        handler=handler,
        department=department,
        source="walk_in",
        acquired_at=date(2026, 11, 2),
        key_version=1,
        wrapped_key=b"\x00" * 60,
    )


def read_grant(grantee: User, record: CustomerRecord, by: User, days: int = 7) -> Grant:
    return grants.issue(
        grantee=grantee,
        record=record,
        expires_at=timezone.now() + timedelta(days=days),
        reason="test",
        granted_by=by,
        source=Grant.Source.BORROW,
    )


def let_time_pass(grant: Grant) -> None:
    """The grant ran out a minute ago, and the sweep has not run yet."""
    past = timezone.now() - timedelta(minutes=1)
    Grant.objects.filter(pk=grant.pk).update(starts_at=past - timedelta(days=7), expires_at=past)
    RecordUserObjectPermission.objects.filter(
        user_id=grant.grantee_id, content_object_id=grant.record_id
    ).update(expires_at=past)


@pytest.fixture
def org(db):
    a = Department.objects.create(code="a", name="销售一部")
    b = Department.objects.create(code="b", name="销售二部")
    head_a = make_person("head-a", roles=[Role.DEPT_HEAD], department=a)
    head_b = make_person("head-b", roles=[Role.DEPT_HEAD], department=b)
    a.head, b.head = head_a, head_b
    a.save()
    b.save()
    owner = make_person("owner", roles=[Role.SALES], department=a)
    borrower = make_person("borrower", roles=[Role.SALES], department=b)
    archivist = make_person("keeper", roles=[Role.ARCHIVIST])
    manager = make_person("boss", roles=[Role.MANAGEMENT])

    class Org:
        pass

    o = Org()
    o.__dict__.update(locals())
    o.file = numbered(bare_record(owner, a, tier=2))
    return o


def numbered(record: CustomerRecord, n: int = 1) -> CustomerRecord:
    record.archive_number = f"KH-2019-{n:06d}"  # a year review.approve never numbers now
    record.save(update_fields=["archive_number"])
    return record
