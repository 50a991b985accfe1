"""Issue 19 §3: the management report's page, workbook and PDF: a head asking for another
department is told why and shown their own, each viewing and export is audited, and the
workbook and the PDF carry the page's figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from records.reports import service
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_R19_3_the_page_refuses_another_departments_figures_and_audits_each_view(archive):
    w = archive
    client = client_verified(w.head2)
    response = client.get(reverse("records:reports"), {"department": w.dept.pk})
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not one whose figures you may see" in text
    assert "销售一部" not in text
    assert "销售二部" in text

    response = client.get(reverse("records:reports"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    events = AuditEvent.objects.filter(action="report.management", actor=w.head2)
    assert events.count() == 2
    assert events.first().details["format"] == "page"

    sales = client_verified(w.sales)
    assert sales.get(reverse("records:reports")).status_code == 403


def test_R19_3_the_workbook_holds_each_table_with_the_pages_figures(archive):
    w = archive
    client = client_verified(w.boss)
    response = client.get(reverse("records:report_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    report = service.build(w.boss)
    assert len(book.sheetnames) == len(report.tables)
    levels = book[book.sheetnames[0]]
    rows = [list(row) for row in levels.iter_rows(min_row=7, values_only=True)]
    assert rows[: len(report.table("levels").rows)] == [
        [str(c) if isinstance(c, str) else c for c in row] for row in report.table("levels").rows
    ]

    one = client.get(reverse("records:report_xlsx"), {"table": "consent"})
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["Consent coverage"]

    pdf = client.get(reverse("records:report_pdf"))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "管理报告" in text
    assert "同意覆盖情况" in text  # in Chinese, whatever the reader's language
    held = report.table("levels").totals
    assert f"全部部门 {' '.join(str(c) for c in held[1:])}" in " ".join(text.split())
    formats = list(
        AuditEvent.objects.filter(action="report.management", actor=w.boss).values_list(
            "details__format", flat=True
        )
    )
    assert sorted(formats) == ["pdf", "xlsx", "xlsx"]
