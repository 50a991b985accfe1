"""Browser journey (issue 4): a salesperson registers a customer with consent and an ID scan and
submits; the department head approves; the file shows masked with a watermark; reveal works.
It runs in Chinese and in English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest

from access import people
from access.models import Department
from access.roles import Role
from records.models import CustomerRecord, RecordStatus
from tests.e2e.journey_checks import assert_fits_and_reads, on_every_screen
from tests.factories import PASSWORD, PDF, make_person
from tests.helpers import give_authenticator, otp_code, sign_current_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"


def _sign_in(page, base: str, user, device, next_path: str) -> None:
    page.goto(base + next_path)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.fill("input[name=token]", otp_code(device))
    page.click("button.primary")
    page.wait_for_url("**" + next_path)


@on_every_screen
def test_r10_r14_register_submit_approve_and_reveal_in_the_browser(
    width, say, live_server, browser, tmp_path, console_errors
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    sales = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟",
                        employee_number="BM1001")  # fmt: skip
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳",
                       employee_number="BM2001")  # fmt: skip
    people.set_head(dept, head)
    devices = {u.pk: give_authenticator(u) for u in (sales, head)}
    for user in (sales, head):
        sign_current_agreement(user)
    scan = tmp_path / "id-scan.pdf"
    scan.write_bytes(PDF)

    # The salesperson registers and submits.
    seller = browser.new_context(
        viewport={"width": width, "height": 900}, locale=say.locale, timezone_id="Asia/Shanghai"
    ).new_page()
    seller.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(seller, live_server.url, sales, devices[sales.pk], "/records/new/")
    assert_fits_and_reads(seller, say)
    seller.check("input[name=kind][value=company]")
    assert seller.is_hidden("input[name=id_number]")
    assert seller.is_visible("input[name=credit_code]")
    seller.check("input[name=kind][value=person]")
    assert seller.is_visible("input[name=id_number]")
    assert seller.is_hidden("input[name=credit_code]")
    seller.fill("input[name=full_name]", "欧阳晓梅")
    seller.fill("input[name=id_number]", ID_NUMBER)
    seller.fill("input[name=mobile]", "139 1234 5678")
    seller.fill("textarea[name=needs]", "三居室，近地铁")
    for category in ("identity", "contact", "transaction"):
        seller.check(f"input[name=consent_scope][value={category}]")
    seller.check("input[name=consent_sensitive][value=id_number]")
    seller.set_input_files("input[name=consent_evidence]", str(scan))
    seller.set_input_files("input[name=attachment]", str(scan))
    seller.select_option("select[name=attachment_kind]", "id_scan")
    seller.click("[data-testid=save-submit]")
    seller.wait_for_url("**/records/*/")
    assert say(
        "已提交，将由部门负责人审核。", "Submitted. Your department head will review it."
    ) in seller.inner_text(".messages")
    assert seller.inner_text("[data-testid=status]") == say("待审核", "Awaiting review")
    assert_fits_and_reads(seller, say)
    record = CustomerRecord.objects.get()
    assert record.attachments.count() == 2

    # The head sees it waiting on the home page, approves it.
    reviewer = browser.new_context(
        viewport={"width": width, "height": 900}, locale=say.locale, timezone_id="Asia/Shanghai"
    ).new_page()
    _sign_in(reviewer, live_server.url, head, devices[head.pk], "/")
    assert reviewer.inner_text("[data-testid=count-review]") == "1"
    assert_fits_and_reads(reviewer, say)
    reviewer.click("[data-card=review]")
    reviewer.wait_for_selector("[data-testid=review-queue]")
    assert_fits_and_reads(reviewer, say)
    reviewer.click("[data-testid=review-queue] a.button")
    reviewer.wait_for_selector("[data-testid=approve]")
    assert_fits_and_reads(reviewer, say)
    reviewer.click("[data-testid=approve]")
    reviewer.wait_for_selector(".message-success")
    assert_fits_and_reads(reviewer, say)
    number = reviewer.inner_text("[data-testid=archive-number]")
    assert number.startswith("KH-")
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED

    # Masked, with the viewer's watermark.
    id_cell = reviewer.locator("[data-field=id_number]")
    assert "110105********002X" in id_cell.inner_text()
    assert "欧**" in reviewer.inner_text("[data-field=full_name]")
    assert ID_NUMBER not in reviewer.content()
    assert "王芳 · BM2001" in reviewer.get_attribute(".watermark", "data-watermark")

    # Reveal with a reason: the value shows on that page only.
    reviewer.click("[data-testid=reveal-panel] summary")
    reviewer.check("input[name=fields_to_reveal][value=id_number]")
    reviewer.select_option("select[name=reason]", "verification")
    reviewer.click("[data-testid=reveal]")
    reviewer.wait_for_load_state()
    assert ID_NUMBER in reviewer.inner_text("[data-field=id_number]")
    assert_fits_and_reads(reviewer, say)
    reviewer.goto(live_server.url + f"/records/{record.pk}/")
    assert ID_NUMBER not in reviewer.content()
    assert console_errors == []
