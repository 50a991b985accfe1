"""R15, issue 20 §1: each list's own filter (access.policy.lists) shows exactly what
``visible_records`` shows in that scope, so the indexes can fit the list without the lists
showing more or less than the rules allow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from access import policy
from access.models import User
from access.roles import Role
from records.models import CustomerRecord
from tests.factories import bare_record, build_world, make_person

pytestmark = pytest.mark.django_db

STATUSES = ("draft", "submitted", "returned", "approved", "archived", "destroyed")


@pytest.fixture
def files():
    w = build_world()
    w.other_sales = make_person("li.na", roles=[Role.SALES], department=w.dept)
    w.legal_head = make_person("zhao.lei", roles=[Role.LEGAL, Role.DEPT_HEAD], department=w.dept)
    for handler in (w.sales, w.other_sales, w.head, w.lawyer):
        for status in STATUSES:
            bare_record(handler, w.dept, status=status)
            restricted = bare_record(handler, w.dept, status=status)
            restricted.restricted_at = timezone.now()
            restricted.save(update_fields=["restricted_at"])
    return w


def ids(records) -> set:
    return set(records.values_list("pk", flat=True))


def test_r15_own_list_is_what_visible_records_shows_of_ones_own_files(files):
    everything = CustomerRecord.objects.all()
    for person in (files.sales, files.other_sales, files.head, files.lawyer, files.keeper):
        visible = policy.visible_records(person, everything).filter(handler_id=person.pk)
        assert ids(policy.own_files(person, everything)) == ids(visible), person.username
    assert ids(policy.own_files(files.sales, everything))  # the comparison is not of empties


def test_r15_department_list_is_what_visible_records_shows_of_others_files(files):
    """Past its draft stage, a department's file shows to its head; the head's own drafts are
    in their own list. A legal head also sees restricted files, as visible_records allows."""
    everything = CustomerRecord.objects.all()
    for head in (files.head, files.legal_head):
        files.dept.head = head
        files.dept.save(update_fields=["head"])
        person = User.objects.get(pk=head.pk)  # no department cached from before
        listed = ids(policy.department_files(person, everything, files.dept.pk))
        visible = policy.visible_records(person, everything).filter(department_id=files.dept.pk)
        assert listed == ids(visible.exclude(status="draft")), person.username
        assert any(CustomerRecord.objects.get(pk=pk).restricted_at for pk in listed) == (
            head == files.legal_head
        )
    assert not ids(policy.department_files(files.sales, everything, files.dept.pk))


def test_r15_a_head_of_two_departments_pages_through_both_in_order(files):
    """One query per headed department, merged: every file once, newest change first."""
    from access import people
    from access.models import Department
    from records import listing

    second = Department.objects.create(code="sales-2", name="销售二部")
    people.set_head(second, files.head)
    seller = make_person("qian.li", roles=[Role.SALES], department=second)
    for status in STATUSES:
        bare_record(seller, second, status=status)
    head = User.objects.get(pk=files.head.pk)
    filters = listing.Filters(scope="department")
    seen, cursor = [], ""
    while True:
        page = listing.page(head, filters, cursor, size=3)
        seen += [row.record for row in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = CustomerRecord.objects.filter(
        department__in=[files.dept, second], restricted_at__isnull=True
    ).exclude(status__in=["draft", "destroyed"])
    assert [r.pk for r in seen] == [r.pk for r in expected.order_by("-updated_at", "-id")]
    assert {r.department_id for r in seen} == {files.dept.pk, second.pk}


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+05:00_6f1c1b7e-6a55-4a35-9d3f-3d2f8a7f1c11",
        "9999-12-31T23:59:59-05:00_6f1c1b7e-6a55-4a35-9d3f-3d2f8a7f1c11",
        "2026-01-01T00:00:00_6f1c1b7e-6a55-4a35-9d3f-3d2f8a7f1c11",
        "x" * 500,
    ],
)
def test_r15_an_edited_cursor_starts_from_the_first_page(files, cursor):
    from tests.helpers import client_verified

    response = client_verified(files.sales).get(reverse("records:list"), {"after": cursor})
    assert response.status_code == 200
