"""Issue 17 §2 (R11, R20, P3): an attachment counts like the field it stands for. An ID-card scan
is an ID number: it needs the separate consent, sets Level 1, and is a data category of the
file in the access report and the processing record."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from core.refusals import Refused
from records import attachments, intake
from records.models import Attachment, CustomerRecord
from records.rights import access_report
from tests.factories import PDF, full_consent, register
from tests.helpers import client_verified
from tests.records.test_record_pages import GOOD_FORM

pytestmark = pytest.mark.django_db

NAME_ONLY = {"full_name": "欧阳晓梅", "needs": "三居室"}
GENERAL_ONLY = full_consent(sensitive_scope=[])


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")


def test_r11_an_id_scan_without_separate_consent_is_refused_at_the_attachment(sales_org):
    client = client_verified(sales_org.sales)
    data = {**GOOD_FORM, "consent_sensitive": [], "attachment_kind": "id_scan"}
    for name in ("id_number", "mobile"):
        data.pop(name)
    response = client.post(reverse("records:new"), {**data, "attachment": _scan()})
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "An ID scan is attached" in page
    assert "separate consent" in page
    assert not CustomerRecord.objects.exists()


def test_r20_an_id_scan_sets_level_1_with_the_reason(sales_org):
    record = intake.create(
        sales_org.sales,
        intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2), tier=None),
        dict(NAME_ONLY),
        full_consent(),
        uploads=[intake.Upload("id_scan", _scan())],
    )
    assert record.tier == 1
    assert "id_number" in record.categories
    with pytest.raises(Refused) as refused:
        intake.create(
            sales_org.sales,
            intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2), tier=3),
            dict(NAME_ONLY),
            full_consent(),
            uploads=[intake.Upload("id_scan", _scan())],
        )
    assert "An ID scan is attached" in str(refused.value.errors["tier"][0])


def test_r20_attaching_an_id_scan_later_raises_the_level_or_is_refused(sales_org):
    record = register(sales_org.sales, NAME_ONLY, terms=GENERAL_ONLY)
    assert record.tier == 3
    with pytest.raises(Refused):
        intake.attach(sales_org.sales, record, _scan(), "id_scan")
    assert not record.attachments.filter(kind="id_scan").exists()

    consented = register(sales_org.sales, NAME_ONLY)
    assert consented.tier == 3
    intake.attach(sales_org.sales, consented, _scan(), "id_scan")
    consented.refresh_from_db()
    assert consented.tier == 1
    assert "id_number" in consented.categories


def test_r20_the_attachment_form_refuses_an_id_scan_without_consent_with_a_message(sales_org):
    record = register(sales_org.sales, NAME_ONLY, terms=GENERAL_ONLY)
    client = client_verified(sales_org.sales)
    response = client.post(
        reverse("records:attachment_add", args=[record.pk]), {"kind": "id_scan", "file": _scan()}
    )
    assert response.status_code == 400
    assert "An ID scan is attached" in response.content.decode()
    assert not Attachment.objects.filter(record=record, kind="id_scan").exists()


def test_r63_the_access_report_says_a_viewed_scan_shows_the_id_number(sales_org, officer):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(picture, "PNG")
    scan = SimpleUploadedFile("身份证.png", picture.getvalue(), content_type="image/png")
    record = intake.create(
        sales_org.sales,
        intake.Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2), tier=None),
        dict(NAME_ONLY),
        full_consent(),
        uploads=[intake.Upload("id_scan", scan)],
    )
    attachments.view(sales_org.sales, record.attachments.get(kind="id_scan"), "verification")
    assert AuditEvent.objects.filter(action="record.attachment_view").exists()
    report = access_report.build_for_customer(officer, record)
    viewed = [row for row in report.rows if row.kind == "attachment_viewed"]
    assert viewed
    assert "身份证" in viewed[0].detail
    assert "含" in viewed[0].detail
