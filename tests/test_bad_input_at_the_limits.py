"""Issue 17 §12: query parameters and form fields at the limits of their types are answered with
a clear message (or ignored, for a cursor), never a server error. Each URL here answered 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.roles import Role
from audit import incidents
from tests.factories import make_person
from tests.helpers import client_verified


@pytest.mark.parametrize(
    "after",
    ["2026-01-01T00:00:00_x", "2026-01-01T00:00:00_", "9999-12-31T23:59:59_1", "_"],
)
def test_a_bad_cursor_on_the_file_list_shows_the_first_page(sales_org, after):
    page = client_verified(sales_org.sales).get(reverse("records:list"), {"after": after})
    assert page.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"after": "99999999999999999999999.1"},
        {"after": "-99999999999999999999999.1"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
    ],
)
def test_the_audit_console_and_its_export_answer_limits_with_a_message(sales_org, query):
    client = client_verified(sales_org.auditor)
    console = client.get(reverse("audit:events"), query)
    assert console.status_code == 200
    if "after" not in query:
        assert "Give a date" in console.content.decode()
    export = client.get(reverse("audit:export"), query)
    assert export.status_code in (200, 302)
    if export.status_code == 200 and export.get("Content-Type", "").startswith("text/csv"):
        b"".join(export.streaming_content)  # the stream does not die half way


def test_an_incident_dated_year_one_is_refused_with_a_message(sales_org):
    client = client_verified(sales_org.sales)
    page = client.post(
        reverse("audit:incident_new"),
        {"kind": "leak", "occurred_at": "0001-01-01T00:00", "description": "丢了一份打印件"},
    )
    assert page.status_code == 200
    assert "Give a date from 1990-01-01 on." in page.content.decode()


def test_a_breach_kit_from_year_one_is_refused_with_a_message(sales_org):
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    incident = incidents.report(sales_org.sales, kind="leak", description="怀疑有人导出客户资料")
    page = client_verified(officer).post(
        reverse("records:breach", args=[incident.pk]),
        {
            "actors": [sales_org.head.pk],
            "since": "0001-01-01T00:00",
            "until": "2026-01-01T00:00",
            "scope": ["record.view"],
        },
    )
    assert page.status_code == 400
    assert "Give a date from 1990-01-01 on." in page.content.decode()
