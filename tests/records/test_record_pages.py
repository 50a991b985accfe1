"""The client-file pages: deny by default, no IDOR, forms that keep input, uploads checked."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from records import intake
from records.models import CustomerRecord, RecordStatus
from tests.factories import PDF, PERSON, register
from tests.helpers import client_verified

GOOD_FORM = {
    "kind": "person",
    "source": "walk_in",
    "acquired_at": "2026-11-02",
    "tier": "",
    "consent_purpose": "购房及相关服务",
    "consent_scope": ["identity", "contact", "transaction"],
    "consent_sensitive": ["id_number"],
    "consent_method": "paper",
    "consent_obtained_at": "2026-11-01",
    "attachment_kind": "id_scan",
    "full_name": "欧阳晓梅",
    "id_number": PERSON["id_number"],
    "mobile": PERSON["mobile"],
    "needs": "三居室，近地铁",
}


def _record_urls(record: CustomerRecord, attachment_pk) -> list[tuple[str, str]]:
    pk = record.pk
    return [
        ("get", reverse("records:detail", args=[pk])),
        ("get", reverse("records:edit", args=[pk])),
        ("post", reverse("records:submit", args=[pk])),
        ("post", reverse("records:review", args=[pk])),
        ("post", reverse("records:reveal", args=[pk])),
        ("post", reverse("records:communication", args=[pk])),
        ("post", reverse("records:attachment_add", args=[pk])),
        ("get", reverse("records:attachment", args=[pk, attachment_pk])),
        ("post", reverse("records:consent_withdraw", args=[pk])),
    ]


@pytest.mark.parametrize("who", ["colleague", "other_sales", "other_head", "auditor", "admin"])
def test_p2_every_record_url_answers_outsiders_not_found_and_records_the_attempt(sales_org, who):
    """DESIGN.md, issue 17 §5: a file a person may not see answers 404 like one that does not
    exist (403 "ask through a borrowing request" confirmed it exists); the attempt is recorded."""
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    attachment = record.attachments.first()
    client = client_verified(getattr(sales_org, who))
    for method, url in _record_urls(record, attachment.pk):
        before = AuditEvent.objects.filter(action="access.denied").count()
        response = getattr(client, method)(url, {"decision": "approve", "reason": "review"})
        assert response.status_code == 404, (who, url)
        body = response.content.decode()
        assert PERSON["full_name"] not in body
        assert "139****5678" not in body
        assert AuditEvent.objects.filter(action="access.denied").count() == before + 1, url
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED  # nothing changed


def test_p2_a_refusal_explains_itself(sales_org):
    """Someone who sees the file and may not do what they asked is told why."""
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    response = client_verified(sales_org.head).get(reverse("records:edit", args=[record.pk]))
    assert response.status_code == 403
    assert "Only the handler of this client file can change it." in response.content.decode()


def test_p2_an_unknown_an_invisible_and_a_destroyed_file_look_the_same(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    gone = register(sales_org.sales, {"full_name": "甲", "mobile": "13900001111"})
    CustomerRecord.objects.filter(pk=gone.pk).update(status="destroyed")
    client = client_verified(sales_org.other_sales)
    pages = [
        client.get(reverse("records:detail", args=[pk]))
        for pk in (record.pk, gone.pk, "00000000-0000-4000-8000-000000000000")
    ]
    assert [p.status_code for p in pages] == [404, 404, 404]
    same = [re.sub(r'(nonce|value)="[^"]*"', "", p.content.decode()) for p in pages]
    assert same[0] == same[1] == same[2]  # nothing but the per-response nonce and token differ


def test_r2_record_pages_require_a_completed_sign_in(sales_org, client):
    record = register(sales_org.sales)
    response = client.get(reverse("records:detail", args=[record.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_r10_an_invalid_form_keeps_everything_typed_and_says_what_is_wrong(sales_org):
    client = client_verified(sales_org.sales)
    data = {**GOOD_FORM, "id_number": "110105194912310021", "bank_card": "1234"}
    response = client.post(reverse("records:new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not match the others" in body  # the ID check digit
    assert "12 to 19 digits" in body
    for kept in ("欧阳晓梅", PERSON["mobile"], "三居室，近地铁", "110105194912310021"):
        assert kept in body
    assert not CustomerRecord.objects.exists()


def test_r11_sensitive_data_without_separate_consent_is_refused_at_the_field(sales_org):
    client = client_verified(sales_org.sales)
    response = client.post(reverse("records:new"), {**GOOD_FORM, "consent_sensitive": []})
    assert response.status_code == 400
    assert "separate consent" in response.content.decode()
    assert "欧阳晓梅" in response.content.decode()


def test_r10_registering_in_the_browser_saves_an_encrypted_draft(sales_org):
    client = client_verified(sales_org.sales)
    upload = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("records:new"), {**GOOD_FORM, "attachment": upload})
    record = CustomerRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[record.pk])
    assert record.status == RecordStatus.DRAFT
    assert record.tier == 1
    assert record.attachments.get().kind == "id_scan"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "110105********002X" in body
    assert PERSON["id_number"] not in body
    assert "watermark" in body
    assert "no-store" in page["Cache-Control"]


def test_r10_uploads_of_the_wrong_type_or_size_are_refused_with_a_reason(sales_org, settings):
    record = register(sales_org.sales)
    client = client_verified(sales_org.sales)
    url = reverse("records:attachment_add", args=[record.pk])
    fake = SimpleUploadedFile(
        "scan.pdf", b"MZ\x90\x00 not really a pdf", content_type="application/pdf"
    )
    response = client.post(url, {"file": fake, "kind": "id_scan"})
    assert response.status_code == 400
    assert "This kind of file is not accepted" in response.content.decode()
    settings.BAOMI_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client.post(url, {"file": big, "kind": "contract"})
    assert response.status_code == 400
    assert "files may be at most 1 MB" in response.content.decode()
    assert record.attachments.count() == 1  # only the consent evidence


def test_r13_an_attachment_url_asks_for_a_reason_and_never_serves_the_original(sales_org):
    """Issue 17 §1: the download that handed out originals is gone (tests/records/
    test_attachment_viewing.py walks every role)."""
    record = register(sales_org.sales)
    attachment = record.attachments.get()
    url = reverse("records:attachment", args=[record.pk, attachment.pk])
    response = client_verified(sales_org.sales).get(url)
    assert response.status_code == 200
    assert PDF not in response.content
    assert 'name="reason"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="record.attachment_download").exists()


def test_r15_search_posts_the_value_and_never_puts_it_in_a_url(sales_org):
    register(sales_org.sales)
    client = client_verified(sales_org.sales)
    list_page = client.get(reverse("records:list")).content.decode()
    assert re.search(r'<form method="post" class="filters"', list_page)
    response = client.post(reverse("records:list"), {"q": PERSON["mobile"]})
    assert "1 exact match" in response.content.decode()


def test_r14_the_home_page_shows_heads_how_many_files_await_them(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    body = client_verified(sales_org.head).get("/").content.decode()
    assert re.search(r'data-testid="count-review">1<', body)
    sales_home = client_verified(sales_org.sales).get("/").content.decode()
    assert 'data-card="records"' in sales_home
    assert 'data-card="review"' not in sales_home
