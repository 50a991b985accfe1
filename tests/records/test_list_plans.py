"""Issue 20 §1: every list page is one index range on PostgreSQL, at any depth.

A realistic archive (departments of different sizes, every status, a year and a half of
changes) with fresh statistics; each query a page runs is EXPLAINed with ANALYZE and must read
a list index in page order: an index scan, no sort, and no filter that throws away more rows
than the page holds. Before issue 20 a head's page 40 read 20,936 rows to show 25.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from access import people as staffing
from access.roles import Role
from benchmarks.common import insert_files
from records import catalogue, listing
from tests.factories import build_world, make_person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's; SQLite has no EXPLAIN ANALYZE to check",
    ),
]

SIZE = 25
STATUSES = ["approved"] * 17 + ["archived", "draft", "submitted", "returned", "destroyed"]


@pytest.fixture
def archive():
    from access.models import Department

    w = build_world()
    w.small = Department.objects.create(code="sales-2", name="销售二部")
    w.small_head = make_person("zhou.min", roles=[Role.DEPT_HEAD], department=w.small)
    staffing.set_head(w.small, w.small_head)
    w.colleagues = [w.sales] + [
        make_person(f"sales-{n}", roles=[Role.SALES], department=w.dept) for n in range(5)
    ]
    w.small_sales = make_person("wu.fei", roles=[Role.SALES], department=w.small)
    # 24,000 files by SQL (the ORM took 20 s): a tenth the small department's, the rest
    # spread over six colleagues; every status, levels 1-3, changes over a year and a half.
    people = [w.small_sales, *w.colleagues, *w.colleagues[:3]]
    status = f"(ARRAY{STATUSES!r})[1 + (g * 7919) %% {len(STATUSES)}]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2)")  # the same archive, so the same plans, every run
        insert_files(
            cursor, 24_000, people,
            status=status,
            archive_number=f"CASE WHEN {status} IN ('approved', 'archived')"
            " THEN 'KH-2025-' || lpad(g::text, 6, '0') END",
            tier="1 + g %% 3",
            updated_at="now() - random() * interval '540 days'",
        )  # fmt: skip
        cursor.execute("ANALYZE records_customerrecord")
    return w


def _nodes(plan: dict[str, Any]):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def explain(query) -> list[dict[str, Any]]:
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (document,) = cursor.fetchone()
    return list(_nodes(document[0]["Plan"]))


def assert_reads_one_range(query, indexes: str, where: str, size: int = SIZE) -> None:
    """``indexes``: the index the query should read, or several separated by "|" where
    PostgreSQL may rightly choose either (a status filter can use the status index or skip
    the few other rows of the list index)."""
    nodes = explain(query)
    kinds = [node["Node Type"] for node in nodes]
    scans = [n for n in nodes if n.get("Relation Name") == "records_customerrecord"]
    assert len(scans) == 1, (where, kinds)
    assert scans[0].get("Index Name") in indexes.split("|"), (where, kinds)
    assert scans[0]["Node Type"] in ("Index Scan", "Index Only Scan"), (where, kinds)
    assert not {"Sort", "Incremental Sort"} & set(kinds), (where, kinds)
    discarded = sum(n.get("Rows Removed by Filter", 0) for n in nodes)
    assert discarded <= size, (where, discarded)
    assert scans[0]["Actual Rows"] <= size + 1, (where, scans[0]["Actual Rows"])


def cursor_at(user, filters: listing.Filters, depth: int) -> str:
    """The cursor of page ``depth + 1``, found by paging as a person would."""
    cursor = ""
    for _ in range(depth):
        cursor = listing.page(user, filters, cursor, SIZE).next_cursor
        assert cursor, "the archive is deep enough for this page"
    return cursor


def test_r15_every_list_page_reads_one_index_range_at_any_depth(archive):
    """Pages 1, 40 and 121 or 151 of a salesperson's and a head's lists, a small department's
    head, a status filter, and the archivist's catalogue: each one range of its index."""
    mine, department = listing.Filters(scope="mine"), listing.Filters(scope="department")
    approved = listing.Filters(scope="department", status="approved")
    cases = [
        (archive.sales, mine, "record_own_list", (0, 39, 120)),
        (archive.small_sales, mine, "record_own_list", (0, 39)),
        (archive.head, department, "record_department_list", (0, 39, 150)),
        (archive.small_head, department, "record_department_list", (0, 39)),
        (archive.head, approved, "record_dept_status_recent|record_department_list", (0, 39)),
    ]
    for user, filters, index, depths in cases:
        for depth in depths:
            position = cursor_at(user, filters, depth) if depth else ""
            (query,) = listing.page_queries(user, filters, position, SIZE)
            assert_reads_one_range(query, index, f"{user.username} {filters} page {depth + 1}")
    page = catalogue.search(archive.keeper, catalogue.Criteria())
    for _ in range(30):
        page = catalogue.search(archive.keeper, catalogue.Criteria(), after=page.after)
    query = catalogue.page_query(archive.keeper, catalogue.Criteria(), after=page.after)
    assert_reads_one_range(
        query, "records_customerrecord_archive_number_key", "catalogue", catalogue.PAGE_SIZE
    )
