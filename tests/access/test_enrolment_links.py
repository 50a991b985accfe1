"""Issue 17 §4, §20 (R2): nobody but the person knows their password, and a password alone never
enrols a first authenticator. Each test proves one line of docs/SECURITY.md, "The account
administrator"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import enrolment
from access.models import EnrolmentLink
from access.policy import Denied
from access.roles import Role
from audit.models import AuditEvent
from core.logs import redact
from tests.factories import PASSWORD, make_person
from tests.helpers import NEW_PASSWORD, client_verified, give_authenticator, open_enrolment_link

pytestmark = pytest.mark.django_db

LOGIN = reverse("access:login")
SETUP = reverse("access:otp_setup")
BASE = "http://testserver/"


@pytest.fixture
def it_admin(sales_org):
    from django.contrib.auth.models import Permission

    admin_user = make_person("it.admin", is_staff=True, email="it@example.cn")
    admin_user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "add_user"])
    )
    return admin_user


def _reauthenticated(client: Client) -> Client:
    from access.signin import REAUTH_AT

    session = client.session
    session[REAUTH_AT] = timezone.now().timestamp()
    session.save()
    return client


def _token_from(mail) -> str:
    return re.search(r"/accounts/enrol/([^/\s]+)/", mail.body).group(1)


def test_r2_a_password_alone_never_enrols_a_first_authenticator(sales_person):
    client = Client()
    response = client.post(LOGIN, {"username": "zhang.wei", "password": PASSWORD})
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert "one-time link" in page.content.decode()
    assert 'name="token"' not in page.content.decode()
    assert client.post(SETUP, {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=sales_person).exists()


def test_p4_the_administrator_cannot_set_or_see_a_password(sales_org, it_admin):
    client = _reauthenticated(client_verified(it_admin))
    change = client.get(reverse("admin:access_user_change", args=[sales_org.sales.pk]))
    assert change.status_code == 200
    assert 'name="password"' not in change.content.decode()
    assert "Reset sign-in" in change.content.decode()
    refused = client.get(reverse("admin:auth_user_password_change", args=[sales_org.sales.pk]))
    assert refused.status_code in (403, 404)
    added = client.post(
        reverse("admin:access_user_add"),
        {"username": "new.starter", "full_name": "新员工", "employee_number": "BM9001"},
    )
    assert added.status_code == 302
    from access.models import User

    starter = User.objects.get(username="new.starter")
    assert not starter.has_usable_password()
    assert added["Location"] == reverse("access:enrolment_issue", args=[starter.pk])


def test_p4_a_reset_needs_the_administrators_reauthentication_and_a_reason(sales_org, it_admin):
    client = client_verified(it_admin)
    url = reverse("access:enrolment_issue", args=[sales_org.sales.pk])
    assert client.get(url)["Location"].startswith(reverse("access:reauth"))
    _reauthenticated(client)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert not EnrolmentLink.objects.exists()


def test_p4_a_reset_link_goes_only_to_the_person_works_once_and_names_the_administrator(
    sales_org, it_admin, mailoutbox, django_capture_on_commit_callbacks
):
    person = sales_org.sales
    person.email = "zhang.wei@example.cn"
    person.save()
    give_authenticator(person)
    old_session = client_verified(person)
    admin_client = _reauthenticated(client_verified(it_admin))
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(
            reverse("access:enrolment_issue", args=[person.pk]), {"reason": "手机丢失"}
        )
    body = page.content.decode()
    assert "/accounts/enrol/" not in body  # the administrator never sees the link
    assert [m.to for m in mailoutbox] == [[person.email], [person.email]]
    token = _token_from(next(m for m in mailoutbox if "/accounts/enrol/" in m.body))
    issued = AuditEvent.objects.get(action="account.enrolment_link_issued")
    assert (issued.actor_id, issued.target_id) == (it_admin.pk, str(person.pk))
    assert issued.details["reason"] == "手机丢失"

    link_page = Client().post(
        reverse("access:enrol", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert link_page["Location"] == SETUP
    assert not TOTPDevice.objects.filter(user=person).exists()  # the old phone no longer works
    assert old_session.get(reverse("home")).status_code == 302  # every old session ended
    done = AuditEvent.objects.get(action="account.enrolment_completed")
    assert done.actor_id == person.pk
    again = Client().get(reverse("access:enrol", args=[token]))
    assert again.status_code == 404
    assert "not valid" in again.content.decode()


def test_p4_resetting_someone_above_sales_waits_for_the_security_officer(
    sales_org, it_admin, officer, mailoutbox, django_capture_on_commit_callbacks
):
    head = sales_org.head
    issued = enrolment.issue(it_admin, head, "忘记密码", BASE)
    assert issued.link.awaiting_approval
    assert issued.hand_over is None
    assert not issued.link.token_hash
    with pytest.raises(Denied):
        enrolment.approve(it_admin, issued.link, BASE)
    with pytest.raises(Denied):
        enrolment.approve(head, issued.link, BASE)
    page = client_verified(officer).get(reverse("access:enrolment_approvals")).content.decode()
    assert "忘记密码" in page
    approved = enrolment.approve(officer, issued.link, BASE)
    assert approved.link.token_hash
    assert approved.hand_over  # the head has no mailbox here: handed over in person
    event = AuditEvent.objects.get(action="account.enrolment_link_approved")
    assert event.actor_id == officer.pk


def test_p4_an_administrator_cannot_reset_their_own_sign_in(it_admin):
    with pytest.raises(Denied):
        enrolment.issue(it_admin, it_admin, "自己", BASE)


def test_p4_the_person_sees_who_reset_their_sign_in_after_signing_in(sales_org, it_admin):
    person = sales_org.sales
    give_authenticator(person)
    issued = enrolment.issue(it_admin, person, "手机丢失", BASE)
    token = issued.hand_over.rstrip("/").rsplit("/", 1)[1]
    Client().post(
        reverse("access:enrol", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    person.refresh_from_db()
    response = client_verified(person).get(reverse("home"))
    assert response.status_code == 200, response.get("Location")
    page = response.content.decode()
    assert 'data-testid="reset-banner"' in page
    assert "手机丢失" in page


def test_p20_an_enrolment_link_expires(sales_org):
    person = make_person("late.starter", roles=[Role.SALES])
    issued = enrolment.issue(make_admin(), person, "新员工", BASE)
    EnrolmentLink.objects.filter(pk=issued.link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    token = issued.hand_over.rstrip("/").rsplit("/", 1)[1]
    assert Client().get(reverse("access:enrol", args=[token])).status_code == 404


def test_p20_the_link_then_enrols_the_first_authenticator(sales_person):
    client = open_enrolment_link(sales_person)
    assert client.get(SETUP).status_code == 200


def test_p6_enrolment_tokens_never_reach_a_log_line():
    line = '127.0.0.1 "GET /accounts/enrol/AbC-123_xyz/ HTTP/1.1" 200'
    assert "AbC-123_xyz" not in redact(line)


def make_admin():
    from django.contrib.auth.models import Permission

    admin_user = make_person("it.admin2", is_staff=True)
    admin_user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    return admin_user


def test_p20_the_operator_prints_the_first_administrators_link(db):
    import io

    from django.core.management import call_command

    first = make_person("first.admin", is_staff=True, is_superuser=True)
    out = io.StringIO()
    call_command("enrolment_link", "first.admin", "--reason", "first administrator", stdout=out)
    token = re.search(r"/accounts/enrol/([^/\s]+)/", out.getvalue()).group(1)
    client = Client()
    response = client.post(
        reverse("access:enrol", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    event = AuditEvent.objects.get(action="account.enrolment_link_issued")
    assert (event.actor_id, event.details["via"]) == (None, "command")
    assert event.target_id == str(first.pk)
