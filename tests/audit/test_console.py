"""R70: the auditor console: who may use it, filters, keyset pages, history, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import audit
from access.roles import Role
from audit.anchors import write_anchor
from audit.chain import seal_pending
from audit.models import AuditEvent, Incident, VerificationRun
from audit.tasks import verify
from config.celery import app as celery_app
from tests.factories import make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db

EVENTS = reverse("audit:events")


@pytest.mark.parametrize(
    ("roles", "staff", "superuser"),
    [
        ([Role.SALES], False, False),
        ([Role.DEPT_HEAD], False, False),
        ([Role.ARCHIVIST], False, False),
        ([Role.LEGAL], False, False),
        ([Role.MANAGEMENT], False, False),
        ([], True, True),
    ],
    ids=["sales", "dept_head", "archivist", "legal", "management", "superuser-without-role"],
)
def test_r70_console_refuses_everyone_but_auditors_and_security_officers(roles, staff, superuser):
    person = make_person("someone", roles=roles, is_staff=staff, is_superuser=superuser)
    client = client_verified(person)
    for name in ("audit:events", "audit:chain", "audit:export"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
    denied = AuditEvent.objects.filter(action="access.denied", actor_id=person.pk)
    assert {e.details["url_name"] for e in denied} == {
        "audit:events",
        "audit:chain",
        "audit:export",
    }


def test_r70_auditor_and_security_officer_can_use_the_console(auditor, officer):
    for person in (auditor, officer):
        client = client_verified(person)
        assert client.get(EVENTS).status_code == 200
        assert client.get(reverse("audit:chain")).status_code == 200


def test_r70_console_views_are_themselves_audited(auditor):
    client = client_verified(auditor)
    client.get(EVENTS, {"action": "auth.sign_in"})
    view = AuditEvent.objects.filter(action="audit.console_view", actor_id=auditor.pk).get()
    assert view.details["filter_action"] == "auth.sign_in"


def test_r70_console_shows_labels_never_the_content_of_what_was_touched(auditor, sales_person):
    incident = Incident.objects.create(
        reference="INC-2026-00007",
        kind="leak",
        description="客户手机 13812345678 被泄露",
        reporter=sales_person,
    )
    audit.record(sales_person, "incident.reported", target=incident, kind="leak")
    client = client_verified(auditor)
    for url in (EVENTS, reverse("audit:target", args=["audit.incident", incident.pk])):
        page = client.get(url).content.decode()
        assert "INC-2026-00007" in page
        assert "13812345678" not in page
        assert "客户手机" not in page


def _seed_events(people, n_each=3):
    made = []
    for person in people:
        for _ in range(n_each):
            made.append(audit.record(person, "auth.sign_in", target=person))
    return made


def test_r70_filters_by_person_department_action_target_and_dates(auditor, sales_person):
    other = make_person("li.na", roles=[Role.SALES], full_name="李娜", employee_number="BM1002")
    _seed_events([sales_person, other])
    audit.record(sales_person, "auth.sign_out", target=sales_person, reason="user")
    client = client_verified(auditor)

    def listed(**params):
        page = client.get(EVENTS, params)
        assert page.status_code == 200
        return page.context["events"]

    assert {e.actor_id for e in listed(actor="BM1001")} == {sales_person.pk}
    assert {e.actor_id for e in listed(actor="李娜")} == {other.pk}
    assert {e.actor_department for e in listed(department="销售一部")} == {"销售一部"}
    assert {e.action for e in listed(action="auth.sign_out")} == {"auth.sign_out"}
    target = listed(target_type="access.user", target_id=str(other.pk))
    assert len(target) == 3
    today = timezone.localdate()
    assert listed(date_from=str(today + timedelta(days=1))) == []
    assert len(listed(date_from=str(today), date_to=str(today), actor="zhang.wei")) == 4


def test_r70_an_invalid_filter_is_explained_and_keeps_what_was_typed(auditor):
    client = client_verified(auditor)
    page = client.get(EVENTS, {"date_from": "2026-05-02", "date_to": "2026-05-01", "actor": "王"})
    html = page.content.decode()
    assert "The end date is before the start date." in html
    assert 'value="王"' in html
    assert 'value="2026-05-02"' in html
    assert page.context["events"] == []


def test_r70_filter_form_offers_every_filter_except_the_ones_the_page_fixes(auditor, sales_person):
    client = client_verified(auditor)
    events_page = client.get(EVENTS).content.decode()
    for name in (
        "actor",
        "department",
        "action",
        "target_type",
        "target_id",
        "date_from",
        "date_to",
    ):
        assert f'name="{name}"' in events_page, name
    person_page = client.get(reverse("audit:person", args=[sales_person.pk])).content.decode()
    assert 'name="actor"' not in person_page
    assert 'name="action"' in person_page
    target_page = client.get(reverse("audit:target", args=["access.user", "1"])).content.decode()
    assert 'name="target_id"' not in target_page
    assert 'name="actor"' in target_page


def test_r70_keyset_pages_return_every_event_once_newest_first(auditor, sales_person):
    for i in range(120):
        audit.record(sales_person, "access.denied", url_name=f"u{i}")
    client = client_verified(auditor)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"action": "access.denied"} | ({"after": cursor} if cursor else {})
        page = client.get(EVENTS, params)
        seen.extend(e.pk for e in page.context["events"])
        cursor = page.context["next_cursor"]
        pages += 1
        if not cursor:
            break
    assert pages == 3
    expected = list(
        AuditEvent.objects.filter(action="access.denied", actor_id=sales_person.pk)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    assert len(seen) == 120


def test_r70_per_person_activity_and_per_target_history(auditor, sales_person):
    _seed_events([sales_person], n_each=2)
    client = client_verified(auditor)
    person = client.get(reverse("audit:person", args=[sales_person.pk]))
    assert person.status_code == 200
    assert all(e.actor_id == sales_person.pk for e in person.context["events"])
    assert "Signed in: 2" in person.content.decode()
    target = client.get(reverse("audit:target", args=["access.user", sales_person.pk]))
    assert "Who touched 张伟 (BM1001)" in target.content.decode()
    assert len(target.context["events"]) == 2


def _export_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_r70_csv_export_neutralises_formula_cells_and_is_itself_audited(auditor, sales_person):
    for text in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "plain"):
        audit.record(sales_person, "access.denied", reason=text)
    client = client_verified(auditor)
    response = client.get(reverse("audit:export"), {"action": "access.denied"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _export_rows(response)
    details = [row[-1] for row in rows[1:]]
    assert len(details) == 5
    for cell in [c for row in rows[1:] for c in row]:
        assert not cell.startswith(("=", "+", "-", "@")), cell
    names = [row[3] for row in rows[1:]]
    assert set(names) == {"张伟"}
    exported = AuditEvent.objects.get(action="audit.export", actor_id=auditor.pk)
    assert exported.details["filter_action"] == "access.denied"


def test_r70_chain_status_page_shows_head_anchors_and_verifies_on_demand(auditor, settings):
    for _ in range(3):
        audit.record(None, "access.denied")
    seal_pending()
    anchor = write_anchor()
    client = client_verified(auditor)
    page = client.get(reverse("audit:chain"))
    assert anchor.hash in page.content.decode()
    response = client.post(reverse("audit:chain"), follow=True)
    assert response.status_code == 200
    run = VerificationRun.objects.get()
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # A broker is configured and no worker runs in this test: the page shows the run as
        # running (and refreshes itself); then do the worker's part in-process.
        assert response.context["running"] is True
        assert '<meta http-equiv="refresh"' in response.content.decode()
        celery_app.control.purge()
        verify.apply(args=[run.pk, auditor.pk])
        response = client.get(reverse("audit:chain"))
    runs = response.context["runs"]
    assert runs[0].outcome == "ok"
    assert runs[0].anchors_checked == 1
    assert AuditEvent.objects.filter(action="audit.verify", actor_id=auditor.pk).exists()


def test_r16_the_csv_export_opens_in_excel_with_a_chinese_header_first_and_words_not_codes(
    auditor, sales_person
):
    """Issue 16 §4: BOM'd UTF-8, the header is the first line (no preamble), in the auditor's
    language, and actions, object types and details are words, not codes."""
    audit.record(sales_person, "access.denied", reason="permission", factor="totp")
    client = client_verified(auditor)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("audit:export"), {"action": "access.denied"})
    rows = _export_rows(response)
    assert rows[0][:4] == ["编号", "链序号", "时间", "人员"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["操作"] == "拒绝访问"
    assert "access.denied" not in ",".join(rows[1])
    # PostgreSQL keeps JSON keys in its own order: compare the parts.
    assert set(row["详情"].split("；")) == {"原因：无权限", "第二因素：验证器应用"}
    client.cookies["django_language"] = "en"
    english = client.get(reverse("audit:export"), {"action": "access.denied"})
    assert _export_rows(english)[0][:3] == ["No.", "Chain seq.", "Time"]
