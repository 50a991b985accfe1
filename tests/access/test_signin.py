"""R2: every person signs in with their own password plus a second factor (issue 2 §4)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import signin
from access.models import BackupCode, BackupCodeDevice
from tests.factories import PASSWORD
from tests.helpers import (
    client_verified,
    give_authenticator,
    open_enrolment_link,
    otp_code,
    sign_current_agreement,
    wrong_code,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("access:login")
VERIFY = reverse("access:otp_verify")
SETUP = reverse("access:otp_setup")
HOME = reverse("home")


def sign_in_password(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_r2_wrong_password_is_refused_and_keeps_the_username(sales_person):
    client = Client()
    response = sign_in_password(client, "zhang.wei", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The username or password is not correct." in page
    assert 'value="zhang.wei"' in page
    assert "not-the-password" not in page
    assert "_auth_user_id" not in client.session


def test_r2_right_password_without_otp_opens_nothing_but_the_second_step(sales_person):
    give_authenticator(sales_person)
    client = Client()
    response = sign_in_password(client, "zhang.wei")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    home = client.get(HOME)
    assert home.status_code == 302
    assert home["Location"] == VERIFY
    security = client.get(reverse("access:security"))
    assert security["Location"] == VERIFY


def test_r2_sign_in_rotates_the_session_key_at_each_step(sales_person):
    device = give_authenticator(sales_person)
    client = Client()
    client.get(LOGIN)
    anonymous_key = client.session.session_key
    sign_in_password(client, "zhang.wei")
    password_key = client.session.session_key
    client.post(VERIFY, {"token": otp_code(device)})
    verified_key = client.session.session_key
    assert len({anonymous_key, password_key, verified_key}) == 3


def test_r2_otp_verify_with_authenticator_code_completes_sign_in(sales_person):
    device = give_authenticator(sales_person)
    sign_current_agreement(sales_person)
    client = Client()
    sign_in_password(client, "zhang.wei")
    response = client.post(VERIFY, {"token": otp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Welcome, 张伟" in page.content.decode()


def test_r2_wrong_otp_code_is_refused_with_a_message(sales_person):
    device = give_authenticator(sales_person)
    client = Client()
    sign_in_password(client, "zhang.wei")
    response = client.post(VERIFY, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert client.get(HOME)["Location"] == VERIFY


def test_r2_otp_code_cannot_be_replayed(sales_person):
    device = give_authenticator(sales_person)
    code = otp_code(device)
    first = Client()
    sign_in_password(first, "zhang.wei")
    assert first.post(VERIFY, {"token": code})["Location"] == HOME
    second = Client()
    sign_in_password(second, "zhang.wei")
    response = second.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()


def test_r2_first_sign_in_enrols_an_authenticator_with_a_local_qr_code(sales_person):
    client = open_enrolment_link(sales_person)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html  # drawn on the server, not fetched from a QR service
    assert "otpauth://" not in html  # the secret travels only inside the QR image
    assert "http" not in html.split('data-testid="qr"')[1].split("</div>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    # Reloading the page shows the same pending device, not a new secret each time.
    assert client.get(SETUP).context["manual_key"] == page.context["manual_key"]
    assert TOTPDevice.objects.filter(user=sales_person).count() == 1


def test_r2_enrolment_rejects_a_wrong_code_and_accepts_the_right_one(sales_person):
    client = open_enrolment_link(sales_person)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=sales_person, confirmed=False)
    refused = client.post(SETUP, {"token": wrong_code(device)})
    assert "That code does not match" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # django-otp slows down guesses; this test is not about that
    accepted = client.post(SETUP, {"token": otp_code(device)})
    assert accepted.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = [c.strip() for c in accepted.context["codes"]]
    assert len(codes) == signin.BACKUP_CODE_COUNT
    assert len(set(codes)) == len(codes)
    html = accepted.content.decode()
    for code in codes:
        assert code in html
    # Only keyed hashes are stored, never the codes themselves.
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == len(codes)
    assert not set(codes) & set(stored)
    assert all(len(h) == 64 for h in stored)
    # Enrolment completed the second step: the next stop is the agreement.
    assert client.get(HOME)["Location"].startswith(reverse("access:agreement"))


def test_r2_enrolment_page_cannot_replace_an_existing_authenticator_with_only_a_password(
    sales_person,
):
    give_authenticator(sales_person)
    client = Client()
    sign_in_password(client, "zhang.wei")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    response = client.post(SETUP, {"token": "123456"})
    assert response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=sales_person).count() == 1


def _backup_codes_for(user) -> list[str]:
    return signin.issue_backup_codes(user)


def test_r2_backup_code_signs_in_once_only(sales_person):
    give_authenticator(sales_person)
    sign_current_agreement(sales_person)
    codes = _backup_codes_for(sales_person)
    first = Client()
    sign_in_password(first, "zhang.wei")
    response = first.post(VERIFY, {"token": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "backup codes are left" in response.content.decode()
    assert BackupCodeDevice.objects.get(user=sales_person).remaining() == len(codes) - 1
    second = Client()
    sign_in_password(second, "zhang.wei")
    BackupCodeDevice.objects.get(user=sales_person).throttle_reset()
    reused = second.post(VERIFY, {"token": codes[0]})
    assert reused.status_code == 200
    assert "That code was not accepted" in reused.content.decode()
    assert second.get(HOME)["Location"] == VERIFY


def test_r2_lockout_after_five_failed_passwords_with_a_clear_message(sales_person):
    client = Client()
    for _ in range(4):
        assert sign_in_password(client, "zhang.wei", "wrong").status_code == 200
    locked = sign_in_password(client, "zhang.wei", "wrong")
    assert locked.status_code == 429
    message = locked.content.decode()
    assert "Too many failed sign-in attempts" in message
    assert "15 minutes" in message
    # Even the right password is refused while locked out.
    still = sign_in_password(client, "zhang.wei", PASSWORD)
    assert still.status_code == 429
    assert "_auth_user_id" not in client.session


def test_r2_lockout_is_per_username_and_address_so_nobody_can_lock_a_colleague_out(
    sales_person,
):
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(5):
        sign_in_password(attacker, "zhang.wei", "wrong", REMOTE_ADDR="10.0.0.66")
    assert (
        sign_in_password(attacker, "zhang.wei", PASSWORD, REMOTE_ADDR="10.0.0.66").status_code
        == 429
    )
    colleague = Client(REMOTE_ADDR="10.0.0.12")
    response = sign_in_password(colleague, "zhang.wei", PASSWORD, REMOTE_ADDR="10.0.0.12")
    assert response.status_code == 302


def test_r2_failed_second_factors_count_towards_the_same_lockout(sales_person):
    device = give_authenticator(sales_person)
    client = Client()
    sign_in_password(client, "zhang.wei")
    statuses = [client.post(VERIFY, {"token": wrong_code(device)}).status_code for _ in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429
    # The half-signed-in session is gone and the password alone does not bring it back.
    assert "_auth_user_id" not in client.session
    assert sign_in_password(client, "zhang.wei").status_code == 429


def test_r2_password_alone_does_not_reset_the_lockout_counter(sales_person):
    device = give_authenticator(sales_person)
    for _ in range(2):
        client = Client()
        sign_in_password(client, "zhang.wei")
        client.post(VERIFY, {"token": wrong_code(device)})
        client.post(VERIFY, {"token": wrong_code(device)})
    client = Client()
    assert sign_in_password(client, "zhang.wei").status_code == 302
    assert client.post(VERIFY, {"token": wrong_code(device)}).status_code == 429


def test_r2_idle_timeout_signs_the_person_out(sales_person, settings):
    client = client_verified(sales_person)
    assert client.get(HOME).status_code == 200
    session = client.session
    idle = settings.BAOMI_IDLE_TIMEOUT.total_seconds()
    session[signin.LAST_SEEN] = time.time() - idle - 5
    session.save()
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "signed out after 15 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_r2_activity_within_the_idle_limit_keeps_the_session(sales_person, settings):
    client = client_verified(sales_person)
    session = client.session
    session[signin.LAST_SEEN] = time.time() - settings.BAOMI_IDLE_TIMEOUT.total_seconds() + 60
    session.save()
    assert client.get(HOME).status_code == 200


def test_r2_idle_timeout_is_configurable(sales_person, settings):
    from datetime import timedelta

    settings.BAOMI_IDLE_TIMEOUT = timedelta(minutes=1)
    client = client_verified(sales_person)
    session = client.session
    session[signin.LAST_SEEN] = time.time() - 61
    session.save()
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_r2_absolute_timeout_ends_even_an_active_session(sales_person, settings):
    client = client_verified(sales_person)
    session = client.session
    session[signin.SIGNED_IN_AT] = time.time() - settings.BAOMI_ABSOLUTE_TIMEOUT.total_seconds() - 1
    session[signin.LAST_SEEN] = time.time()
    session.save()
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "maximum length of 10 hours" in response.content.decode()


def test_r2_sign_out_ends_the_session_and_needs_post(sales_person):
    client = client_verified(sales_person)
    assert client.get(reverse("access:logout")).status_code == 405
    response = client.post(reverse("access:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You have signed out." in response.content.decode()
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_r2_password_change_needs_re_authentication_first(sales_person):
    device = give_authenticator(sales_person)
    client = client_verified(sales_person)
    url = reverse("access:password_change")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:reauth"))
    refused = client.post(response["Location"], {"password": "wrong", "token": otp_code(device)})
    assert "The password or the code was not accepted." in refused.content.decode()
    confirmed = client.post(response["Location"], {"password": PASSWORD, "token": otp_code(device)})
    assert confirmed["Location"] == url
    weak = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    errors = weak.context["form"].errors["new_password1"]
    assert any("too short" in e for e in errors)
    assert any("too common" in e for e in errors)
    assert b'value="password"' not in weak.content  # secrets are not echoed back
    new_password = "Another-Strong-Pass-7"
    done = client.post(url, {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == reverse("access:security")
    sales_person.refresh_from_db()
    assert sales_person.check_password(new_password)
    assert client.get(HOME).status_code == 200  # this session stays signed in


def test_r2_password_rules_require_mixed_characters(sales_person):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        validate_password("alllowercaseletters", sales_person)
    assert any("kinds of characters" in m for m in excinfo.value.messages)
    validate_password("Mixed-Case-and-42", sales_person)


def test_r2_replacing_the_authenticator_needs_re_authentication(sales_person):
    old = give_authenticator(sales_person)
    client = client_verified(sales_person)
    response = client.get(SETUP)
    assert response["Location"].startswith(reverse("access:reauth"))
    client.post(response["Location"], {"password": PASSWORD, "token": otp_code(old)})
    page = client.get(SETUP)
    assert page.status_code == 200
    assert page.context["replacing"] is True
    new = TOTPDevice.objects.get(user=sales_person, confirmed=False)
    done = client.post(SETUP, {"token": otp_code(new)})
    assert done.status_code == 200
    assert list(TOTPDevice.objects.filter(user=sales_person).values_list("pk", flat=True)) == [
        new.pk
    ]


def test_r2_backup_codes_can_be_renewed_after_re_authentication(sales_person):
    device = give_authenticator(sales_person)
    old_codes = signin.issue_backup_codes(sales_person)
    client = client_verified(sales_person)
    url = reverse("access:backup_codes")
    first = client.post(url)
    assert first["Location"].startswith(reverse("access:reauth"))
    client.post(first["Location"], {"password": PASSWORD, "token": otp_code(device)})
    renewed = client.post(url)
    new_codes = renewed.context["codes"]
    assert len(new_codes) == signin.BACKUP_CODE_COUNT
    assert not set(new_codes) & set(old_codes)
    assert BackupCodeDevice.objects.get(user=sales_person).remaining() == signin.BACKUP_CODE_COUNT


def test_r2_inactive_account_cannot_sign_in(sales_person):
    sales_person.is_active = False
    sales_person.save()
    response = sign_in_password(Client(), "zhang.wei")
    assert response.status_code == 200
    assert "The username or password is not correct." in response.content.decode()


def test_r2_login_next_parameter_only_follows_local_urls(sales_person):
    device = give_authenticator(sales_person)
    sign_current_agreement(sales_person)
    client = Client()
    client.post(
        LOGIN + "?next=https://evil.example/steal",
        {"username": "zhang.wei", "password": PASSWORD},
    )
    assert client.post(VERIFY, {"token": otp_code(device)})["Location"] == HOME

    other = Client()
    other.post(LOGIN + "?next=/accounts/security/", {"username": "zhang.wei", "password": PASSWORD})
    BackupCodeDevice.objects.filter(user=sales_person).delete()
    assert other.post(VERIFY, {"token": otp_code(device)})["Location"] == "/accounts/security/"


@pytest.mark.parametrize("target", ["records:list", ":x", "home", "//evil.example/", "/\\evil"])
def test_r2_a_next_that_is_not_a_path_here_is_ignored_not_a_server_error(sales_person, target):
    """Found by the hostile-input fuzz: a bare word was stored and later handed to redirect(),
    which tried to reverse it as a URL name and failed with a server error at the next step."""
    device = give_authenticator(sales_person)
    sign_current_agreement(sales_person)
    client = Client()
    client.post(LOGIN + f"?next={target}", {"username": "zhang.wei", "password": PASSWORD})
    response = client.post(VERIFY, {"token": otp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == HOME
