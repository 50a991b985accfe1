"""The customer access report (PIPL Art. 45, issue 9 §1) against a scripted history: exactly the
events about this file, in order, each with its basis; staff by role and department or by name
per the company setting; a PDF in Chinese with no customer value in clear; only the security
officer and legal produce it, and producing it is audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access import policy
from access.roles import Role
from audit.models import AuditEvent
from records import disclosure, intake, review
from records.circulation import copies, lending
from records.masking import mask_name
from records.rights import access_report
from tests.factories import make_person, register
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all
from tests.records.circulation.test_copies import ask_copy

CUSTOMER = {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室，近地铁"}


@pytest.fixture
def history(lending_org):
    """Registration, approval, the handler's view, the head's reveal, a borrow by another
    department (grant, then a view under it), a copy; and noise about another file."""
    record = register(lending_org.owner, dict(CUSTOMER))
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    other = register(lending_org.owner, {"full_name": "李四", "mobile": "13800000000"})
    intake.submit(lending_org.owner, other)
    review.approve(lending_org.head_a, other)
    other.refresh_from_db()

    disclosure.view(lending_org.owner, record)
    disclosure.reveal(lending_org.head_a, record, ["mobile"], "verification")
    loan = lending.apply(
        lending_org.borrower,
        lending.Ask(
            numbers=record.archive_number,
            purpose="客户回访",
            due_on=timezone.localdate() + timedelta(days=3),
        ),
    )
    loan = approve_all(loan, lending_org.head_a)
    lending.hand_out(lending_org.archivist, loan)
    disclosure.view(lending_org.borrower, record)
    disclosure.view(lending_org.head_a, other)  # another customer's file: not in this report
    copy = approve_all(ask_copy(lending_org.owner, record), lending_org.head_a)
    copies.download(lending_org.owner, copy)
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    return lending_org, record, loan, copy, officer


def test_pipl45_the_report_lists_exactly_this_files_history_with_its_basis(history, settings):
    _org, record, loan, copy, officer = history
    settings.BAOMI_ACCESS_REPORT_NAMES = "roles"
    report = access_report.build_for_customer(officer, record)  # what the customer receives
    kinds = [row.kind for row in report.rows]
    assert kinds == [
        "registered", "approved", "viewed", "revealed", "granted", "viewed", "exported",
    ]  # fmt: skip
    rows = report.rows
    assert rows[2].who == "销售一部 销售人员"
    assert rows[2].basis == "岗位职责"
    assert rows[3].who == "销售一部 部门负责人"
    assert rows[3].detail == "项目：手机号码"
    assert rows[4].who == "经批准的员工"
    assert loan.number in rows[4].detail
    assert rows[5].who == "销售二部 销售人员"
    assert rows[5].basis == f"借阅申请 {loan.number} 已批准"
    assert f"{copy.number}-C1" in rows[6].detail
    assert report.customer == mask_name("欧阳晓梅")
    event = AuditEvent.objects.get(action="record.access_report")
    assert (event.actor_id, event.target_id) == (officer.pk, str(record.pk))


def test_pipl45_staff_by_name_when_the_company_says_so(history, settings):
    lending_org, record, _loan, _copy, officer = history
    settings.BAOMI_ACCESS_REPORT_NAMES = "names"
    rows = access_report.build(officer, record).rows
    viewers = [row.who for row in rows if row.kind == "viewed"]
    assert viewers == [lending_org.owner.get_full_name(), lending_org.borrower.get_full_name()]


def test_pipl45_the_pdf_is_in_chinese_and_holds_no_customer_value_in_clear(history):
    _org, record, loan, _copy, officer = history
    data = access_report.render_pdf(access_report.build_for_customer(officer, record))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "个人信息处理情况说明" in text
    assert record.archive_number in text
    assert f"借阅申请 {loan.number}" in text
    assert mask_name("欧阳晓梅") in text
    for value in CUSTOMER.values():
        assert value not in text


def test_pipl45_only_the_security_officer_and_legal_make_the_report(history):
    lending_org, record, _loan, _copy, _officer = history
    lawyer = make_person("lawyer", roles=[Role.LEGAL])
    assert access_report.build(lawyer, record).rows
    for person in (
        lending_org.owner,
        lending_org.head_a,
        lending_org.archivist,
        lending_org.manager,
    ):
        with pytest.raises(policy.Denied):
            access_report.build(person, record)


def test_pipl45_the_officer_finds_the_file_by_number_and_downloads_the_pdf(history):
    _org, record, _loan, _copy, officer = history
    client = client_verified(officer)
    missing = client.post(
        reverse("records:rights"), {"form": "find", "archive_number": "KH-1999-000001"}
    )
    assert missing.status_code == 400
    assert "No client file has this archive number." in missing.content.decode()
    found = client.post(
        reverse("records:rights"), {"form": "find", "archive_number": record.archive_number}
    )
    assert found["Location"] == reverse("records:access_report", args=[record.pk])
    page = client.get(found["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-kind="viewed"') == 2
    assert "欧阳晓梅" not in body
    pdf = client.get(reverse("records:access_report_pdf", args=[record.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_r16_the_on_screen_report_follows_the_readers_language(history, settings):
    """Issue 16 §2: the page stayed Chinese in English; the customer's PDF stays Chinese."""
    _org, record, loan, _copy, officer = history
    settings.BAOMI_ACCESS_REPORT_NAMES = "roles"
    rows = access_report.build(officer, record).rows  # tests read English by default
    assert rows[2].what == "File viewed (masked)"
    assert rows[2].basis == "Duties of the role"
    assert rows[5].basis == f"Borrowing request {loan.number} approved"
    assert all("岗位" not in row.basis for row in rows)
