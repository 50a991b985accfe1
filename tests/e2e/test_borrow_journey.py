"""Browser journey (issue 5, R41): a salesperson of another department asks to borrow a file;
the file's department head approves from "awaiting my approval"; the archivist hands it out;
the borrower reads it; the archivist takes it back and the borrower can no longer open it. It
runs in Chinese and in English, at desktop width and on a 390 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import people
from access.models import Department
from access.roles import Role
from records import intake, review
from tests.e2e.journey_checks import assert_fits_and_reads, on_every_screen
from tests.e2e.test_record_journey import _sign_in
from tests.factories import make_person, register
from tests.helpers import give_authenticator, sign_current_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r41_borrow_request_approval_hand_out_and_return_in_the_browser(
    width, say, live_server, browser, console_errors
):
    a = Department.objects.create(code="sales-1", name="销售一部")
    b = Department.objects.create(code="sales-2", name="销售二部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=a, full_name="张伟")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=a, full_name="王芳")
    borrower = make_person("li.na", roles=[Role.SALES], department=b, full_name="李娜")
    keeper = make_person("chen.jing", roles=[Role.ARCHIVIST], full_name="陈静")
    people.set_head(a, head)
    record = register(owner, {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室"})
    intake.submit(owner, record)
    review.approve(head, record)
    record.refresh_from_db()
    devices = {u.pk: give_authenticator(u) for u in (head, borrower, keeper)}
    for user in (head, borrower, keeper):
        sign_current_agreement(user)

    def page_for(user, path):
        page = browser.new_context(
            viewport={"width": width, "height": 900}, locale=say.locale, timezone_id="Asia/Shanghai"
        ).new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        _sign_in(page, live_server.url, user, devices[user.pk], path)
        return page

    # The borrower cannot open the file, and asks for it.
    reader = page_for(borrower, "/requests/")
    response = reader.goto(f"{live_server.url}/records/{record.pk}/")
    assert response.status == 404  # another department's file: not even its existence shows
    reader.goto(f"{live_server.url}/requests/borrow/")
    assert_fits_and_reads(reader, say)
    reader.fill("textarea[name=numbers]", record.archive_number)
    reader.fill("textarea[name=purpose]", "客户回访，核对合同")
    too_late = (timezone.localdate() + timedelta(days=90)).isoformat()
    reader.fill("input[name=due_on]", too_late)
    reader.click("[data-testid=borrow-form] button.primary")
    assert say("最长为自今天起 30 天", "At most 30 days") in reader.inner_text(
        "[data-testid=borrow-form]"
    )
    assert_fits_and_reads(reader, say)
    assert reader.input_value("textarea[name=purpose]") == "客户回访，核对合同"  # nothing lost
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    reader.fill("input[name=due_on]", due)
    reader.click("[data-testid=borrow-form] button.primary")
    assert reader.inner_text("[data-testid=state]") == say("待审批", "Awaiting approval")
    assert_fits_and_reads(reader, say)
    number = reader.inner_text("h1").split()[-1]

    # The head sees it waiting, with a count on the home page, and approves.
    approver = page_for(head, "/")
    assert approver.inner_text("[data-testid=count-approvals]") == "1"
    assert_fits_and_reads(approver, say)
    approver.goto(f"{live_server.url}/requests/approvals/")
    assert_fits_and_reads(approver, say)
    approver.click("[data-testid=awaiting-approval] a.button")
    assert_fits_and_reads(approver, say)
    approver.check("input[name=decision][value=approve]")
    approver.click("[data-testid=sign-panel] button.primary")
    assert say("暂无待办事项。", "Nothing is waiting for you.") in approver.inner_text(
        "[data-testid=awaiting-approval]"
    )

    # The archivist hands it out.
    desk = page_for(keeper, "/requests/desk/")
    assert number in desk.inner_text("[data-testid=to-hand-out]")
    assert_fits_and_reads(desk, say)
    desk.click("[data-testid=to-hand-out] a.button")
    desk.wait_for_url("**/requests/*/")
    assert_fits_and_reads(desk, say)
    desk.click("[data-testid=hand-out]")
    assert number in desk.inner_text("[data-testid=on-loan]")
    assert_fits_and_reads(desk, say)

    # The borrower finds it under "Files on loan to me" and reads it, masked, with the banner.
    reader.goto(f"{live_server.url}/requests/")
    assert_fits_and_reads(reader, say)
    reader.click(f"[data-testid=loans] a:has-text('{record.archive_number}')")
    reader.wait_for_url(f"**/records/{record.pk}/")
    assert say("您正在借阅本档案，期限至", "on loan until") in reader.inner_text(
        "[data-testid=loan-banner]"
    )
    assert_fits_and_reads(reader, say)
    assert "13912345678" not in reader.content()  # contacts stay masked for a borrower

    # The archivist takes it back, intact; the borrower's access ends at once.
    desk.click("[data-testid=on-loan] a.button")
    # An electronic loan: nothing to inspect, so no question about damaged paper (issue 16).
    assert say("立即结束借阅", "End the loan now") in desk.inner_text(
        "[data-testid=take-back-panel]"
    )
    assert_fits_and_reads(desk, say)
    assert desk.locator("[data-testid=take-back-panel] input[value=damaged]").count() == 0
    desk.click("[data-testid=take-back]")
    assert say("暂无借出中的档案。", "Nothing is on loan.") in desk.inner_text(
        "[data-testid=on-loan]"
    )
    response = reader.goto(f"{live_server.url}/records/{record.pk}/")
    assert response.status == 403  # they held it: told that the loan ended
    reader.goto(f"{live_server.url}/requests/")
    assert say("已归还", "Returned") in reader.inner_text("[data-testid=my-requests]")
    assert_fits_and_reads(reader, say)
    # The two refusals above are meant; any other console error (CSP, script) is a failure.
    assert [e for e in console_errors if not ("status of 403" in e or "status of 404" in e)] == []
