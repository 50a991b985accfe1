"""R70: existing features write their events: sign-in, lockout, enrolment, agreement, 403, admin."""

from __future__ import annotations

import time

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from access import signin
from access.roles import Role
from audit.models import AuditEvent
from tests.factories import PASSWORD, make_person
from tests.helpers import (
    NEW_PASSWORD,
    admin_user_form,
    client_verified,
    give_authenticator,
    open_enrolment_link,
    otp_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("access:login")
VERIFY = reverse("access:otp_verify")


def actions_of(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def test_r70_successful_sign_in_is_an_event_with_the_factor(sales_person):
    device = give_authenticator(sales_person)
    client = Client(HTTP_USER_AGENT="Chromium/156")
    client.post(LOGIN, {"username": "zhang.wei", "password": PASSWORD})
    client.post(VERIFY, {"token": otp_code(device)})
    event = AuditEvent.objects.get(action="auth.sign_in")
    assert (event.actor_id, event.details["factor"]) == (sales_person.pk, "totp")
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", "Chromium/156")
    assert len(event.request_id) == 32


def test_r70_failed_sign_in_names_an_existing_account_but_never_stores_the_typed_text(sales_person):
    Client().post(LOGIN, {"username": "zhang.wei", "password": "Wrong-Secret-1"})
    Client().post(LOGIN, {"username": "Wrong-Secret-2", "password": "x"})
    known, unknown = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("id")
    assert (known.target_id, known.details["username_known"]) == (str(sales_person.pk), True)
    assert (unknown.target_id, unknown.details["username_known"]) == ("", False)
    dumped = str(list(AuditEvent.objects.values()))
    assert "Wrong-Secret" not in dumped


def test_r70_lockout_is_an_event(sales_person):
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": "zhang.wei", "password": "wrong"})
    locked = AuditEvent.objects.get(action="auth.locked_out")
    assert locked.target_id == str(sales_person.pk)
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 5


def test_r70_enrolment_backup_codes_and_backup_code_use_are_events(sales_person):
    client = open_enrolment_link(sales_person)
    client.get(reverse("access:otp_setup"))
    device = sales_person.totpdevice_set.get()
    codes = client.post(reverse("access:otp_setup"), {"token": otp_code(device)}).context["codes"]
    assert actions_of(actor_id=sales_person.pk) == [
        "account.enrolment_completed",
        "auth.otp_enrolled",
        "auth.backup_codes_issued",
        "auth.sign_in",
    ]
    other = Client()
    other.post(LOGIN, {"username": "zhang.wei", "password": NEW_PASSWORD})
    other.post(VERIFY, {"token": codes[0]})
    used = AuditEvent.objects.get(action="auth.backup_code_used")
    assert used.details == {"left": 9}
    assert codes[0] not in str(list(AuditEvent.objects.values()))


def test_r70_failed_second_factor_is_an_event(sales_person):
    device = give_authenticator(sales_person)
    client = Client()
    client.post(LOGIN, {"username": "zhang.wei", "password": PASSWORD})
    client.post(VERIFY, {"token": wrong_code(device)})
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert (failed.actor_id, failed.details["stage"]) == (sales_person.pk, "otp")


def test_r70_agreement_signing_and_sign_out_are_events(sales_person):
    client = client_verified(sales_person, agreed=False)
    client.post(reverse("access:agreement"), {"accept": "on"})
    client.post(reverse("access:logout"))
    signed, out = (AuditEvent.objects.get(action=a) for a in ("agreement.signed", "auth.sign_out"))
    assert (signed.details["version"], signed.target_label) == (1, "v1")
    assert out.details["reason"] == "user"


def test_r70_idle_sign_out_is_an_event_with_its_reason(sales_person, settings):
    client = client_verified(sales_person)
    session = client.session
    session[signin.LAST_SEEN] = time.time() - settings.BAOMI_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    client.get(reverse("home"))
    assert AuditEvent.objects.get(action="auth.sign_out").details["reason"] == "idle"


def test_r70_every_403_is_an_access_denied_event_with_the_url_name_not_the_query(sales_person):
    client = client_verified(sales_person)
    client.get(reverse("audit:events") + "?actor=13812345678")
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.details == {"url_name": "audit:events", "method": "GET", "reason": "permission"}
    assert denied.actor_id == sales_person.pk
    assert "13812345678" not in str(list(AuditEvent.objects.values()))


def test_r70_anonymous_posts_and_csrf_failures_are_access_denied_events():
    Client().post(reverse("access:password_change"), {"new_password1": "x"})
    Client(enforce_csrf_checks=True).post(LOGIN, {"username": "a", "password": "b"})
    reasons = sorted(e.details["reason"] for e in AuditEvent.objects.filter(action="access.denied"))
    assert reasons == ["csrf", "sign-in incomplete (anonymous)"]


def test_r70_admin_changes_are_events_and_field_history_excludes_secrets(sales_person):
    admin_user = make_person("it.admin", is_staff=True, is_superuser=True)
    client = client_verified(admin_user)
    url, data = admin_user_form(client, sales_person)
    data.update({"full_name": "张伟伟", "groups": [], "employment_status": "active"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEvent.objects.get(action="admin.change")
    assert change.actor_id == admin_user.pk
    assert change.target_label == "张伟伟 (BM1001)"
    assert "full name" in change.details["change"].lower() or "全名" in change.details["change"]
    history = [entry.changes_dict or {} for entry in LogEntry.objects.get_for_object(sales_person)]
    assert any(changes.get("full_name") == ["张伟", "张伟伟"] for changes in history)
    assert not any("password" in changes for changes in history)


def test_r70_role_membership_changes_are_in_the_field_history(sales_person):
    from django.contrib.auth.models import Group

    sales_person.groups.add(Group.objects.get(name=Role.LEGAL.value))
    entries = LogEntry.objects.get_for_object(sales_person)
    assert any("groups" in (entry.changes_dict or {}) for entry in entries)
