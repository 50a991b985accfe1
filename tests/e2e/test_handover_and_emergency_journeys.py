"""Browser journeys in Chinese and English, desktop and phone (issue 16 §10): a hand-over when
someone leaves, and emergency access with its review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from access import people
from access.models import (
    BreakGlass,
    Department,
    Handover,
)
from access.roles import Role
from records.models import CustomerRecord
from tests.e2e.journey_checks import (
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import approved, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _go(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    return response


@on_every_screen
def test_r62_hand_over_of_a_leaver_shows_what_will_happen_then_gives_the_sheet(
    live_server, signed_in, tmp_path, width, say
):
    """R62: when a salesperson leaves, their department head chooses them and the receiver on
    the hand-over page and first sees what will happen (files reassigned, grants revoked,
    requests cancelled); only the confirmation does it. The hand-over page then offers the
    written hand-over sheet (PDF) listing every file; the leaver's session ends at once, the
    account is disabled and every file has the receiver as its handler."""
    dept = Department.objects.create(code="sales-2", name="销售二部")
    head = make_person("zhao.lei", roles=[Role.DEPT_HEAD], department=dept, full_name="赵磊")
    people.set_head(dept, head)
    leaver = make_person("li.na", roles=[Role.SALES], department=dept, full_name="李娜")
    successor = make_person("sun.li", roles=[Role.SALES], department=dept, full_name="孙丽")
    files = [
        approved(leaver, head, {"full_name": name, "mobile": "13912345678"})
        for name in ("欧阳晓梅", "司马光明")
    ]
    numbers = sorted(f.archive_number for f in files)
    # The leaver is still at work, signed in.
    leaving = signed_in(leaver, locale=say.locale, width=width)
    _go(leaving, live_server, "/")

    page = signed_in(head, locale=say.locale, width=width)
    _go(page, live_server, "/requests/handover/")
    assert_fits_and_reads(page, say)
    form = page.locator("[data-testid=handover-form]")
    form.get_by_label(say("离职或调岗人员", "Person leaving or changing role")).select_option(
        label="李娜"
    )
    form.get_by_label(say("全部档案的接收人", "Receiver of all their files")).select_option(
        label="孙丽"
    )
    form.get_by_role("radio", name=say("离职", "Leaving the company")).check()
    form.get_by_role("button", name=say("查看将执行的操作", "Show what will happen")).click()
    preview = page.locator("[data-testid=handover-preview]")
    assert (
        say("2 份客户档案将改由接收人负责。", "2 client files are reassigned.")
        in preview.inner_text()
    )
    assert_fits_and_reads(page, say)
    assert not Handover.objects.exists()  # the preview changes nothing
    assert CustomerRecord.objects.filter(handler=leaver).count() == 2

    # R81: a leaver signs the exit pledge first; the hand-over waits for it.
    assert say("离职保密承诺书", "exit confidentiality pledge") in page.inner_text(
        "[data-testid=pledge-missing]"
    )
    expect(
        preview.get_by_role("button", name=say("完成交接", "Complete the hand-over"))
    ).to_have_count(0)
    page.get_by_role("button", name=say("准备承诺书", "Prepare the pledge")).click()
    page.wait_for_url("**/requests/handover/?person=*")
    assert say("等待签署", "Waiting for the signature") in page.inner_text(
        "[data-testid=pledge-status]"
    )
    assert_fits_and_reads(page, say)
    _go(leaving, live_server, "/")
    leaving.get_by_role("link", name=say("我的离职保密承诺书", "My exit pledge")).first.click()
    leaving.wait_for_url("**/requests/pledge/")
    assert "离职后" in leaving.inner_text("[data-testid=pledge-text]")
    assert_fits_and_reads(leaving, say)
    leaving.get_by_role("button", name=say("签署承诺书", "Sign the pledge")).click()
    assert say("请勾选", "Tick the box") in leaving.inner_text("[data-testid=sign-pledge]")
    leaving.get_by_label(say("本人已阅读本承诺书", "I have read this pledge")).check()
    leaving.get_by_role("button", name=say("签署承诺书", "Sign the pledge")).click()
    assert say("已签署", "is signed") in messages(leaving)

    page.reload()
    preview = page.locator("[data-testid=handover-preview]")
    assert say("已于", "Signed on") in page.inner_text("[data-testid=pledge-status]")
    preview.get_by_role("button", name=say("完成交接", "Complete the hand-over")).click()
    page.wait_for_url("**/requests/handover/*/")
    assert say("交接已完成。", "The hand-over is complete.") in messages(page)
    shown = page.inner_text("main")
    assert "李娜" in shown
    assert "孙丽" in shown
    assert say("离职", "Leaving the company") in shown
    for number in numbers:
        assert number in shown
    assert_fits_and_reads(page, say)
    with page.expect_download() as info:
        page.get_by_role("link", name=say("交接单（PDF）", "Hand-over sheet (PDF)")).click()
    saved = tmp_path / "handover.pdf"
    info.value.save_as(saved)
    sheet = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "客户档案交接单" in sheet  # the written sheet is in Chinese in either language
    for number in numbers:
        assert number in sheet

    # The leaver's open session is gone; the account can no longer be used.
    leaving.reload()
    assert "/accounts/login/" in leaving.url
    leaver.refresh_from_db()
    assert not leaver.is_active
    handover = Handover.objects.get()
    assert handover.person == leaver
    assert handover.receiver == successor
    assert set(CustomerRecord.objects.filter(handler=successor).values_list("pk", flat=True)) == {
        f.pk for f in files
    }
    assert page.console_errors == []


def _emergency_world():
    """A file of sales-1, the head of sales-2 (who may not read it) and the security officer."""
    a = Department.objects.create(code="sales-1", name="销售一部")
    b = Department.objects.create(code="sales-2", name="销售二部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=a, full_name="张伟")
    head_a = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=a, full_name="王芳")
    head_b = make_person("zhao.lei", roles=[Role.DEPT_HEAD], department=b, full_name="赵磊")
    people.set_head(a, head_a)
    people.set_head(b, head_b)
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    record = approved(owner, head_a, {"full_name": "欧阳晓梅", "mobile": "13912345678"})
    return head_b, officer, record


def _break_glass(page, record, say) -> None:
    """On the emergency access form: the file, a reason and what happened; then open it."""
    form = page.locator("[data-testid=break-glass-form]")
    form.get_by_label(say("档案编号", "Archive number")).fill(record.archive_number)
    form.get_by_label(say("原因", "Reason")).select_option(
        label=say("客户紧急情况（安全、紧急索赔）", "Customer emergency (safety, urgent claim)")
    )
    form.locator("textarea[name=reason_text]").fill("客户报警称房屋漏水，需立即联系业主")
    form.get_by_role("button", name=say("立即打开档案", "Open the file now")).click()
    page.wait_for_url(f"**/records/{record.pk}/")


@on_every_screen
def test_r70_emergency_access_opens_the_file_with_a_reason_and_the_officer_reviews_it(
    live_server, signed_in, width, say
):
    """R70, R43 (P5): another department's head uses emergency access with a reason code and a
    description, is warned first what it means, sees the file at once with the warning that
    the watchers were told; the information-security officer finds it in the review queue with
    the reason, closes it as justified with a note, and the access ends with the review."""
    head_b, officer, record = _emergency_world()

    page = signed_in(head_b, locale=say.locale, width=width)
    assert page.goto(f"{live_server.url}/records/{record.pk}/").status == 404  # not theirs
    _go(page, live_server, "/requests/break-glass/")
    warning = page.inner_text("main .message-warning")
    assert say("30 分钟", "30 minutes") in warning
    assert_fits_and_reads(page, say)
    form = page.locator("[data-testid=break-glass-form]")
    form.get_by_label(say("档案编号", "Archive number")).fill(record.archive_number)
    form.get_by_label(say("原因", "Reason")).select_option(
        label=say("客户紧急情况（安全、紧急索赔）", "Customer emergency (safety, urgent claim)")
    )
    form.get_by_role("button", name=say("立即打开档案", "Open the file now")).click()
    # No emergency access without saying why.
    assert say("这个字段是必填项。", "This field is required.") in form.inner_text()
    assert (
        form.get_by_label(say("档案编号", "Archive number")).input_value() == record.archive_number
    )
    _break_glass(page, record, say)
    assert say(
        "紧急访问有效 30 分钟。已通知信息安全负责人和审计人员。",
        "Emergency access for 30 minutes. Security officers and auditors were told.",
    ) in messages(page)
    assert page.inner_text("[data-testid=archive-number]") == record.archive_number
    identity = page.inner_text("[data-testid=section-identity]")
    assert "欧**" in identity
    assert "139****5678" in identity
    assert_fits_and_reads(page, say)
    opened = BreakGlass.objects.get()
    assert opened.grant.grantee == head_b
    assert opened.reason_code == "customer_emergency"

    reviewer = signed_in(officer, locale=say.locale, width=width)
    _go(reviewer, live_server, "/requests/break-glass/reviews/")
    row = reviewer.locator("[data-testid=break-glass-reviews] tbody tr", has_text="赵磊")
    assert "客户报警称房屋漏水" in row.inner_text()
    assert_fits_and_reads(reviewer, say)
    row.get_by_role("radio", name=say("合理", "Justified"), exact=True).check()
    row.get_by_label(say("审查意见", "Review note")).fill("已核实业主报警记录，使用合理")
    row.get_by_role("button", name=say("完成审查", "Close the review")).click()
    assert say("审查已完成。", "Review closed.") in messages(reviewer)
    assert say("暂无待办事项。", "Nothing is waiting for you.") in reviewer.inner_text(
        "[data-testid=break-glass-reviews]"
    )
    assert_fits_and_reads(reviewer, say)

    opened.refresh_from_db()
    assert opened.state == BreakGlass.State.REVIEWED
    assert opened.outcome == BreakGlass.Outcome.JUSTIFIED
    assert opened.reviewed_by == officer
    assert page.goto(f"{live_server.url}/records/{record.pk}/").status in (403, 404)
    unexpected = [e for e in page.console_errors if "status of 40" not in e]
    assert unexpected == []
    assert reviewer.console_errors == []


@on_every_screen
def test_r70_a_file_opened_by_emergency_access_says_so_not_that_it_is_on_loan(
    live_server, signed_in, width, say
):
    """R70, P5: whoever reads a file by emergency access must know, for the whole 30 minutes,
    that this is an emergency access that security officers review, not a loan."""
    head_b, _officer, record = _emergency_world()
    page = signed_in(head_b, locale=say.locale, width=width)
    _go(page, live_server, "/requests/break-glass/")
    _break_glass(page, record, say)
    page.reload()  # the one-time message is gone; the page itself must still say what this is
    shown = page.inner_text("main")
    assert say("紧急访问", "emergency access") in shown
    assert say("借阅", "loan") not in shown.lower()
    assert say("借阅", "borrow") not in shown.lower()
