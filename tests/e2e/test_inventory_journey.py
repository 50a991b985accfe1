"""Issue 19 §2's bar, in a browser: the archivist plans an inventory round for a room, works
through it on a 390 px phone (and at desktop width) typing the folders' numbers, gets a clear
refusal for a folder recorded twice, closes the round after the confirmation with one folder
never found, and that folder becomes an incident. In Chinese and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from audit.models import Incident
from records import paper
from records.inventory.models import InventoryRound, RoundStatus
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import approved, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r33_r85_archivist_works_an_inventory_round_and_a_missing_folder_is_reported(
    live_server, signed_in, width, say: Words
):
    world = build_world()
    numbers = []
    for shelf in range(1, 5):
        record = approved(world.sales, world.head)
        paper.register_location(
            world.keeper, record, room="档案室A", cabinet="03", shelf=str(shelf),
            custodian=world.keeper,
        )  # fmt: skip
        numbers.append(record.archive_number)

    page = signed_in(world.keeper, locale=say.locale, width=width)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=say("档案盘点", "Inventory rounds")).first.click()
    page.wait_for_url("**/records/inventory/")
    assert say("过去十二个月没有盘点", "No round was held in the last twelve months") in (
        page.inner_text("[data-testid=yearly-due]")
    )
    assert_fits_and_reads(page, say)
    plan = page.locator("[data-testid=plan-round]")
    plan.get_by_label(say("盘点名称", "Name of the round")).fill("2026 年度盘点")
    plan.get_by_label("档案室A").check()
    plan.get_by_role("button", name=say("计划盘点", "Plan the round")).click()
    page.wait_for_url("**/records/inventory/*/")
    assert say("0 / 4", "0 of 4") in page.inner_text("[data-testid=round-count]")
    assert_fits_and_reads(page, say)

    def record(number: str, result: str | None = None, note: str = "") -> None:
        form = page.locator("[data-testid=record-folder]")
        form.get_by_label(say("档案编号", "Archive number")).fill(number)
        if result:
            form.get_by_label(result).check()
        if note:
            form.get_by_label(say("备注", "Note")).fill(note)
        form.get_by_role("button", name=say("记录", "Record")).click()

    record(numbers[0])
    assert say(f"{numbers[0]}：完好。", f"{numbers[0]}: found intact.") in messages(page)
    record(numbers[1], say("损坏", "Damaged"), "封面受潮")
    assert say("已报告信息安全负责人", "reported to the security officer") in messages(page)
    record(numbers[2])
    record(numbers[0])  # scanned twice
    refusal = page.inner_text("[data-testid=record-folder]")
    assert say("已记录过", "was already recorded") in refusal
    assert say("3 / 4", "3 of 4") in page.inner_text("[data-testid=round-count]")
    expect(page.locator("[data-testid=due-place]")).to_have_count(1)
    assert_fits_and_reads(page, say)

    # Closing says what it will record, and records it only when confirmed.
    page.get_by_role("link", name=say("结束盘点…", "Close the round…")).click()
    page.wait_for_url("**/close/")
    assert numbers[3] in page.inner_text("[data-testid=close-missing]")
    assert say("登记为缺失", "records it as missing") in page.inner_text(
        "[data-testid=close-consequences]"
    )
    assert_fits_and_reads(page, say)
    assert InventoryRound.objects.get().status == RoundStatus.OPEN
    page.get_by_role("button", name=say("立即结束盘点", "Close the round now")).click()
    page.wait_for_url("**/records/inventory/*/")
    assert say("1 卷未找到的档案已登记为缺失", "1 folder not found was recorded as missing") in (
        messages(page)
    )
    assert InventoryRound.objects.get().status == RoundStatus.CLOSED
    assert [numbers[3] in i.archive_numbers for i in Incident.objects.order_by("id")] == [
        False,
        True,
    ]
    pdf = page.get_attribute("[data-testid=round-pdf]", "href")
    response = page.request.get(live_server.url + pdf)
    assert response.body().startswith(b"%PDF")
