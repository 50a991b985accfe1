"""Browser journey (issue 3): an auditor filters the audit log and opens a person's activity. It
runs in Chinese and in English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest

import audit
from access.models import Department
from access.roles import Role
from tests.e2e.journey_checks import assert_fits_and_reads, on_every_screen
from tests.factories import PASSWORD, make_person
from tests.helpers import give_authenticator, otp_code, sign_current_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r70_auditor_filters_events_in_the_browser(width, say, live_server, browser):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    seller = make_person(
        "zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟", employee_number="BM1001"
    )
    auditor = make_person(
        "yang.min", roles=[Role.AUDITOR], full_name="杨敏", employee_number="BM5001"
    )
    pages = tuple(f"page-{i}" for i in range(3))  # data, in Latin letters in either language
    for name in pages:
        audit.record(seller, "access.denied", url_name=name)
    audit.record(seller, "auth.sign_out", target=seller, reason="user")
    device = give_authenticator(auditor)
    sign_current_agreement(auditor)

    context = browser.new_context(locale=say.locale, timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))

    page.goto(live_server.url + "/audit/")
    page.fill("input[name=username]", "yang.min")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.fill("input[name=token]", otp_code(device))
    page.click("button.primary")
    page.wait_for_url("**/audit/")
    assert_fits_and_reads(page, say, allowed=pages)

    page.fill("input[name=actor]", "BM1001")
    page.select_option("select[name=action]", "access.denied")
    page.click(".filters button.primary")
    page.wait_for_load_state()
    rows = page.locator("[data-testid=events] tbody tr")
    assert rows.count() == 3
    assert "张伟" in rows.first.inner_text()
    assert "page-2" in rows.first.inner_text()  # newest first
    assert "url_name" not in page.inner_text("main")  # details as words, not codes (issue 16)
    assert_fits_and_reads(page, say, allowed=pages)

    page.click("[data-testid=events] tbody tr >> nth=0 >> a >> nth=0")
    page.wait_for_url("**/audit/people/**")
    assert say("张伟 (BM1001) 的操作记录", "Activity of 张伟 (BM1001)") in page.inner_text("h1")
    assert say("拒绝访问：3", "Access denied: 3") in page.inner_text("[data-testid=summary]")
    assert_fits_and_reads(page, say, allowed=pages)
    context.close()
    assert console_errors == []
