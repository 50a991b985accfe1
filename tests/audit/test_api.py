"""R70: one write API that refuses unknown actions and anything that looks like a secret."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

import audit
from audit.api import AuditError, Target, looks_secret
from audit.models import AuditEvent, Incident
from core.request_context import serving
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_r70_unknown_action_is_refused():
    with pytest.raises(AuditError, match="unknown audit action"):
        audit.record(None, "record.veiw")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password",
        "otp_token",
        "backup_code",
        "id_number",
        "idNumber",
        "phone",
        "customer_mobile",
        "bank_card",
        "email",
        "home_address",
        "身份证",
        "api_key",
        "session",
    ],
)
def test_r70_detail_keys_that_look_like_secrets_are_refused(key):
    with pytest.raises(AuditError, match="looks like a secret"):
        audit.record(None, "access.denied", **{key: "x"})
    assert not AuditEvent.objects.exists()


def test_r70_secret_keys_are_refused_inside_nested_details_too():
    with pytest.raises(AuditError):
        audit.record(None, "access.denied", form={"fields": {"password": "x"}})


@pytest.mark.parametrize("key", ["url_name", "reason", "version", "rows", "footprint", "stage"])
def test_r70_ordinary_detail_keys_are_accepted(key):
    assert not looks_secret(key)
    audit.record(None, "access.denied", **{key: "x"})


def test_r70_details_are_plain_json_values_and_long_text_is_cut():
    event = audit.record(None, "access.denied", reason="x" * 900, n=3, ok=True, tags=["a", "b"])
    assert event.details == {"reason": "x" * 500, "n": 3, "ok": True, "tags": ["a", "b"]}
    with pytest.raises(AuditError, match="not float"):
        audit.record(None, "access.denied", ratio=0.5)


def test_r70_actor_snapshot_and_request_context_are_kept(sales_person):
    request = RequestFactory().get(
        "/x/?q=secret", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Chromium/156"
    )
    request.request_id = "abc123"
    with serving(request):
        event = audit.record(sales_person, "auth.sign_in", target=sales_person)
    event.refresh_from_db()
    assert (event.actor_id, event.actor_name, event.actor_number, event.actor_department) == (
        sales_person.pk,
        "张伟",
        "BM1001",
        "销售一部",
    )
    assert (event.ip_address, event.user_agent, event.request_id) == (
        "192.0.2.7",
        "Chromium/156",
        "abc123",
    )
    assert (event.target_type, event.target_id, event.target_label) == (
        "access.user",
        str(sales_person.pk),
        "张伟 (BM1001)",
    )


def test_r70_targets_are_named_by_their_audit_label_never_by_their_content(sales_person):
    incident = Incident.objects.create(
        reference="INC-2026-00001",
        kind="leak",
        description="客户 13812345678 的资料被拍照",
        reporter=sales_person,
    )
    event = audit.record(sales_person, "incident.reported", target=incident)
    assert event.target_label == "INC-2026-00001"
    assert "13812345678" not in str(
        AuditEvent.objects.filter(pk=event.pk).values_list(flat=True).first()
    )
    plain = audit.record(None, "access.denied", target=Target("records.customerrecord", "42"))
    assert plain.target_label == ""


def test_r70_an_event_rolls_back_with_the_work_it_describes(sales_person):
    from django.db import transaction

    def change_that_fails() -> None:
        with transaction.atomic():
            audit.record(sales_person, "auth.password_changed")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not AuditEvent.objects.exists()


def test_r70_people_with_audit_history_cannot_be_deleted():
    from django.db.models import ProtectedError

    person = make_person("temp")
    audit.record(person, "auth.sign_in")
    with pytest.raises(ProtectedError):
        person.delete()
