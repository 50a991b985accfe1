"""Issue 20: the disposal desk lists its batches in a fixed number of queries. It asked two
more per batch (its file count, and whether a Level 1 file needs the security officer): 47
queries and ~610 ms with 20 batches of 5,000 files."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import Department
from disposal.models import DisposalBatch, DisposalItem
from tests.factories import bare_record
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def _batches(world, count: int, start: int) -> None:
    for n in range(start, start + count):
        dept = Department.objects.create(code=f"d{n}", name=f"部门{n}")
        batch = DisposalBatch.objects.create(number=f"XH-2026-{n:06d}", department=dept)
        for tier in (1, 3):
            record = bare_record(world.sales, dept, tier=tier)
            DisposalItem.objects.create(
                batch=batch, record=record, policy="no-deal v1", due_on=date(2026, 1, 1)
            )


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as seen:
        page = client.get("/disposal/")
    assert page.status_code == 200
    return len(seen), page.content.decode()


def test_issue20_the_disposal_desk_costs_the_same_queries_for_one_batch_or_twenty(
    archive_staff,
):
    officer = client_verified(archive_staff.officer)
    _batches(archive_staff, 1, 0)
    _queries(officer)  # the first page of a session fills caches; count the next
    one, _page = _queries(officer)
    _batches(archive_staff, 19, 1)
    twenty, page = _queries(officer)
    assert twenty == one
    assert page.count("XH-2026-") >= 20
