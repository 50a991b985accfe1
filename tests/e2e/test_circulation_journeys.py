"""Browser journeys (issue 16 §10) for the ways a client file leaves its handler's hands: an
external share down to the recipient's own page (R52, R51) and a transfer to a colleague and its
receipt (R51); the hand-over and emergency access are in test_handover_and_emergency_journeys.py.
Each runs in Chinese and in English, at desktop width and on a 390 px phone, clicks
the buttons people click, and asserts what they would notice, then what the database keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import people, requests
from access.models import (
    AccessRequest,
    Department,
    RequestState,
    ShareLink,
    Transfer,
)
from access.roles import Role
from records.circulation import lending, parties
from tests.e2e.journey_checks import (
    assert_fits_and_reads,
    assert_reads,
    messages,
    on_every_screen,
    overflow,
)
from tests.factories import PDF, approved, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _go(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    return response


def _share_world():
    """A salesperson's approved file, their head, the security officer, and a design team
    whose NDA legal keeps on file."""
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
    return owner, head, officer, record, party


@on_every_screen
def test_r52_external_share_reaches_the_recipient_in_either_language_on_any_screen(
    live_server, browser, signed_in, tmp_path, width, say
):
    """R52 (and R51's receipt): the handler asks to provide a file to a design team with a
    valid NDA; the department head and the information-security officer approve; the handler
    creates the delivery link and passcode, shown once; the recipient, with no account, opens
    the link in a browser of their own, is refused a wrong passcode, downloads once with the
    right one and confirms receipt; the handler sees who confirmed and when."""
    owner, head, officer, record, party = _share_world()

    # The handler fills in the share form and sends it for approval.
    asker = signed_in(owner, locale=say.locale, width=width)
    _go(asker, live_server, "/requests/share/")
    assert_fits_and_reads(asker, say)
    asker.fill("textarea[name=numbers]", record.archive_number)
    asker.select_option("select[name=external_party]", label=party.name)
    asker.check("input[name=sections][value=identity]")
    asker.fill("textarea[name=purpose]", "提供给设计团队做户型方案")
    asker.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=5)).isoformat())
    asker.get_by_role("button", name=say("提交审批", "Send for approval")).click()
    asker.wait_for_url("**/requests/*/")
    req = AccessRequest.objects.get(kind="external_share")
    assert say(
        f"申请 {req.number} 已提交审批。", f"Request {req.number} was sent for approval."
    ) in messages(asker)
    assert asker.inner_text("[data-testid=state]") == say("待审批", "Awaiting approval")
    assert_fits_and_reads(asker, say)

    # The head, then the security officer, approve on the request page.
    for signer in (head, officer):
        approver = signed_in(signer, locale=say.locale, width=width)
        _go(approver, live_server, f"/requests/{req.pk}/")
        assert "北京匠心设计工作室" in approver.inner_text("main")
        assert_fits_and_reads(approver, say)
        approver.get_by_label(say("批准", "Approve")).check()
        approver.get_by_role("button", name=say("提交审批意见", "Record my decision")).click()
        approver.wait_for_url("**/requests/approvals/")
        assert say("您的审批意见已记录。", "Your decision was recorded.") in messages(approver)
    req.refresh_from_db()
    assert req.state == RequestState.APPROVED

    # The handler creates the delivery link: link and passcode are shown this once.
    _go(asker, live_server, f"/requests/{req.pk}/")
    assert asker.inner_text("[data-testid=state]") == say("已批准", "Approved")
    asker.get_by_role("button", name=say("生成交付链接", "Create the delivery link")).click()
    url = asker.inner_text("[data-testid=share-url]")
    passcode = asker.inner_text("[data-testid=share-passcode]")
    assert say("仅显示这一次", "Shown only now") in asker.inner_text("main")
    assert_reads(asker, say)  # its width: test_r52_the_one_time_delivery_link_fits_...
    _go(asker, live_server, f"/requests/{req.pk}/")
    assert asker.inner_text("[data-testid=state]") == say(
        "链接已发送，尚未下载", "Link sent, not yet downloaded"
    )
    assert passcode not in asker.content()  # never shown again

    # The recipient opens the link in a browser of their own, in their language, without signing in.
    context = browser.new_context(
        locale=say.locale, timezone_id="Asia/Shanghai", accept_downloads=True
    )
    recipient = context.new_page()
    recipient.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    recipient.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    assert recipient.goto(url).status == 200
    assert recipient.inner_text("h1") == say("向您提供的档案", "Files provided to you")
    assert "13912345678" not in recipient.content()  # nothing before the passcode
    assert_fits_and_reads(recipient, say)
    wrong = "00000000" if passcode != "00000000" else "11111111"
    recipient.fill("input[name=passcode]", wrong)
    recipient.get_by_role("button", name=say("下载", "Download"), exact=True).click()
    assert say("口令错误。", "Wrong passcode.") in recipient.inner_text(
        "[data-testid=passcode-form]"
    )
    recipient.fill("input[name=passcode]", passcode)
    with recipient.expect_download() as info:
        recipient.get_by_role("button", name=say("下载", "Download"), exact=True).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # Reloaded, the page asks for the receipt; the recipient confirms with their name.
    recipient.goto(url)
    assert recipient.locator("[data-testid=passcode-form]").count() == 0  # one download only
    recipient.get_by_label(say("接收人姓名", "Received by (name)")).fill("刘设计")
    recipient.get_by_role(
        "button", name=say("确认我方已收到档案", "Confirm that we received the files")
    ).click()
    assert say("谢谢，您的确认已记录。", "Thank you: your receipt was recorded.") in messages(
        recipient
    )
    assert say("刘设计 已于", "Receipt confirmed by 刘设计 on") in recipient.inner_text(
        "[data-testid=receipt-done]"
    )
    assert_fits_and_reads(recipient, say)

    # The handler sees the download and the receipt on the request.
    _go(asker, live_server, f"/requests/{req.pk}/")
    assert "刘设计" in asker.inner_text("[data-testid=share-receipt]")
    assert asker.inner_text("[data-testid=share-downloaded]") != "—"
    link = ShareLink.objects.get(request=req)
    assert link.downloaded_at is not None
    assert link.receipt_name == "刘设计"
    assert link.failed_attempts == 1
    req.refresh_from_db()
    assert req.state == RequestState.CLOSED  # delivered and received: nothing more to do
    assert errors == []
    assert asker.console_errors == []
    context.close()


@on_every_screen
def test_r52_the_one_time_delivery_link_fits_the_screen_it_is_shown_on(
    live_server, signed_in, width, say
):
    """R52, issue 16 §7: the delivery link and passcode are shown once, so the page showing
    them must fit the handler's screen: the whole link readable without scrolling sideways."""
    owner, head, officer, record, party = _share_world()
    req = lending.apply(
        owner,
        lending.Ask(
            kind="external_share", numbers=record.archive_number,
            purpose="提供给设计团队做户型方案", due_on=timezone.localdate() + timedelta(days=5),
            sections=["identity"], external_party=party,
        ),
    )  # fmt: skip
    for signer in (head, officer):
        for step in requests.awaiting(signer).filter(request=req):
            requests.sign(signer, step, approve=True)
    asker = signed_in(owner, locale=say.locale, width=width)
    _go(asker, live_server, f"/requests/{req.pk}/")
    asker.get_by_role("button", name=say("生成交付链接", "Create the delivery link")).click()
    link = asker.locator("[data-testid=share-url]")
    assert link.inner_text().startswith(live_server.url + "/share/")
    box = link.bounding_box()
    assert box["x"] + box["width"] <= width
    assert overflow(asker) == 0


@on_every_screen
def test_r51_a_file_handed_to_a_colleague_changes_handler_only_on_their_receipt(
    live_server, signed_in, width, say
):
    """R51 (P5): the handler offers a file to a colleague from the file page with a reason;
    until the colleague confirms receipt under "Files handed to me" the file stays with the
    handler, and the page says so; after the confirmation the colleague is its handler."""
    dept = Department.objects.create(code="sales-1", name="销售一部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    colleague = make_person("sun.li", roles=[Role.SALES], department=dept, full_name="孙丽")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    people.set_head(dept, head)
    record = approved(owner, head, {"full_name": "欧阳晓梅", "mobile": "13912345678"})

    sender = signed_in(owner, locale=say.locale, width=width)
    _go(sender, live_server, f"/records/{record.pk}/")
    # The folded panel opens.
    sender.get_by_text(say("移交给同事", "Hand over to a colleague")).click()
    form = sender.locator("[data-testid=transfer-form]")
    form.get_by_label(say("移交给", "Hand to")).select_option(label="孙丽")
    form.get_by_label(say("原因", "Reason")).fill("客户改由孙丽跟进")
    form.get_by_role("button", name=say("移交", "Hand over")).click()
    assert say(
        "已发起移交；对方确认接收前，档案仍由您负责。",
        "Handed over; the file is yours until they confirm.",
    ) in messages(sender)
    assert say("正在移交给 孙丽", "Being handed to 孙丽") in sender.inner_text(
        "[data-testid=transfer-banner]"
    )
    assert_fits_and_reads(sender, say)
    record.refresh_from_db()
    assert record.handler == owner  # still the sender's until the receipt

    receiver = signed_in(colleague, locale=say.locale, width=width)
    _go(receiver, live_server, "/requests/incoming/")
    row = receiver.locator("[data-testid=incoming] tbody tr", has_text=record.archive_number)
    assert "客户改由孙丽跟进" in row.inner_text()
    assert "张伟" in row.inner_text()
    assert_fits_and_reads(receiver, say)
    row.get_by_role("button", name=say("确认接收", "Confirm receipt")).click()
    assert say(
        "已确认接收：该档案现由您负责。", "Receipt confirmed: the file is now yours."
    ) in messages(receiver)
    assert say("暂无移交给您的档案。", "Nothing is being handed to you.") in receiver.inner_text(
        "[data-testid=incoming]"
    )
    assert_fits_and_reads(receiver, say)

    _go(receiver, live_server, f"/records/{record.pk}/")
    assert "孙丽" in receiver.inner_text("main dl.facts")
    record.refresh_from_db()
    assert record.handler == colleague
    transfer = Transfer.objects.get(record=record)
    assert transfer.state == Transfer.State.CONFIRMED
    assert transfer.sender == owner
    assert transfer.answered_at is not None
    assert sender.console_errors == []
    assert receiver.console_errors == []
