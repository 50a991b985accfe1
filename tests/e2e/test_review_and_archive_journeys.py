"""Browser journeys (issue 16 §10) for two checks the company runs on itself: the annual access
review (R72) and the paper archive's locations and inventory (R33, R85). Each runs in Chinese,
the default, and in English, at desktop width and on a 390 px phone, clicks the buttons people
click, and asserts what they would notice, then what the database keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from access import people, policy, reviews
from access.models import Department, Grant, ReviewCampaign, ReviewItem, User
from access.roles import Role
from audit.models import Incident
from records.models import InventoryCheck, PaperFile
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import bare_record, make_person, numbered, read_grant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _go(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    return response


def _review_world():
    """Sales-1 with its head and two salespeople, one of whom borrowed a file of sales-2; the
    security officer runs the review; management reviews the heads."""
    s1 = Department.objects.create(code="sales-1", name="销售一部")
    s2 = Department.objects.create(code="sales-2", name="销售二部")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=s1, full_name="王芳")
    people.set_head(s1, head)
    kept = make_person("zhang.wei", roles=[Role.SALES], department=s1, full_name="张伟")
    borrower = make_person("sun.li", roles=[Role.SALES], department=s1, full_name="孙丽")
    other = make_person("li.na", roles=[Role.SALES], department=s2, full_name="李娜")
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    make_person("zhou.jun", roles=[Role.MANAGEMENT], full_name="周军")
    keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")
    borrowed = numbered(bare_record(other, s2, tier=2), 7)
    grant = read_grant(borrower, borrowed, keeper, days=30)
    return head, kept, borrower, officer, borrowed, grant


def _open_review(page, live_server, say: Words) -> ReviewCampaign:
    """The security officer starts this year's review with a deadline two weeks ahead."""
    _go(page, live_server, "/accounts/reviews/")
    form = page.locator("[data-testid=campaign-form]")
    assert form.locator("input[name=name]").input_value() == say(
        "年度权限复核", "Annual access review"
    )
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    form.get_by_label(say("截止日期", "Deadline")).fill(deadline)
    form.get_by_role("button", name=say("发起审查", "Start the review")).click()
    page.wait_for_url("**/accounts/reviews/*/")
    return ReviewCampaign.objects.get()


@on_every_screen
def test_r72_access_review_is_opened_decided_by_the_head_and_closed_with_its_report(
    live_server, signed_in, width, say
):
    """R72 (P2): the information-security officer opens the annual access review; the
    department head finds her staff's roles and live grants waiting, keeps what their work
    needs, cannot revoke without a reason, and revokes a borrowed file's grant, which ends at
    once; the officer reads the report (progress per department, what was revoked, what is not
    yet reviewed) and closes the review, which freezes it."""
    head, _kept, borrower, officer, borrowed, grant = _review_world()
    assert policy.decide(borrower, "view", borrowed)

    security = signed_in(officer, locale=say.locale, width=width)
    _go(security, live_server, "/accounts/reviews/")
    assert_fits_and_reads(security, say)
    campaign = _open_review(security, live_server, say)
    assert say("权限复核已发起。", "The access review was opened.") in messages(security)
    assert security.inner_text("h1") == say("年度权限复核", "Annual access review")
    assert_fits_and_reads(security, say)

    # The head decides her department's items, each on its own row.
    deciding = signed_in(head, locale=say.locale, width=width)
    _go(deciding, live_server, "/accounts/reviews/")
    items = deciding.locator("[data-testid=review-items] tbody tr")
    assert items.count() == 3  # two roles, one grant: never her own
    assert_fits_and_reads(deciding, say)
    items.filter(has_text="张伟").get_by_role("button", name=say("保留", "Keep")).click()
    expect(items).to_have_count(2)  # decided: the row leaves the list
    assert say(
        "已保留：张伟 保留 角色 销售人员。", "Kept: 张伟 keeps the role Sales staff."
    ) in messages(deciding)
    items.filter(has_text="孙丽").filter(has_text=say("角色", "Role")).get_by_role(
        "button", name=say("保留", "Keep")
    ).click()
    expect(items).to_have_count(1)
    grant_row = items.filter(has_text=borrowed.archive_number)
    assert "孙丽" in grant_row.inner_text()
    assert say("授权", "Grant") in grant_row.inner_text()
    grant_row.get_by_role("link", name=say("撤销…", "Revoke…")).click()
    # The revocation has its own page: what it ends, and the reason it needs.
    deciding.wait_for_url("**/accounts/reviews/items/*/")
    consequences = deciding.inner_text("[data-testid=consequences]")
    assert (
        say("孙丽 从现在起不能再打开这份档案。", "孙丽 can no longer open this file, from now on.")
        in consequences
    )
    assert say("无法在复核中撤回", "cannot be undone from the review") in deciding.inner_text(
        "main"
    )
    assert_fits_and_reads(deciding, say)
    deciding.get_by_role("button", name=say("立即撤销", "Revoke now")).click()
    assert say("请说明撤销原因。", "Say why the access is revoked.") in deciding.inner_text(
        "[data-testid=revoke-form]"
    )
    assert policy.decide(borrower, "view", borrowed)  # nothing changed yet
    deciding.get_by_label(say("撤销原因", "Why it is revoked")).fill("借阅已无必要")
    deciding.get_by_role("button", name=say("立即撤销", "Revoke now")).click()
    deciding.wait_for_url("**/accounts/reviews/")
    number = borrowed.archive_number
    assert say(
        f"已撤销：孙丽 不再拥有 档案 {number}",
        f"Revoked: 孙丽 no longer has access to file {number}",
    ) in messages(deciding)
    assert deciding.locator("[data-testid=review-items]").count() == 0
    assert_fits_and_reads(deciding, say)
    assert not policy.decide(borrower, "view", borrowed)  # the revocation took effect at once

    # The officer reads the report and closes the review.
    _go(security, live_server, f"/accounts/reviews/{campaign.pk}/")
    progress = security.locator("[data-testid=review-progress] tbody tr", has_text="销售一部")
    # Four items: the head's own role waits for management, her three decisions are in.
    assert progress.locator("td").all_inner_texts() == ["销售一部", "4", "3", "1", "75"]
    revoked = security.locator("table", has_text="借阅已无必要")
    assert "孙丽" in revoked.inner_text()
    assert "王芳" in revoked.inner_text()
    assert say("未复核", "Not reviewed") in security.inner_text("main")
    assert_fits_and_reads(security, say)
    # One item (the head's own role) is still open: closing asks for a deliberate tick first.
    security.check("[data-testid=understood]")
    security.get_by_role(
        "button", name=say("结束复核并固定报告", "Close the review and freeze the report")
    ).click()
    security.wait_for_url(f"**/accounts/reviews/{campaign.pk}/")
    assert say("已关闭", "Closed") in security.inner_text("main")
    assert (
        security.get_by_role(
            "button", name=say("结束复核并固定报告", "Close the review and freeze the report")
        ).count()
        == 0
    )
    _go(security, live_server, "/accounts/reviews/")
    listed = security.locator("tbody tr", has_text=say("年度权限复核", "Annual access review"))
    assert say("已关闭", "Closed") in listed.inner_text()
    assert_fits_and_reads(security, say)

    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    decided = {(i.person.username, i.kind): i.decision for i in campaign.items.exclude(
        decision=ReviewItem.Decision.PENDING)}  # fmt: skip
    assert decided == {
        ("zhang.wei", "role"): ReviewItem.Decision.CONFIRMED,
        ("sun.li", "role"): ReviewItem.Decision.CONFIRMED,
        ("sun.li", "grant"): ReviewItem.Decision.REVOKED,
    }
    assert not Grant.objects.active().filter(pk=grant.pk).exists()
    assert borrower.groups.filter(name=Role.SALES.value).exists()  # kept
    assert security.console_errors == []
    assert deciding.console_errors == []


@on_every_screen
def test_r72_management_finds_the_heads_on_its_to_do_list_and_keeps_their_roles(
    live_server, signed_in, width, say
):
    """R72, management's part: the heads (and people outside a headed department) are reviewed
    by management. The manager's home page lists the decisions waiting with their deadline;
    the review page shows only those people; keeping one says so and takes it off the list."""
    _head, _kept, _borrower, officer, _borrowed, _grant = _review_world()
    deadline = timezone.localdate() + timedelta(days=14)
    reviews.open_campaign(officer, "年度权限复核", deadline)
    manager = signed_in(User.objects.get(username="zhou.jun"), locale=say.locale, width=width)
    _go(manager, live_server, "/")
    waiting = manager.locator("[data-testid=to-do] [data-todo=access_reviews]")
    assert say("权限复核", "Access reviews") in waiting.inner_text()
    listed = manager.inner_text("[data-testid=to-do]")
    assert say("由您复核的人员", "the people you review") in listed
    assert deadline.isoformat() in listed
    assert_fits_and_reads(manager, say)
    waiting.click()
    manager.wait_for_url("**/accounts/reviews/")
    items = manager.locator("[data-testid=review-items] tbody tr")
    names = " ".join(items.all_inner_texts())
    assert "王芳" in names  # the head
    assert "张伟" not in names  # her staff are hers to review, not management's
    assert "周军" not in names  # never one's own
    assert_fits_and_reads(manager, say)
    before = items.count()
    items.filter(has_text="王芳").get_by_role("button", name=say("保留", "Keep")).click()
    said = say("已保留：王芳 保留 角色 部门负责人。", "Kept: 王芳 keeps the role Department head.")
    assert said in messages(manager)
    expect(items).to_have_count(before - 1)
    assert_fits_and_reads(manager, say)
    decided = ReviewItem.objects.get(person__username="wang.fang", kind="role")
    assert decided.decision == ReviewItem.Decision.CONFIRMED
    assert decided.decided_by.username == "zhou.jun"
    assert manager.console_errors == []


@on_every_screen
def test_r72_closing_a_review_with_items_unreviewed_asks_for_a_confirmation_first(
    live_server, signed_in, width, say
):
    """R72, issue 16 §6: closing freezes the review for good (no item can be decided after);
    with items not yet reviewed the officer must be told how many and confirm before it
    happens, as before any step that cannot be undone."""
    _head, _kept, _borrower, officer, _borrowed, _grant = _review_world()
    security = signed_in(officer, locale=say.locale, width=width)
    campaign = _open_review(security, live_server, say)
    unreviewed = campaign.items.count()
    asked: list[str] = []  # a confirmation in a dialog counts too (it is dismissed here)
    security.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    security.get_by_role(
        "button", name=say("结束复核并固定报告", "Close the review and freeze the report")
    ).click()
    security.wait_for_load_state()
    campaign.refresh_from_db()
    assert campaign.closed_at is None  # one click does not close it
    assert str(unreviewed) in " ".join([*asked, security.inner_text("main")])


def _paper_world():
    """An approved, numbered file of sales-1 without a paper location yet, and the archivist."""
    dept = Department.objects.create(code="sales-1", name="销售一部")
    owner = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    keeper = make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")
    make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    return keeper, numbered(bare_record(owner, dept, tier=2), 3)


@on_every_screen
def test_r33_archivist_places_a_paper_folder_and_records_found_and_missing_checks(
    live_server, signed_in, width, say
):
    """R33, R85, R15: the archivist finds the file among those without a location in the
    archive catalogue, registers its room, cabinet, shelf and custodian, then records an
    inventory check that found it, and one that did not: missing needs a note, and is
    reported to the information-security officer as a loss."""
    keeper, record = _paper_world()
    page = signed_in(keeper, locale=say.locale, width=width)
    _go(page, live_server, "/records/archive/")
    search = page.locator("[data-testid=catalogue-search]")
    search.get_by_label(say("纸质档案", "Paper folder")).select_option(
        label=say("尚未登记位置", "Not yet placed")
    )
    search.get_by_role("button", name=say("检索", "Search")).click()
    page.wait_for_url("**/records/archive/?*placed=no*")
    assert say("找到 1 份档案。", "1 file found.") in page.inner_text(
        "[data-testid=catalogue-count]"
    )
    assert_fits_and_reads(page, say)
    page.locator("[data-testid=catalogue]").get_by_role("link", name=record.archive_number).click()
    page.wait_for_url(f"**/records/{record.pk}/paper/")
    assert page.inner_text("[data-testid=location]") == say("尚未登记位置", "not yet placed")
    assert (
        page.get_by_role("button", name=say("记录盘点结果", "Record the check")).count() == 0
    )  # nothing to check yet
    assert_fits_and_reads(page, say)

    page.get_by_label(say("档案室", "Archive room")).fill("档案室A")
    page.get_by_label(say("档案柜", "Cabinet")).fill("3号柜")
    page.get_by_label(say("层架", "Shelf")).fill("第2层")
    assert (
        page.get_by_label(say("保管人", "Custodian")).locator("option:checked").inner_text()
        == "刘洋"
    )
    page.get_by_role("button", name=say("保存位置", "Save location")).click()
    assert say("存放位置已保存。", "Location saved.") in messages(page)
    assert page.inner_text("[data-testid=location]") == "档案室A / 3号柜 / 第2层 · 刘洋"
    assert_fits_and_reads(page, say)

    page.get_by_role("radio", name=say("在位完好", "Found intact")).check()
    page.get_by_role("button", name=say("记录盘点结果", "Record the check")).click()
    assert say("盘点结果已记录。", "Inventory check recorded.") in messages(page)
    checks = page.locator("table", has_text=say("在位完好", "Found intact"))
    assert "刘洋" in checks.inner_text()

    page.get_by_role("radio", name=say("缺失", "Missing")).check()
    page.get_by_role("button", name=say("记录盘点结果", "Record the check")).click()
    assert say(
        "请说明发现的情况，用于事件报告。", "Say what you found, for the incident report."
    ) in page.inner_text("main")
    assert InventoryCheck.objects.count() == 1  # refused: nothing recorded
    page.get_by_label(say("备注", "Note")).fill("柜内未找到，借阅登记无记录")
    page.get_by_role("button", name=say("记录盘点结果", "Record the check")).click()
    assert say(
        "盘点结果已记录，并已报告信息安全负责人。",
        "Inventory check recorded and reported to the security officer.",
    ) in messages(page)
    rows = page.locator("table tbody tr", has_text=say("缺失", "Missing"))
    assert "柜内未找到，借阅登记无记录" in rows.inner_text()
    assert_fits_and_reads(page, say)

    # Found again by where it now stands.
    _go(page, live_server, "/records/archive/")
    search.get_by_label(say("档案柜", "Cabinet")).fill("3号柜")
    search.get_by_role("button", name=say("检索", "Search")).click()
    page.wait_for_url("**/records/archive/?*")
    listed = page.locator("[data-testid=catalogue] tr", has_text=record.archive_number)
    assert "档案室A / 3号柜 / 第2层" in listed.inner_text()
    assert_fits_and_reads(page, say)

    folder = PaperFile.objects.get(record=record)
    assert (folder.room, folder.cabinet, folder.shelf, folder.custodian) == (
        "档案室A", "3号柜", "第2层", keeper,
    )  # fmt: skip
    results = list(folder.checks.order_by("checked_at").values_list("result", "note"))
    assert results == [("found", ""), ("missing", "柜内未找到，借阅登记无记录")]
    loss = Incident.objects.get()
    assert loss.kind == Incident.Kind.LOSS
    assert loss.archive_numbers == [record.archive_number]
    # The refused check answered 400 (the form with its error): meant; nothing else may fail.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
