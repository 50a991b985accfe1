"""Browser journey (issue 9 §2): the security officer registers a customer's request to see their
data, with its legal deadline in working days, answers it, and prints the answer letter with the
access report attached. It runs in Chinese and in English, at desktop width and on a 390 px
phone."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from access import people
from access.models import Department
from access.roles import Role
from records import intake, review
from records.masking import mask_name
from tests.e2e.journey_checks import assert_fits_and_reads, on_every_screen
from tests.e2e.test_record_journey import _sign_in
from tests.factories import make_person, register
from tests.helpers import give_authenticator, sign_current_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_pipl45_register_and_answer_an_access_request_in_the_browser(
    width, say, live_server, browser, console_errors, tmp_path
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    people.set_head(dept, head)
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    record = register(owner, {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室"})
    intake.submit(owner, record)
    review.approve(head, record)
    record.refresh_from_db()
    device = give_authenticator(officer)
    sign_current_agreement(officer)

    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale=say.locale,
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server.url, officer, device, "/")
    assert_fits_and_reads(page, say)
    page.click("[data-card=rights]")
    page.wait_for_selector("[data-testid=register-request]")
    assert_fits_and_reads(page, say)
    form = "[data-testid=register-request]"
    page.select_option(f"{form} select[name=kind]", "access")
    page.select_option(f"{form} select[name=channel]", "in_person")
    page.fill(f"{form} input[name=archive_number]", record.archive_number)
    page.fill(f"{form} input[name=identity_check]", "柜台核对身份证原件，与档案一致")
    page.click(f"{form} button.primary")
    page.wait_for_url("**/records/rights/*/")
    assert say("还剩 15 个工作日", "15 working days left") in page.inner_text("[data-testid=due]")
    assert page.inner_text("[data-testid=state]") == say("进行中", "Open")
    assert_fits_and_reads(page, say)

    page.fill("[data-testid=answer] textarea[name=note]", "如需复印件，请携带身份证到门店领取。")
    page.click("[data-testid=answer-button]")
    assert say("已按请求办理", "Done as asked") in page.inner_text("[data-testid=state]")
    assert_fits_and_reads(page, say)
    with page.expect_download() as info:
        page.click("[data-testid=letter]")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "关于您个人信息请求的答复" in text
    assert "请携带身份证到门店领取" in text
    assert "个人信息处理情况说明" in text
    assert mask_name("欧阳晓梅") in text
    assert "13912345678" not in text
    assert console_errors == []
