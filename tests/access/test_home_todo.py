"""Issue 16 §5: one home page, "我的待办 / My to-do", lists everything waiting for the person
with counts and deadlines, and the menu marks the page the person is on."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from access.models import AccessRequest, User
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def _todo(username: str) -> str:
    page = client_verified(User.objects.get(username=username)).get("/").content.decode()
    if 'data-testid="to-do"' not in page:
        return ""
    return page.split('data-testid="to-do"')[1].split("</ul>")[0]


def test_r16_each_person_sees_what_waits_for_them_with_counts_and_deadlines(demo):
    sales = _todo("zhang.wei")
    assert 'data-todo="records"' in sales  # the file returned to them
    assert "returned to you for correction" in sales
    head = _todo("wang.fang")
    assert 'data-todo="review"' in head
    borrower = _todo("li.na")
    loan = AccessRequest.objects.filter(requester__username="li.na", state="fulfilled").first()
    assert 'data-todo="requests"' in borrower
    assert loan.due_on.isoformat() in borrower  # the earliest deadline
    archivist = _todo("liu.yang")
    assert 'data-todo="desk"' in archivist


def test_r16_the_menu_marks_the_current_page_and_its_group(demo):
    client = client_verified(User.objects.get(username="wang.fang"))
    page = client.get("/records/review/").content.decode()
    current = page.split('aria-current="page"')[0].rsplit("<a ", 1)[1]
    assert 'data-nav="review"' in current  # not "records", whose address is a prefix
    assert 'class="navgroup current" data-group="work"' in page
