"""Issue 17 §1 (R13, R42, P2): attachments are viewed as watermarked renderings behind a reason,
never downloaded as they are; the original leaves only as an approved copy of the original
attachments, counted in the copy register. A walk of every attachment URL as every role and
grant kind checks that no original reaches anyone."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from access.models import CopyRegisterEntry
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from records import intake, review
from records.circulation import copies
from records.models import CustomerRecord
from tests.factories import full_consent, let_time_pass, make_person, pdf_upload, read_grant
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all
from tests.records.circulation.test_copies import ask_copy

pytestmark = pytest.mark.django_db


def _pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "PURCHASE CONTRACT 110105194912310021")
    page.showPage()
    page.drawString(72, 720, "PAGE TWO")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 380), (250, 250, 250)).save(buffer, "PNG")
    return buffer.getvalue()


PDF_ORIGINAL, PNG_ORIGINAL = _pdf_bytes(), _png_bytes()


def _file_with_attachments(handler, head, tier=None) -> CustomerRecord:
    record = intake.create(
        handler,
        intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2), tier=tier),
        {"full_name": "欧阳晓梅", "needs": "三居室"},
        full_consent(),
        evidence=pdf_upload(),
        uploads=[
            intake.Upload("id_scan", SimpleUploadedFile("身份证.png", PNG_ORIGINAL, "image/png")),
            intake.Upload(
                "contract", SimpleUploadedFile("合同.pdf", PDF_ORIGINAL, "application/pdf")
            ),
        ],
    )
    intake.submit(handler, record)
    review.approve(head, record)
    record.refresh_from_db()
    return record


def _url(record, attachment) -> str:
    return reverse("records:attachment", args=[record.pk, attachment.pk])


def test_p1_an_attachment_is_shown_watermarked_after_a_reason_and_audited(sales_org):
    record = _file_with_attachments(sales_org.sales, sales_org.head)
    client = client_verified(sales_org.sales)
    scan = record.attachments.get(kind="id_scan")
    form = client.get(_url(record, scan))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert PNG_ORIGINAL not in form.content

    shown = client.post(_url(record, scan), {"reason": "verification"})
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert "no-store" in shown["Cache-Control"]
    assert shown.content != PNG_ORIGINAL
    picture = Image.open(io.BytesIO(shown.content)).convert("RGB")
    width, height = picture.size
    reds = sum(
        1
        for x in range(0, width, 2)
        for y in range(0, height, 2)
        if (lambda p: p[0] > p[1] + 60)(picture.getpixel((x, y)))
    )
    assert reds > 100  # the watermark is burnt into the picture

    contract = record.attachments.get(kind="contract")
    pages = client.post(_url(record, contract), {"reason": "contract"})
    assert pages["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pages.content))
    assert len(reader.pages) == 2
    assert "110105194912310021" not in "".join(p.extract_text() or "" for p in reader.pages)

    events = AuditEvent.objects.filter(action="record.attachment_view").order_by("id")
    assert [(e.details["kind"], e.details["reason"]) for e in events] == [
        ("id_scan", "verification"),
        ("contract", "contract"),
    ]


def test_p1_a_file_that_cannot_be_drawn_says_so_and_offers_the_copy_route(sales_org):
    record = _file_with_attachments(sales_org.sales, sales_org.head)
    consent_evidence = record.attachments.get(kind="consent")  # the minimal test PDF
    response = client_verified(sales_org.sales).post(
        _url(record, consent_evidence), {"reason": "verification"}
    )
    assert response.status_code == 400
    assert "original attachments" in response.content.decode()


def test_p1_walk_every_attachment_url_as_every_role_and_grant_kind(sales_org):
    record = _file_with_attachments(sales_org.sales, sales_org.head)
    top_secret = _file_with_attachments(sales_org.sales, sales_org.head, tier=1)
    people = {
        "handler": sales_org.sales,
        "head": sales_org.head,
        "colleague": sales_org.colleague,
        "other_sales": sales_org.other_sales,
        "other_head": sales_org.other_head,
        "auditor": sales_org.auditor,
        "admin": sales_org.admin,
        "archivist": make_person("keeper2", roles=[Role.ARCHIVIST]),
        "legal": make_person("lawyer2", roles=[Role.LEGAL]),
        "officer": make_person("officer2", roles=[Role.SECURITY_OFFICER]),
        "borrower": make_person("borrower2", roles=[Role.SALES], department=sales_org.sales_2),
        "borrower_expired": make_person(
            "borrower3", roles=[Role.SALES], department=sales_org.sales_2
        ),
    }
    for target in (record, top_secret):
        read_grant(people["borrower"], target, by=sales_org.head)
        let_time_pass(read_grant(people["borrower_expired"], target, by=sales_org.head))
    may_see = {"handler", "head", "borrower"}
    originals = (PNG_ORIGINAL, PDF_ORIGINAL)
    for name, person in people.items():
        client = client_verified(person)
        for target in (record, top_secret):
            for attachment in target.attachments.exclude(kind="consent"):
                url = _url(target, attachment)
                for method, data in (("get", {}), ("post", {"reason": "verification"})):
                    response = getattr(client, method)(url, data)
                    body = response.content
                    assert not any(original in body for original in originals), (name, url)
                    assert "attachment;" not in response.get("Content-Disposition", "")
                    if name in may_see:
                        assert response.status_code == 200, (name, method, url)
                    else:
                        assert response.status_code in (403, 404), (name, method, url)


def test_p1_the_original_leaves_only_as_an_approved_counted_copy(lending_org, officer, settings):
    settings.BAOMI_COPY_DOWNLOADS = 1
    record = _file_with_attachments(lending_org.owner, lending_org.head_a)
    assert record.tier == 1  # the ID scan: a copy of a Level 1 file needs the officer too
    req = approve_all(
        ask_copy(lending_org.owner, record, fmt="original"), lending_org.head_a, officer
    )
    made = copies.download(lending_org.owner, req)
    assert made.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(made.data)).namelist()
    contents = [zipfile.ZipFile(io.BytesIO(made.data)).read(n) for n in names]
    assert PNG_ORIGINAL in contents
    assert PDF_ORIGINAL in contents
    assert any("复制件说明" in n for n in names)
    entry = CopyRegisterEntry.objects.get(request=req)
    assert entry.downloads == 1
    assert entry.destroy_by == timezone.localdate() + timedelta(days=5)
    with pytest.raises(Refused, match="as often as it may be"):
        copies.download(lending_org.owner, req)


def test_p1_a_borrower_of_a_level_1_file_gets_no_original(lending_org):
    record = _file_with_attachments(lending_org.owner, lending_org.head_a, tier=1)
    read_grant(lending_org.borrower, record, by=lending_org.head_a)
    with pytest.raises(Refused, match="may be read, not copied"):
        ask_copy(lending_org.borrower, record, fmt="original")
