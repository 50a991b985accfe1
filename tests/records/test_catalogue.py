"""The archive catalogue (R15, R33; issue 19 §2): every catalogued folder can be reached, however
many there are (the page used to stop at the newest 200), and found by number, location, level,
status and department; odd input narrows nothing and breaks nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.models import Department
from access.roles import Role
from records import catalogue
from records.models import PaperFile
from tests.factories import bare_record, make_person, numbered
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(db):
    """230 approved files of two departments, a third of them placed in cabinets 1 to 3."""
    north = Department.objects.create(code="north", name="北区销售部")
    south = Department.objects.create(code="south", name="南区销售部")
    seller = make_person("zhang.wei", roles=[Role.SALES], department=north)
    keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")
    for n in range(1, 231):
        dept = north if n % 2 else south
        record = numbered(bare_record(seller, dept, tier=1 if n % 10 == 0 else 2), n)
        if n % 3 == 0:
            PaperFile.objects.create(record=record, room="档案室A", cabinet=str(n % 9 // 3 + 1),
                                     shelf="2", custodian=keeper)  # fmt: skip
    bare_record(seller, north, status="draft")  # not catalogued
    return keeper, north, south


def test_r15_every_folder_is_reached_page_by_page_and_back(archive):
    keeper, _north, _south = archive
    seen: list[str] = []
    after = ""
    pages = 0
    while True:
        page = catalogue.search(keeper, catalogue.Criteria(), after=after)
        seen += [r.archive_number for r in page.rows]
        pages += 1
        if not page.after:
            break
        after = page.after
    assert pages == 5  # 50, 50, 50, 50, 30
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 230  # every folder once, the 200 cap is gone
    last = catalogue.search(keeper, catalogue.Criteria(), after="KH-2019-000200")
    back = catalogue.search(keeper, catalogue.Criteria(), before=last.rows[0].archive_number)
    assert back.rows[0].archive_number == "KH-2019-000151"
    assert back.after
    assert back.before


def test_r33_folders_are_found_by_location_level_department_and_number(archive):
    keeper, north, _south = archive
    in_cabinet_2 = catalogue.search(keeper, catalogue.Criteria(room="档案室", cabinet="2"))
    assert in_cabinet_2.total == 26
    assert {r.paper.cabinet for r in in_cabinet_2.rows} == {"2"}
    level_1_north = catalogue.Criteria(tier=1, department_id=north.pk)
    assert catalogue.search(keeper, level_1_north).total == 0  # tens are even: all south
    assert catalogue.search(keeper, catalogue.Criteria(tier=1)).total == 23
    unplaced = catalogue.search(keeper, catalogue.Criteria(placed="no"))
    assert unplaced.total == 230 - 76
    by_number = catalogue.search(keeper, catalogue.Criteria(number="2019-00012"))
    assert [r.archive_number for r in by_number.rows] == [
        f"KH-2019-{n:06d}" for n in range(120, 130)
    ]


def test_r15_the_catalogue_page_searches_and_pages_keeping_the_criteria(archive, settings):
    keeper, north, _south = archive
    client = client_verified(keeper)
    url = reverse("records:catalogue")
    first = client.get(url, {"department": north.pk}).content.decode()
    assert "115 files found." in first
    assert 'rel="next"' in first
    assert f"department={north.pk}&amp;after=KH-2019-000099" in first
    second = client.get(url, {"department": north.pk, "after": "KH-2019-000099"}).content
    assert b"KH-2019-000101" in second
    assert b"KH-2019-000102" not in second  # south's, not asked for


@pytest.mark.parametrize(
    "query",
    [
        {"tier": "abc"},
        {"department": "999999"},
        {"status": "destroyed"},
        {"after": "' OR 1=1 --"},
        {"before": "\x00"},
        {"number": "x" * 500},
        {"placed": "maybe", "cabinet": "<script>"},
    ],
)
def test_r15_odd_criteria_are_explained_and_never_break_the_page(archive, query):
    keeper, _north, _south = archive
    page = client_verified(keeper).get(reverse("records:catalogue"), query)
    assert page.status_code == 200
    assert b"<script>" not in page.content
    if set(query) & {"tier", "department", "status", "placed"}:
        assert "could not be used and were left out" in page.content.decode()


def test_r15_only_the_archive_opens_the_catalogue(archive):
    _keeper, north, _south = archive
    seller = make_person("sun.li", roles=[Role.SALES], department=north)
    assert client_verified(seller).get(reverse("records:catalogue")).status_code == 403


def test_r15_a_large_archive_is_counted_up_to_a_limit_and_said_so(archive, monkeypatch):
    """Issue 20 §1: the catalogue does not count a million files on every page; past the limit
    the archivist reads "more than", in Chinese and English, and narrowing brings the count."""
    keeper, _north, _south = archive
    monkeypatch.setattr(catalogue, "COUNT_LIMIT", 100)
    page = catalogue.search(keeper, catalogue.Criteria())
    assert (page.total, page.more_than) == (101, 100)
    narrowed = catalogue.search(keeper, catalogue.Criteria(tier=1))
    assert (narrowed.total, narrowed.more_than) == (23, 0)
    client = client_verified(keeper)
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("records:catalogue")).content.decode()
    assert "超过 100 份" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("records:catalogue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 100 files found" in english
