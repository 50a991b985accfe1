"""Issue 16 §1: a pre-filled form, posted unchanged in Chinese (the default), is accepted.

The Chinese date format (``2026/12/01``) once reached ``<input type="date">``, which drops any
value that is not ISO: the field showed empty and "这个字段是必填项。" came back, so a returned file
could not be saved as it was. These journeys do what the salesperson does, in both languages, at
desktop width and on a 390 px phone: open the form, change nothing, save."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access.models import User
from records.models import CustomerRecord, RecordStatus
from tests.e2e.journey_checks import SCREENS
from tests.helpers import client_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOCALES = {"zh": "zh-CN", "en": "en-US"}
SAVED = {"zh": "已保存为草稿", "en": "Saved as a draft"}
OUTCOME = {"zh": "业务结果已登记", "en": "Outcome recorded"}


def _page(browser, live_server, username: str, locale: str, width: int):
    cookie = client_verified(User.objects.get(username=username)).cookies[
        settings.SESSION_COOKIE_NAME
    ]
    context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


def test_r16_a_returned_file_and_an_outcome_save_unchanged_in_both_languages_on_any_screen(
    live_server, browser
):
    call_command("seed_demo", stdout=io.StringIO())
    returned = CustomerRecord.objects.get(status=RecordStatus.RETURNED)
    acquired = returned.acquired_at
    for language, locale in LOCALES.items():
        for screen, width in SCREENS.items():
            where = (language, screen)
            page = _page(browser, live_server, "zhang.wei", locale, width)
            page.goto(live_server.url + reverse("records:edit", args=[returned.pk]))
            shown = page.input_value("input[name=acquired_at]")
            assert shown == acquired.isoformat(), where
            assert page.input_value("input[name=consent_obtained_at]"), where
            page.click("[data-testid=save-draft]")
            page.wait_for_selector(".messages", timeout=10_000)
            assert SAVED[language] in page.inner_text(".messages"), where
            assert "/edit/" not in page.url, where
            returned.refresh_from_db()
            assert returned.acquired_at == acquired, where

            # The outcome form carries the contract end it was given, and saves as it is.
            page.goto(live_server.url + reverse("records:detail", args=[_approved().pk]))
            page.select_option("[data-testid=outcome-form] select[name=outcome]", "deal_closed")
            page.fill("[data-testid=outcome-form] input[name=contract_ended_on]", "2026-06-30")
            page.click("[data-testid=outcome-form] button[type=submit]")
            page.wait_for_selector(".messages", timeout=10_000)
            assert OUTCOME[language] in page.inner_text(".messages"), where
            kept = page.input_value("[data-testid=outcome-form] input[name=contract_ended_on]")
            assert kept == "2026-06-30", where
            page.click("[data-testid=outcome-form] button[type=submit]")
            page.wait_for_selector(".messages", timeout=10_000)
            assert OUTCOME[language] in page.inner_text(".messages"), where
            page.context.close()


def test_r16_the_dates_a_new_file_starts_with_survive_a_save_in_chinese(live_server, browser):
    """The intake form starts with today as the day the information and the consent were
    obtained; in Chinese those dates must still be there when the salesperson saves."""
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate().isoformat()
    page = _page(browser, live_server, "zhang.wei", LOCALES["zh"], SCREENS["phone"])
    page.goto(live_server.url + reverse("records:new"))
    assert page.input_value("input[name=acquired_at]") == today
    assert page.input_value("input[name=consent_obtained_at]") == today
    page.context.close()


def _approved() -> CustomerRecord:
    return (
        CustomerRecord.objects.filter(status=RecordStatus.APPROVED, handler__username="zhang.wei")
        .order_by("created_at")
        .first()
    )


def test_r16_other_prefilled_forms_save_unchanged_in_chinese_on_any_screen(live_server, browser):
    """An external party with its NDA dates, a retention policy opened for a change, and the
    breach kit's time window: each opened, left as it is, and submitted, in Chinese."""
    from access.models import ExternalParty
    from audit.models import Incident
    from disposal.models import RetentionPolicy

    call_command("seed_demo", stdout=io.StringIO())
    party = ExternalParty.objects.exclude(nda_signed_on=None).first()
    assert party is not None, "seed_demo changed"
    incident = Incident.objects.first()
    assert incident is not None, "seed_demo changed"
    for screen, width in SCREENS.items():
        legal = _page(browser, live_server, "huang.qiang", LOCALES["zh"], width)
        legal.goto(live_server.url + reverse("requests:party_edit", args=[party.pk]))
        assert legal.input_value("input[name=nda_signed_on]") == party.nda_signed_on.isoformat()
        legal.click("[data-testid=party-form] button[type=submit]")
        legal.wait_for_selector(".messages", timeout=10_000)
        assert "/parties/" in legal.url, screen
        assert legal.locator(".errorlist").count() == 0, screen
        party.refresh_from_db()
        versions = RetentionPolicy.objects.filter(code="deal-closed").count()
        legal.goto(live_server.url + reverse("disposal:policies") + "?code=deal-closed")
        legal.click("#policy-form button[type=submit]")
        legal.wait_for_selector(".messages", timeout=10_000)
        assert legal.locator(".errorlist").count() == 0, screen
        assert "未作任何修改" in legal.inner_text(".messages"), screen
        assert RetentionPolicy.objects.filter(code="deal-closed").count() == versions
        legal.context.close()

        officer = _page(browser, live_server, "chen.jing", LOCALES["zh"], width)
        officer.goto(live_server.url + reverse("records:breach", args=[incident.pk]))
        since = officer.input_value("input[name=since]")
        assert since, screen  # the window starts a week before the incident, pre-filled
        officer.select_option("select[name=actors]", index=0)
        officer.click("[data-testid=breach-form] button[type=submit]")
        officer.wait_for_selector("[data-testid=affected]", timeout=10_000)
        assert officer.input_value("input[name=since]") == since, screen
        officer.context.close()
