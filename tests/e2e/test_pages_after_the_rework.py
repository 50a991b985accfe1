"""The pages the architecture step reworked (issue 15: one answer per page, the workflow engine,
the access review moved to access/) shown to the people who use them, in Chinese (the default)
and English, at desktop width and on a 390 px phone: each offers what its person may do now and
nothing else, with no console error. Screenshots go to var/screenshots/ for review."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from access.models import AccessRequest, Grant, ReviewItem, User
from disposal.models import DisposalBatch
from records.rights.models import SubjectRequest
from tests.helpers import client_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


def _pages() -> list[tuple[str, str, str, dict[str, str]]]:
    """(who, page, what shows the answer, that element's text by language)."""
    waiting = AccessRequest.objects.filter(kind="borrow", state="approved").first()
    out = AccessRequest.objects.filter(kind="borrow", state="fulfilled").first()
    loan = Grant.objects.active().filter(source_request__isnull=False).first()
    batch = DisposalBatch.objects.filter(state="proposed").first()
    asked = SubjectRequest.objects.filter(state="open").first()
    head = ReviewItem.objects.filter(decision="pending", reviewer_role="dept_head").first()
    assert all((waiting, out, loan, batch, asked, head)), "seed_demo changed"
    desk = {"zh": "办理借出", "en": "Hand out"}
    return [
        ("liu.yang", reverse("requests:detail", args=[waiting.pk]), "[data-testid=hand-out]", desk),
        ("liu.yang", reverse("requests:detail", args=[out.pk]), "[data-testid=take-back]",
         {"zh": "登记归还", "en": "Record the return"}),
        (loan.grantee.username, reverse("records:detail", args=[loan.record_id]),
         "[data-testid=loan-banner]", {"zh": "借阅", "en": "on loan"}),
        ("liu.yang", reverse("disposal:batch", args=[batch.pk]), "[data-testid=sign-archivist]",
         {"zh": "档案管理员", "en": "Sign as archivist"}),
        ("chen.jing", reverse("records:subject_request", args=[asked.pk]),
         "[data-testid=answer-button]", {"zh": "办理并答复", "en": "Carry out and answer"}),
        (User.objects.get(headed_departments=head.department).username,
         reverse("access:reviews"), "[data-testid=review-items]", {"zh": "", "en": ""}),
    ]  # fmt: skip


def test_reworked_pages_offer_each_person_their_actions_in_both_languages_on_any_screen(
    live_server, browser
):
    call_command("seed_demo", stdout=io.StringIO())
    shots = Path(settings.VAR_DIR) / "screenshots" / "rework"  # each CI leg its own
    shots.mkdir(parents=True, exist_ok=True)
    for who, path, answer, text in _pages():
        cookie = client_verified(User.objects.get(username=who)).cookies[
            settings.SESSION_COOKIE_NAME
        ]
        for language, locale in LANGUAGES.items():
            context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            for width_name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(live_server.url + path)
                assert response is not None, (who, path)
                assert response.status == 200, (who, path)
                shown = page.locator(answer)
                assert shown.count() == 1, (who, path, language)
                assert text[language] in shown.first.inner_text(), (who, path, language)
                lang = page.get_attribute("html", "lang")
                assert lang == ("zh-hans" if language == "zh" else "en"), (path, lang)
                name = f"{path.strip('/').replace('/', '_')}-{language}-{width_name}.png"
                page.screenshot(path=str(shots / name), full_page=True)
            assert errors == [], (who, path, language, errors)
            context.close()
