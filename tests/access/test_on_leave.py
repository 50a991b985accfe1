"""Issue 17 §16: "on leave" suspends sign-in and every grant until the person returns, and the
change is an audit event naming the administrator who made it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from access import policy
from access.models import User
from access.policy import RecordAction
from audit.models import AuditEvent
from tests.factories import PASSWORD, bare_record, make_person, numbered, read_grant
from tests.helpers import admin_user_form, client_verified, give_authenticator

pytestmark = pytest.mark.django_db

LOGIN = reverse("access:login")


def _set_status_in_admin(admin_user: User, person: User, status: str) -> None:
    client = client_verified(admin_user)
    url, data = admin_user_form(client, person)
    data.update({"groups": [g.pk for g in person.groups.all()], "employment_status": status})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def it_admin(sales_org) -> User:
    return make_person("it.admin", is_staff=True, is_superuser=True)


def test_r2_a_person_on_leave_cannot_sign_in_and_is_told_why(sales_org, it_admin):
    give_authenticator(sales_org.sales)
    _set_status_in_admin(it_admin, sales_org.sales, "on_leave")
    client = Client()
    response = client.post(LOGIN, {"username": "zhang.wei", "password": PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "on leave" in page
    assert "_auth_user_id" not in client.session
    # The wrong password still gets the ordinary answer: nothing about leave without it.
    wrong = Client().post(LOGIN, {"username": "zhang.wei", "password": "nope-nope"})
    assert "on leave" not in wrong.content.decode()
    assert "The username or password is not correct." in wrong.content.decode()


def test_r2_going_on_leave_ends_the_open_session(sales_org, it_admin):
    client = client_verified(sales_org.sales)
    assert client.get(reverse("home")).status_code == 200
    _set_status_in_admin(it_admin, sales_org.sales, "on_leave")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_r41_grants_are_suspended_while_on_leave_and_work_again_on_return(sales_org, it_admin):
    record = numbered(bare_record(sales_org.other_sales, sales_org.sales_2))
    read_grant(sales_org.sales, record, by=sales_org.other_head)
    assert policy.decide(sales_org.sales, RecordAction.VIEW, record)
    _set_status_in_admin(it_admin, sales_org.sales, "on_leave")
    on_leave = User.objects.get(pk=sales_org.sales.pk)
    decision = policy.decide(on_leave, RecordAction.VIEW, record)
    assert not decision
    _set_status_in_admin(it_admin, sales_org.sales, "active")
    back = User.objects.get(pk=sales_org.sales.pk)
    assert policy.decide(back, RecordAction.VIEW, record)
    client = Client()
    give_authenticator(back)
    response = client.post(LOGIN, {"username": "zhang.wei", "password": PASSWORD})
    assert response.status_code == 302


def test_r70_leave_and_return_are_audit_events_by_the_administrator(sales_org, it_admin):
    _set_status_in_admin(it_admin, sales_org.sales, "on_leave")
    _set_status_in_admin(it_admin, sales_org.sales, "active")
    events = list(AuditEvent.objects.filter(action="account.status_changed").order_by("id"))
    assert [(e.details["from"], e.details["to"]) for e in events] == [
        ("active", "on_leave"),
        ("on_leave", "active"),
    ]
    assert {e.actor_id for e in events} == {it_admin.pk}
    assert {e.target_id for e in events} == {str(sales_org.sales.pk)}


def test_r2_people_on_leave_are_not_asked_to_approve(sales_org, it_admin):
    from access import directory
    from access.roles import Role

    dept = sales_org.sales_1
    assert list(directory.approvers(Role.DEPT_HEAD, dept.id)) == [sales_org.head]
    _set_status_in_admin(it_admin, sales_org.head, "on_leave")
    assert list(directory.approvers(Role.DEPT_HEAD, dept.id)) == []
