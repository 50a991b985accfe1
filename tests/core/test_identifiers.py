"""Issue 17 §7: customer identifiers typed into free text that reaches the audit log are
refused at the form with a message, and masked by the audit API if they arrive anyway."""

from __future__ import annotations

import pytest
from django.urls import reverse

import audit
from audit.models import AuditEvent
from core.identifiers import found_in, mask
from tests.factories import register
from tests.helpers import client_verified

EXAMPLES = [
    ("回拨 13987654321", "mobile"),
    ("打给+86 139-8765-4321确认", "mobile"),
    ("回拨１３９８７６５４３２１", "mobile"),  # full-width digits from a Chinese input method
    ("座机 0755-87654321", "landline"),
    ("身份证110105194912310021核对", "id_number"),
    ("旧证 110105491231002", "id_number"),
    ("卡号 6222 0212 3456 7890 123", "bank_card"),
    ("卡号6222021234567890", "bank_card"),
    ("发到 ouyang.xm@example.com", "email"),
]
NOT_IDENTIFIERS = [
    "KH-2026-000123 借阅核对",
    "2026-11-01 14:30 电话回访",
    "sha256 9f1c2e3d4b5a69788796a5b4c3d2e1f0aa11223344556677889900aabbccdd",
    "第 3 次，共 12 页，金额 1500000 元",
    "客户要求删除，见工单 20261101",
]


@pytest.mark.parametrize(("text", "kind"), EXAMPLES)
def test_p7_each_kind_of_identifier_is_found_and_masked(text, kind):
    assert found_in(text) == [kind]
    masked = mask(text)
    assert f"[{kind}]" in masked
    assert not any(ch.isdigit() for ch in masked.split("[")[1]) or kind == "bank_card"


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_p7_archive_numbers_dates_hashes_and_amounts_are_not_identifiers(text):
    assert found_in(text) == []
    assert mask(text) == text


@pytest.mark.django_db
def test_p7_a_reveal_note_with_a_phone_number_is_refused_with_a_message(sales_org):
    record = register(sales_org.sales)
    client = client_verified(sales_org.sales)
    response = client.post(
        reverse("records:reveal", args=[record.pk]),
        {"fields_to_reveal": ["mobile"], "reason": "other", "note": "回拨 13987654321"},
    )
    page = response.content.decode()
    assert "a mobile number" in page
    assert "audit log" in page
    assert not AuditEvent.objects.filter(action="record.reveal").exists()
    assert "13987654321" not in str(list(AuditEvent.objects.values()))


@pytest.mark.django_db
def test_p7_a_borrow_purpose_with_an_id_number_is_refused_and_kept_on_the_form(sales_org):
    client = client_verified(sales_org.other_sales)
    response = client.post(
        reverse("requests:borrow"),
        {
            "numbers": "KH-2026-000001",
            "medium": "electronic",
            "purpose": "核对客户 110105194912310021 的购房资格",
            "due_on": "2026-12-20",
        },
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "an ID number" in page
    assert "核对客户" in page  # what was typed is kept for correcting


@pytest.mark.django_db
def test_p7_the_audit_api_masks_whatever_arrives_in_free_text(sales_org):
    event = audit.record(
        sales_org.sales, "access.denied", url_name="x", reason="回拨 13987654321 或 a@b.cn"
    )
    assert event.details["reason"] == "回拨 [mobile] 或 [email]"
