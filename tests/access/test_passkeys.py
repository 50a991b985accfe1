"""Issue 21 §1: passkeys as a second factor, the rules Baomi adds to django-otp-webauthn.
(The ceremonies themselves run in a real browser with a virtual authenticator:
tests/e2e/test_passkey_journey.py.)"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from access import enrolment, people
from access.roles import Role
from audit.models import AuditEvent
from tests.factories import PASSWORD, make_person
from tests.helpers import client_verified, give_authenticator

pytestmark = pytest.mark.django_db


def _passkey(user, name="我的手机") -> WebAuthnCredential:
    raw = os.urandom(32)
    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=raw, public_key=b"\x01",
        credential_id_sha256=hashlib.sha256(raw).hexdigest(), aaguid="0" * 32,
    )  # fmt: skip


@pytest.fixture
def person(db):
    return make_person("zhang.wei", roles=[Role.SALES], full_name="张伟")


def _password_only(person) -> Client:
    give_authenticator(person)
    client = Client()
    answer = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def test_i21_1_adding_a_passkey_needs_a_fresh_confirmation(person):
    browser = client_verified(person)
    answer = browser.post("/accounts/passkeys/add/begin/", content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "reauthenticate"
    page = browser.get("/accounts/security/passkeys/").content.decode()
    assert "Confirm, then add a passkey" in page


def test_i21_1_the_passkey_step_is_open_after_the_password_and_closed_before(person):
    _passkey(person)
    assert Client().post("/accounts/passkeys/verify/begin/").status_code in (302, 403)
    half = _password_only(person)
    page = half.get("/accounts/otp/verify/").content.decode()
    assert "Sign in with my passkey" in page
    options = half.post("/accounts/passkeys/verify/begin/", content_type="application/json")
    assert options.status_code == 200
    assert options.json()["rpId"] == "testserver"
    assert half.get("/").status_code == 302  # the passkey step is all it opened


def test_i21_1_a_refused_passkey_counts_towards_the_lockout_like_a_wrong_code(person, settings):
    _passkey(person)
    half = _password_only(person)
    answers = []
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        half.post("/accounts/passkeys/verify/begin/", content_type="application/json")
        answers.append(
            half.post(
                "/accounts/passkeys/verify/complete/", {"id": "forged"},
                content_type="application/json",
            ).status_code
        )  # fmt: skip
    assert set(answers[:-1]) <= {400, 403, 404, 422}
    assert answers[-1] in (403, 429)  # locked out (django-axes answers for the last one)
    failures = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("occurred_at")
    assert [f.details["stage"] for f in failures] == ["passkey"] * settings.AXES_FAILURE_LIMIT
    assert failures.last().details["locked_out"] is True


def _unique_parts_removed(response) -> str:
    """A page without what differs on every answer (script nonces, form tokens)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def test_i21_1_people_rename_and_remove_only_their_own_passkeys(person):
    mine = _passkey(person)
    other = _passkey(make_person("li.na", roles=[Role.SALES]))
    browser = client_verified(person)
    browser.post(f"/accounts/security/passkeys/{mine.pk}/rename/", {"name": "  办公室电脑 "})
    mine.refresh_from_db()
    assert mine.name == "办公室电脑"
    assert "办公室电脑" in browser.get("/accounts/security/passkeys/").content.decode()
    # Someone else's passkey answers as one that does not exist: its number tells nothing.
    missing = browser.post("/accounts/security/passkeys/999999/rename/", {"name": "x"})
    refused = browser.post(f"/accounts/security/passkeys/{other.pk}/rename/", {"name": "x"})
    assert refused.status_code == missing.status_code == 404
    assert _unique_parts_removed(refused) == _unique_parts_removed(missing)
    assert browser.get(f"/accounts/security/passkeys/{other.pk}/remove/").status_code == 404
    other.refresh_from_db()
    assert other.name == "我的手机"
    assert AuditEvent.objects.filter(action="access.denied", actor=person).count() == 3
    # Removing needs a fresh confirmation first.
    assert (
        "/accounts/security/confirm/"
        in browser.get(f"/accounts/security/passkeys/{mine.pk}/remove/")["Location"]
    )
    assert WebAuthnCredential.objects.filter(pk=mine.pk).exists()
    renamed = AuditEvent.objects.get(action="auth.passkey_renamed")
    assert renamed.details == {"passkey": "办公室电脑", "was": "我的手机"}


def test_i21_1_a_reset_of_the_second_factor_and_leaving_remove_every_passkey(person):
    _passkey(person)
    _passkey(person, "平板")
    url = enrolment.issue_by_operator(person, "换手机", "https://baomi.example.cn/")
    path = url.removeprefix("https://baomi.example.cn")
    new = "Another-Horse-77!"
    Client().post(path, {"new_password1": new, "new_password2": new})
    assert not WebAuthnCredential.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="account.enrolment_completed")
    assert event.details["passkeys_removed"] == 2

    admin = make_person("it.admin", roles=[Role.SECURITY_OFFICER])
    leaver = make_person("wang.wu", roles=[Role.SALES])
    _passkey(leaver)
    people.offboard(admin, leaver, leaving=True, reason="离职")
    assert not WebAuthnCredential.objects.filter(user=leaver).exists()


def test_i21_1_odd_bodies_to_the_passkey_steps_are_refused_never_a_server_error(person):
    _passkey(person)
    half = _password_only(person)
    bodies = [
        (b'"\xff"', "application/json"),
        (b"[" * 50_000, "application/json"),
        (b"[1, 2]", "application/json"),
        (b"name=x", "application/x-www-form-urlencoded"),
        (
            b'{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": '
            b'{"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA", '
            b'"userHandle": "a"}}',
            "application/json",
        ),
    ]
    answers = []
    for body, kind in bodies:
        half.post("/accounts/passkeys/verify/begin/", content_type="application/json")
        answers.append(
            half.post("/accounts/passkeys/verify/complete/", body, content_type=kind).status_code
        )
    assert all(400 <= status < 500 for status in answers), answers
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == len(bodies)
