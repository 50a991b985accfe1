"""The legal department's journey (issue 16 §10 and its bar: every role's journeys): a design
studio is registered with its signed NDA so that files may later be provided to it (R52), and a
legal hold is placed on a file for a dispute and released when the case ends (R60's exception).
It runs in Chinese and English, at desktop width and on a 390 px phone, and asserts what the
legal officer would notice, then what the database keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import Department, ExternalParty
from access.roles import Role
from disposal.models import LegalHold
from tests.e2e.journey_checks import (
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import PDF, bare_record, make_person, numbered

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r52_r60_legal_registers_a_partner_with_its_nda_and_holds_a_file_for_a_case(
    live_server, signed_in, tmp_path, width, say
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    seller = make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    disputed = numbered(bare_record(seller, dept, tier=2), 12)
    lawyer = make_person("huang.qiang", roles=[Role.LEGAL], full_name="黄强")
    page = signed_in(lawyer, locale=say.locale, width=width)

    # A new partner, with the NDA the studio signed last week.
    page.goto(live_server.url + "/requests/parties/")
    assert_fits_and_reads(page, say)
    page.get_by_role("link", name=say("新建外部单位", "New external party")).click()
    page.wait_for_url("**/requests/parties/new/")
    form = page.locator("[data-testid=party-form]")
    form.locator("input[name=name]").fill("北京匠心设计工作室")
    form.locator("select[name=kind]").select_option("design_team")
    form.locator("input[name=contact_name]").fill("刘设计")
    signed = timezone.localdate() - timedelta(days=7)
    form.locator("input[name=nda_signed_on]").fill(signed.isoformat())
    form.locator("input[name=nda_expires_on]").fill((signed + timedelta(days=365)).isoformat())
    scan = tmp_path / "nda.pdf"
    scan.write_bytes(PDF)
    form.locator("input[name=nda_document]").set_input_files(str(scan))
    assert_fits_and_reads(page, say)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/requests/parties/")
    assert say("已保存。", "Saved.") in messages(page)
    row = page.locator("[data-testid=parties] tbody tr", has_text="北京匠心设计工作室")
    assert say("设计团队", "Design team") in row.inner_text()
    assert (signed + timedelta(days=365)).isoformat() in row.inner_text()
    assert_fits_and_reads(page, say)
    party = ExternalParty.objects.get(name="北京匠心设计工作室")
    assert party.nda_valid
    assert party.nda_document

    # A dispute: the file is held, whatever its retention says.
    page.goto(live_server.url + "/disposal/holds/")
    assert_fits_and_reads(page, say)
    hold_form = page.locator("[data-testid=hold-form]")
    hold_form.locator("textarea[name=numbers]").fill(disputed.archive_number)
    hold_form.locator("input[name=reference]").fill("(2026)京0105民初1234号")
    hold_form.locator("input[name=reason]").fill("客户合同纠纷，法院立案")
    hold_form.get_by_role("button", name=say("设置保全", "Place the hold")).click()
    page.wait_for_url("**/disposal/holds/")
    placed = say(
        "已对 1 份档案设置保全 (2026)京0105民初1234号。",
        "Hold (2026)京0105民初1234号 placed on 1 file.",
    )
    assert placed in messages(page)
    held = page.locator("[data-testid=holds] tbody tr", has_text="京0105民初1234号")
    assert disputed.archive_number in held.inner_text()
    assert_fits_and_reads(page, say)
    hold = LegalHold.objects.get()
    assert list(hold.records.all()) == [disputed]
    assert hold.released_at is None

    # The case is closed: the hold is released with the reason.
    held.get_by_placeholder(say("解除原因", "Why released")).fill("案件已结案")
    held.get_by_role("button", name=say("解除", "Release")).click()
    page.wait_for_url("**/disposal/holds/")
    assert say("保全已解除。", "The hold was released.") in messages(page)
    assert "案件已结案" in page.locator("[data-testid=holds] tbody tr").first.inner_text()
    assert_fits_and_reads(page, say)
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert page.console_errors == []
