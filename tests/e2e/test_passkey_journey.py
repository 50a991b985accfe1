"""Issue 21 §1 in a browser, with Chromium's virtual authenticator (DevTools protocol
``WebAuthn.addVirtualAuthenticator`` through Playwright's CDP session): a salesperson confirms
her password and code, adds a passkey named for her phone, signs out, signs in with the
password and the passkey instead of a code; when the site's allowed origin is another one, the
same passkey is refused, counted as a failed attempt, and the code form stays the way in.
In Chinese and English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from access.roles import Role
from audit.models import AuditEvent
from tests.e2e.journey_checks import Words, assert_fits_and_reads, messages, on_every_screen
from tests.factories import PASSWORD, make_person
from tests.helpers import give_authenticator, otp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                     "hasUserVerification": True, "isUserVerified": True}},
    )  # fmt: skip


def _password(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/accounts/otp/verify/**")


@on_every_screen
def test_i21_1_a_salesperson_adds_a_passkey_and_signs_in_with_it(
    live_server, signed_in, settings, width, say: Words
):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    person = make_person("zhang.wei", roles=[Role.SALES], full_name="张伟")
    device = give_authenticator(person)
    page = signed_in(person, locale=say.locale, width=width)
    _virtual_authenticator(page)

    page.goto(live_server.url + "/accounts/security/")
    page.get_by_role("link", name=say("管理通行密钥", "Manage passkeys")).click()
    page.wait_for_url("**/accounts/security/passkeys/")
    assert_fits_and_reads(page, say)
    page.get_by_role(
        "link", name=say("先确认身份，再添加通行密钥", "Confirm, then add a passkey")
    ).click()
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=token]", otp_code(device))
    page.click("button.primary")
    page.wait_for_url("**/accounts/security/passkeys/")
    page.get_by_label(say("通行密钥名称", "Name of this passkey")).fill("我的工作手机")
    page.get_by_role(
        "button", name=say("在此设备上添加通行密钥", "Add a passkey on this device")
    ).click()
    expect(page.locator("[data-testid=passkeys] tbody tr")).to_contain_text("我的工作手机")
    assert_fits_and_reads(page, say)
    assert AuditEvent.objects.filter(action="auth.passkey_enrolled").count() == 1

    # Signed out, back in: the password, then the passkey instead of a code.
    page.click("form.signout button")
    page.wait_for_url("**/accounts/login/**")
    _password(page, live_server, "zhang.wei")
    assert_fits_and_reads(page, say)
    page.get_by_role("button", name=say("用通行密钥登录", "Sign in with my passkey")).click()
    page.wait_for_url(live_server.url + "/")
    assert page.inner_text("h1") == say("我的待办", "My to-do")
    signed = AuditEvent.objects.filter(action="auth.sign_in").latest("occurred_at")
    assert signed.details["factor"] == "passkey"

    # The same passkey from an origin the site does not allow: refused, counted, code form kept.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://baomi.example.cn"]
    page.click("form.signout button")
    page.wait_for_url("**/accounts/login/**")
    _password(page, live_server, "zhang.wei")
    page.get_by_role("button", name=say("用通行密钥登录", "Sign in with my passkey")).click()
    expect(page.locator("[data-passkey-status]")).to_contain_text(
        say("通行密钥未被接受", "The passkey was not accepted")
    )
    assert "/accounts/otp/verify/" in page.url
    failed = AuditEvent.objects.filter(action="auth.sign_in_failed").latest("occurred_at")
    assert failed.details["stage"] == "passkey"
    expect(page.locator("input[name=token]")).to_be_visible()  # the code stays the way in
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    page.get_by_role("button", name=say("用通行密钥登录", "Sign in with my passkey")).click()
    page.wait_for_url(live_server.url + "/")

    # Removing asks first (after confirming again).
    page.goto(live_server.url + "/accounts/security/passkeys/")
    page.get_by_role("link", name=say("移除", "Remove")).click()
    page.wait_for_url("**/accounts/security/confirm/**")  # a new session: confirm again
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=token]", otp_code(device))
    page.click("button.primary")
    page.wait_for_url("**/remove/")
    expect(page.locator("[data-testid=passkey-remove-confirm]")).to_be_visible()
    assert_fits_and_reads(page, say)
    page.get_by_role("button", name=say("移除通行密钥", "Remove the passkey")).click()
    assert "我的工作手机" in messages(page)
    expect(page.locator("[data-testid=passkeys] tbody tr")).to_contain_text(
        say("还没有通行密钥", "No passkey yet")
    )
