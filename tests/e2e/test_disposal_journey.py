"""Browser journey (issue 6, R60/R61): a batch the sweep proposed and the head signed; the
archivist signs, destroys the files and downloads the destruction certificate. It runs in
Chinese and in English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from disposal import batches, sweep
from disposal.models import DisposalBatch
from records import paper
from tests.e2e.journey_checks import (
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.e2e.test_record_journey import _sign_in
from tests.factories import approved, build_world, make_due
from tests.helpers import give_authenticator, sign_current_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r61_archivist_signs_executes_and_downloads_the_certificate(
    width, say, live_server, browser, console_errors, tmp_path
):
    world = build_world()
    record = make_due(
        approved(world.sales, world.head, {"full_name": "欧阳晓梅", "mobile": "13912345678"})
    )
    sweep.propose_due()
    batch = DisposalBatch.objects.get()
    batches.sign(world.head, batch, "head")
    device = give_authenticator(world.keeper)
    sign_current_agreement(world.keeper)

    page = browser.new_context(
        viewport={"width": width, "height": 900},
        locale=say.locale,
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    ).new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server.url, world.keeper, device, "/")
    assert page.inner_text("[data-testid=count-disposal]") == "1"
    assert_fits_and_reads(page, say)
    page.goto(f"{live_server.url}/disposal/")
    assert_fits_and_reads(page, say)
    page.click(f"[data-testid=batches] a:has-text('{batch.number}')")
    page.wait_for_selector("[data-testid=sign-archivist]")
    assert_fits_and_reads(page, say)
    page.click("[data-testid=sign-archivist]")
    assert page.inner_text("[data-testid=batch-state]") == say("已批准", "Approved")
    assert_fits_and_reads(page, say)
    # Destruction cannot be undone: a confirmation page says what will happen first (issue 16 §6).
    page.click("[data-testid=execute]")
    consequences = page.inner_text("[data-testid=consequences]")
    assert say("将销毁 1 份档案", "1 file will be destroyed") in consequences
    assert say("销毁不可撤销", "cannot be undone") in page.inner_text("main")
    assert_fits_and_reads(page, say)
    page.click("[data-testid=confirm-execute]")  # without ticking the box: refused, kept
    assert say("请先勾选确认", "Tick the box") in page.inner_text(".messages")
    record.refresh_from_db()
    assert record.status != "destroyed"
    page.check("[data-testid=understood]")
    page.click("[data-testid=confirm-execute]")
    assert page.inner_text("[data-testid=batch-state]") == say("已销毁", "Destroyed")
    assert_fits_and_reads(page, say)
    with page.expect_download() as info:
        page.click("[data-testid=certificate]")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "客户档案销毁证明" in text
    assert record.archive_number in text
    record.refresh_from_db()
    assert record.status == "destroyed"
    assert console_errors == []


@on_every_screen
def test_r61_recording_a_paper_shredding_first_says_what_it_makes_final(
    width, say, live_server, signed_in
):
    """Issue 16 §6: after the files are destroyed, the archivist records that the paper folder
    was shredded before a witness. That entry is final (it goes into the certificate), so it
    first shows the folder, the witness and what it makes final; going back records nothing."""
    world = build_world()
    record = make_due(
        approved(world.sales, world.head, {"full_name": "欧阳晓梅", "mobile": "13912345678"})
    )
    paper.register_location(
        world.keeper, record, room="档案室A", cabinet="1", shelf="2", custodian=world.keeper
    )
    sweep.propose_due()
    batch = DisposalBatch.objects.get()
    batches.sign(world.head, batch, "head")
    batches.sign(world.keeper2, batch, "archivist")
    batches.execute(world.keeper2, batch)

    page = signed_in(world.keeper, locale=say.locale, width=width)
    page.goto(f"{live_server.url}/disposal/batches/{batch.pk}/")
    item = batch.items.get()
    shred = page.locator(f"[data-testid=shred-{item.pk}]")
    shredded = say("已在该见证人面前粉碎", "Shredded before this witness")
    shred.locator("select[name=witness]").select_option(label=str(world.keeper2))
    shred.get_by_role("button", name=shredded).click()
    final = page.locator("[data-testid=shred-confirm]")
    assert say("不可更改", "The entry is final") in final.inner_text()
    assert record.archive_number in page.inner_text("main")
    assert str(world.keeper2) in page.inner_text("main")
    assert_fits_and_reads(page, say)
    page.get_by_role("link", name=say("返回，不做任何操作", "Back, do nothing")).click()
    page.wait_for_url(f"**/disposal/batches/{batch.pk}/")
    item.refresh_from_db()
    assert item.paper_shredded_at is None  # going back recorded nothing

    shred.locator("select[name=witness]").select_option(label=str(world.keeper2))
    shred.get_by_role("button", name=shredded).click()
    page.click("[data-testid=confirm-shredded]")
    page.wait_for_url(f"**/disposal/batches/{batch.pk}/")
    assert say("粉碎已登记。", "Shredding recorded.") in messages(page)
    assert page.locator("[data-testid=certificate]").count() == 1  # the certificate follows
    assert_fits_and_reads(page, say)
    item.refresh_from_db()
    assert item.paper_witness == world.keeper2
    assert page.console_errors == []
