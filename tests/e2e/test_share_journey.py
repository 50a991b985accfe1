"""Browser journey (R52, issue 17 §13): the handler asks to provide a file to a design team with
a valid NDA, the head and the security officer approve, the handler creates the delivery link
and passcode, and the recipient, without an account, downloads once and confirms receipt. It
runs in Chinese and in English, at desktop width and on a 390 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import people
from access.models import AccessRequest, Department
from access.roles import Role
from records.circulation import parties
from tests.e2e.journey_checks import assert_fits_and_reads, on_every_screen
from tests.factories import PDF, approved, make_person
from tests.helpers import client_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r52_share_request_approvals_delivery_and_receipt_in_the_browser(
    width, say, live_server, browser, console_errors, tmp_path
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    lawyer = make_person("huang.qiang", roles=[Role.LEGAL], full_name="黄强")
    people.set_head(dept, head)
    record = approved(owner, head, {"full_name": "欧阳晓梅", "mobile": "13912345678"})
    party = parties.save(
        lawyer, None, name="北京匠心设计工作室", kind="design_team", contact_name="刘设计",
        contact_email="", nda_signed_on=timezone.localdate() - timedelta(days=30),
        nda_expires_on=timezone.localdate() + timedelta(days=300),
        nda_document=SimpleUploadedFile("nda.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip

    def page_for(user=None):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale=say.locale,
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        if user is not None:
            cookie = client_verified(user).cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        return page

    asker = page_for(owner)
    asker.goto(f"{live_server.url}/requests/share/")
    assert_fits_and_reads(asker, say)
    asker.fill("textarea[name=numbers]", record.archive_number)
    asker.select_option("select[name=external_party]", label=party.name)
    asker.check("input[name=sections][value=identity]")
    asker.fill("textarea[name=purpose]", "提供给设计团队做户型方案")
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    asker.fill("input[name=due_on]", due)
    asker.click("[data-testid=share-form] button.primary")
    assert asker.inner_text("[data-testid=state]") == say("待审批", "Awaiting approval")
    assert_fits_and_reads(asker, say)
    req = AccessRequest.objects.get(kind="external_share")

    for signer in (head, officer):
        approver = page_for(signer)
        approver.goto(f"{live_server.url}/requests/{req.pk}/")
        assert_fits_and_reads(approver, say)
        approver.check("input[name=decision][value=approve]")
        approver.click("[data-testid=sign-panel] button.primary")
    asker.goto(f"{live_server.url}/requests/{req.pk}/")
    assert asker.inner_text("[data-testid=state]") == say("已批准", "Approved")
    assert_fits_and_reads(asker, say)
    asker.click("[data-testid=create-link]")
    url = asker.inner_text("[data-testid=share-url]")
    passcode = asker.inner_text("[data-testid=share-passcode]")
    assert_fits_and_reads(asker, say)

    recipient = page_for()
    recipient.goto(url)
    assert "13912345678" not in recipient.content()  # nothing before the passcode
    assert_fits_and_reads(recipient, say)
    recipient.fill("input[name=passcode]", passcode)
    with recipient.expect_download() as info:
        recipient.click("[data-testid=passcode-form] button.primary")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    recipient.goto(url)
    recipient.fill("input[name=name]", "刘设计")
    recipient.click("[data-testid=receipt-form] button.primary")
    assert say("刘设计 已于", "Receipt confirmed by 刘设计") in recipient.inner_text(
        "[data-testid=receipt-done]"
    )
    assert_fits_and_reads(recipient, say)
    asker.goto(f"{live_server.url}/requests/{req.pk}/")
    assert "刘设计" in asker.inner_text("[data-testid=share-receipt]")
    assert_fits_and_reads(asker, say)
    assert console_errors == []
