"""R80 (issue 19 §5) in a browser: the security officer opens the training register from the
menu, sees who is due (new staff first), records a session with its attendees, and the people
trained leave the due list. In Chinese and English, at desktop width and at 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from access.models import TrainingSession
from tests.e2e.journey_checks import (
    Words,
    assert_fits_and_reads,
    messages,
    on_every_screen,
)
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_r80_the_officer_records_a_training_session(live_server, signed_in, width, say: Words):
    world = build_world()
    page = signed_in(world.officer, locale=say.locale, width=width)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=say("保密培训", "Confidentiality training")).first.click()
    page.wait_for_url("**/accounts/training/")
    due = page.inner_text("[data-testid=training-due]")
    assert "张伟" in due
    assert say("从未参加（新员工）", "never (new staff)") in due
    assert_fits_and_reads(page, say)

    form = page.locator("[data-testid=record-session]")
    # A date to come is refused with the reason, and what was typed stays.
    form.get_by_label(say("举办日期", "Held on")).fill(
        (timezone.localdate() + timedelta(days=2)).isoformat()
    )
    form.get_by_label(say("主题", "Topic")).fill("客户信息保密与个人信息保护法")
    form.get_by_label(say("培训人", "Trainer")).fill("陈静")
    form.get_by_label("张伟").check()
    form.get_by_role("button", name=say("登记培训", "Record the session")).click()
    form = page.locator("[data-testid=record-session]")
    assert say("该日期尚未到来", "This date lies in the future") in form.inner_text()
    expect(form.get_by_label("张伟")).to_be_checked()
    assert form.get_by_label(say("主题", "Topic")).input_value() == "客户信息保密与个人信息保护法"
    assert not TrainingSession.objects.exists()

    form.get_by_label(say("举办日期", "Held on")).fill(timezone.localdate().isoformat())
    form.get_by_label("王芳").check()
    form.get_by_role("button", name=say("登记培训", "Record the session")).click()
    page.wait_for_url("**/accounts/training/*/")
    assert say("培训已登记", "The session is recorded") in messages(page)
    attendees = page.inner_text("[data-testid=attendees]")
    assert "张伟" in attendees
    assert "王芳" in attendees
    assert_fits_and_reads(page, say)

    page.get_by_role("link", name=say("保密培训", "Confidentiality training")).first.click()
    due = page.inner_text("[data-testid=training-due]")
    assert "张伟" not in due
    assert "刘洋" in due
