"""Issue 17 pages as their people meet them, in Chinese (the default) and English, at desktop
width and on a 390 px phone: viewing an attachment behind a reason (§1), the one-time enrolment
link (§20), an administrator's sign-in reset and the security officer's approval (§4). Each
shows its answer, takes its one action, and logs no console error."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from access import enrolment
from access.roles import Role
from records import intake
from tests.factories import full_consent, make_person, pdf_upload
from tests.helpers import NEW_PASSWORD, client_verified, enrolment_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


def _session(browser, live_server, user, locale: str, *, reauthenticated: bool = False):
    client = client_verified(user)
    if reauthenticated:
        from access.signin import REAUTH_AT

        session = client.session
        session[REAUTH_AT] = timezone.now().timestamp()
        session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def test_p1_viewing_an_attachment_asks_the_reason_then_shows_the_watermarked_picture(
    live_server, browser, sales_org
):
    picture = io.BytesIO()
    Image.new("RGB", (500, 320), "white").save(picture, "PNG")
    record = intake.create(
        sales_org.sales,
        intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2), tier=None),
        {"full_name": "欧阳晓梅"},
        full_consent(),
        evidence=pdf_upload(),
        uploads=[intake.Upload("id_scan", SimpleUploadedFile("s.png", picture.getvalue()))],
    )
    scan = record.attachments.get(kind="id_scan")
    url = live_server.url + reverse("records:attachment", args=[record.pk, scan.pk])
    lead = {"zh": "每页都印有您的姓名", "en": "your name, the time and the file number"}
    for language, locale in LANGUAGES.items():
        page, errors = _session(browser, live_server, sales_org.sales, locale)
        for width in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(url).status == 200
            assert lead[language] in page.inner_text("main")
            _no_overflow(page)
        page.select_option("select[name=reason]", "verification")
        with page.expect_navigation():
            page.click("button.primary")
        assert page.evaluate("document.contentType") == "image/png"
        assert errors == []
        page.context.close()


def test_p20_the_enrolment_link_sets_the_persons_own_password_on_a_phone(live_server, browser):
    person = make_person("new.starter", roles=[Role.SALES], full_name="新员工")
    title = {"zh": "设置您的密码", "en": "Set your password"}
    for language, locale in LANGUAGES.items():
        context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        token = enrolment_token(person)
        for width in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(live_server.url + f"/accounts/enrol/{token}/").status == 200
            assert title[language] in page.inner_text("h1")
            _no_overflow(page)
        page.fill("input[name=new_password1]", NEW_PASSWORD)
        page.fill("input[name=new_password2]", NEW_PASSWORD)
        page.click("button.primary")
        page.wait_for_url("**/accounts/otp/setup/")
        assert page.locator("[data-testid=qr] svg").is_visible()
        assert errors == []
        context.close()


def test_p4_an_administrator_asks_a_reset_and_the_security_officer_approves_it(
    live_server, browser, sales_org, officer
):
    from django.contrib.auth.models import Permission

    admin_user = make_person("it.admin", is_staff=True)
    admin_user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    issue = live_server.url + reverse("access:enrolment_issue", args=[sales_org.head.pk])
    approval = {"zh": "信息安全负责人", "en": "information-security officer"}
    for language, locale in LANGUAGES.items():
        page, errors = _session(browser, live_server, admin_user, locale, reauthenticated=True)
        for width in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(issue).status == 200
            assert approval[language] in page.inner_text("main")
            _no_overflow(page)
        page.fill("input[name=reason]", "忘记密码")
        page.click("button.primary")
        assert approval[language] in page.inner_text("[data-testid=outcome]")
        assert errors == []
        page.context.close()
    assert len(enrolment.awaiting_approval()) == 1  # the second ask replaced the first

    approvals = live_server.url + reverse("access:enrolment_approvals")
    for locale in LANGUAGES.values():
        page, errors = _session(browser, live_server, officer, locale)
        for width in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(approvals).status == 200
            assert "忘记密码" in page.inner_text("[data-testid=enrolment-approvals]")
            _no_overflow(page)
        assert errors == []
        page.context.close()
