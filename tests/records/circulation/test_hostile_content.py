"""Hostile content stored in a client file (issue 8 §1): script and formula payloads typed into
text fields come back as text everywhere they are shown: the file page, the audit console and
incident pages (escaped HTML), the watermarked PDF copy (drawn as literal text) and the CSV copy
(formula cells neutralised for Excel and WPS). SQL-looking input is stored and shown as text."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.urls import reverse
from pypdf import PdfReader

from audit import incidents
from records import intake
from records.circulation import copies
from tests.factories import register
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all
from tests.records.circulation.test_copies import ask_copy

SCRIPT = "<script>alert('baomi')</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","点击")'
SQL = "'); DROP TABLE records_customerrecord; --"
CONTENT = {
    "full_name": "欧阳晓梅",
    "mobile": "13912345678",
    "needs": SCRIPT,
    "negotiation_notes": FORMULA,
    "deal_progress": IMG,
    "budget": SQL,
}


def _approved(lending_org):
    from records import review

    record = register(lending_org.owner, dict(CONTENT))
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    return record


def test_hostile_text_in_a_file_is_shown_escaped_on_its_page_and_in_its_history(lending_org):
    record = _approved(lending_org)
    intake.add_communication(
        lending_org.owner, record, occurred_at=date(2026, 11, 20), channel="phone", summary=SCRIPT
    )
    page = client_verified(lending_org.owner).get(reverse("records:detail", args=[record.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert SCRIPT not in body
    assert IMG not in body
    assert "&lt;script&gt;alert(&#x27;baomi&#x27;)&lt;/script&gt;" in body
    assert "DROP TABLE records_customerrecord" in body  # just text, shown as typed


def test_hostile_text_in_an_incident_is_escaped_on_the_officers_pages(lending_org):
    from access.roles import Role
    from tests.factories import make_person

    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    incident = incidents.report(lending_org.owner, kind="leak", description=SCRIPT + IMG)
    client = client_verified(officer)
    for url in (reverse("audit:incident", args=[incident.pk]), reverse("audit:incidents")):
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
        assert IMG not in body, url


def test_the_pdf_copy_draws_hostile_text_literally(lending_org):
    record = _approved(lending_org)
    req = approve_all(
        ask_copy(lending_org.owner, record, sections=["transaction"]), lending_org.head_a
    )
    made = copies.download(lending_org.owner, req)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(made.data)).pages)
    assert "<script>alert('baomi')</script>" in text  # drawn as characters, nothing interpreted


def test_the_csv_copy_neutralises_formula_cells(lending_org):
    record = _approved(lending_org)
    req = approve_all(
        ask_copy(lending_org.owner, record, fmt="csv", sections=["transaction"]), lending_org.head_a
    )
    rows = list(
        csv.reader(io.StringIO(copies.download(lending_org.owner, req).data.decode("utf-8-sig")))
    )
    values = [row[-1] for row in rows[2:]]
    assert "'" + FORMULA in values  # Excel and WPS show it as text, never evaluate it
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert SCRIPT in values  # plain text in a CSV: nothing to escape, nothing to run
