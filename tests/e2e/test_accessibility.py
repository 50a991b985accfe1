"""Issue 16 §8: axe-core finds no serious or critical violation on any main page of any role, in
Chinese at desktop width and on a 390 px phone, and in English on the phone.

The axe script is the one axe-playwright-python ships (no download). A page is every entry of
the person's menu plus their to-do page, as the demo leaves them."""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from access.models import AccessRequest, User
from access.shell import navigation_for
from disposal.models import DisposalBatch
from records.models import CustomerRecord, RecordStatus
from records.rights.models import SubjectRequest
from tests.e2e.journey_checks import SCREENS
from tests.helpers import client_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = ["zhang.wei", "wang.fang", "liu.yang", "chen.jing", "yang.min", "huang.qiang", "zhou.jun"]
LOCALES = {"zh": "zh-CN", "en": "en-US"}
# As the journeys (journey_checks.on_every_screen): Chinese at both widths, English on the phone.
CHECKED = {("zh", "desktop"), ("zh", "phone"), ("en", "phone")}
BLOCKING = {"serious", "critical"}


def _work_pages() -> dict[str, list[str]]:
    """The pages each person works on beyond their menu: a file, a form, a decision."""
    approved = CustomerRecord.objects.filter(status=RecordStatus.APPROVED).first()
    returned = CustomerRecord.objects.filter(status=RecordStatus.RETURNED).first()
    waiting = CustomerRecord.objects.filter(
        status=RecordStatus.SUBMITTED, department__code="sales-1"
    ).first()
    copy = AccessRequest.objects.filter(kind="copy", requester__username="zhang.wei").first()
    loan = AccessRequest.objects.filter(kind="borrow", state="fulfilled").first()
    batch = DisposalBatch.objects.first()
    asked = SubjectRequest.objects.first()
    assert all((approved, returned, waiting, copy, loan, batch, asked)), "seed_demo changed"
    return {
        "zhang.wei": [
            reverse("records:detail", args=[approved.pk]),
            reverse("records:new"),
            reverse("records:edit", args=[returned.pk]),
            reverse("requests:detail", args=[copy.pk]),
        ],
        "wang.fang": [reverse("records:detail", args=[waiting.pk])],
        "liu.yang": [
            reverse("requests:detail", args=[loan.pk]),
            reverse("disposal:batch", args=[batch.pk]),
        ],
        "chen.jing": [reverse("records:subject_request", args=[asked.pk])],
    }


def test_r16_no_serious_accessibility_violation_on_any_main_page(live_server, browser):
    call_command("seed_demo", stdout=io.StringIO())
    axe = Axe()
    found: list[str] = []
    work = _work_pages()
    for username in PEOPLE:
        person = User.objects.get(username=username)
        pages = ["/"] + [reverse(item.url_name) for item in navigation_for(person)]
        pages += work.get(username, [])
        cookie = client_verified(person).cookies[settings.SESSION_COOKIE_NAME]
        for language, locale in LOCALES.items():
            context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai")
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
            page = context.new_page()
            for screen, width in SCREENS.items():
                if (language, screen) not in CHECKED:
                    continue
                page.set_viewport_size({"width": width, "height": 900})
                for path in pages:
                    response = page.goto(live_server.url + path)
                    assert response is not None, (username, path)
                    assert response.status == 200, (username, path)
                    results = axe.run(page)
                    for violation in results.response["violations"]:
                        if violation["impact"] in BLOCKING:
                            targets = [n["target"] for n in violation["nodes"]][:3]
                            found.append(
                                f"{username} {path} {language} {screen}: {violation['id']} "
                                f"({violation['impact']}) {targets}"
                            )
            context.close()
    assert found == [], "\n".join(found)
