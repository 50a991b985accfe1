"""Files at the end of their retention, made through the services people use."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from access import people
from access.models import Department
from access.roles import Role
from disposal import retention
from records import intake, review
from records.models import CustomerRecord
from tests.helpers import make_person
from tests.records.conftest import register


class World:
    pass


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    w = World()
    w.dept = Department.objects.create(code="sales-1", name="销售一部")
    w.sales = make_person("zhang.wei", roles=[Role.SALES], department=w.dept, full_name="张伟")
    w.head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=w.dept, full_name="王芳")
    people.set_head(w.dept, w.head)
    w.keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")
    w.keeper2 = make_person("sun.mei", roles=[Role.ARCHIVIST], full_name="孙梅")
    w.officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    w.lawyer = make_person("huang.qiang", roles=[Role.LEGAL], full_name="黄强")
    return w


def approved(world: World, content: dict | None = None) -> CustomerRecord:
    record = register(world.sales, content)
    intake.submit(world.sales, record)
    review.approve(world.head, record)
    record.refresh_from_db()
    return record


LONG_AGO = datetime(2020, 1, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_due(record: CustomerRecord, *, no_deal_since: datetime = LONG_AGO) -> CustomerRecord:
    """The business ended without a deal long ago: past the no-deal retention period."""
    CustomerRecord.objects.filter(pk=record.pk).update(outcome="no_deal", updated_at=no_deal_since)
    record.refresh_from_db()
    retention.recompute([record])
    record.refresh_from_db()
    return record
