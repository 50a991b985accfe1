"""The demo data command: one person per role, printed credentials, idempotent (issue 2 §8)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from access import policy
from access.demo import DEMO_PASSWORD
from access.models import Department, User
from access.roles import Role

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_person_per_role_with_credentials_printed():
    output = seed()
    for role in Role:
        holders = [u for u in User.objects.all() if role in policy.roles_of(u)]
        assert holders, role
        for user in holders:
            assert user.check_password(DEMO_PASSWORD)
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert user.username in output
            assert device.key  # secret shown as base32 in the output
    assert DEMO_PASSWORD in output
    assert {"销售一部", "销售二部", "档案室", "信息安全部", "审计部", "法务部"} <= set(
        Department.objects.values_list("name", flat=True)
    )
    assert Department.objects.get(code="sales-1").head.username == "wang.fang"


def test_seed_demo_is_idempotent():
    first = seed()
    counts = (User.objects.count(), Department.objects.count(), TOTPDevice.objects.count())
    second = seed()
    assert counts == (User.objects.count(), Department.objects.count(), TOTPDevice.objects.count())
    # The same secrets are printed again, so a newcomer's app keeps working.
    secret_lines = [line for line in first.splitlines() if line.startswith("zhang.wei")]
    assert secret_lines == [line for line in second.splitlines() if line.startswith("zhang.wei")]


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_totp_prints_a_code_the_device_accepts():
    seed()
    out = io.StringIO()
    call_command("demo_totp", "zhang.wei", stdout=out)
    code = out.getvalue().split()[0]
    device = TOTPDevice.objects.get(user__username="zhang.wei")
    assert device.verify_token(code)


def test_demo_account_administrator_can_manage_people_but_is_not_superuser():
    seed()
    admin = User.objects.get(username="sysadmin")
    assert admin.is_staff
    assert not admin.is_superuser
    assert admin.has_perm("access.change_user")
    assert admin.has_perm("access.add_agreement")
    assert not admin.has_perm("access.delete_agreement")


def test_seed_demo_tells_the_records_story_through_the_services():
    from audit.models import AuditEvent
    from records import content
    from records.models import CustomerRecord, PaperFile

    seed()
    records = CustomerRecord.objects.all()
    assert set(records.values_list("tier", flat=True)) == {1, 2, 3, 4}
    assert {"draft", "submitted", "returned", "approved", "destroyed"} == set(
        records.values_list("status", flat=True)
    )
    assert records.filter(disposal_review_requested_at__isnull=False).count() == 1
    assert PaperFile.objects.count() == 4
    for record in records.exclude(status="destroyed"):
        assert content.read(record)["full_name"]  # every kept file decrypts
    for action in ("record.create", "record.approve", "record.return", "record.reveal",
                   "record.consent_withdrawn", "record.paper_registered"):  # fmt: skip
        assert AuditEvent.objects.filter(action=action).exists(), action
    seed()
    assert CustomerRecord.objects.count() == records.count()  # idempotent


def test_seed_demo_leaves_requests_in_every_state_through_the_services():
    from access.models import AccessRequest, Grant
    from access.requests import awaiting
    from audit.models import AuditEvent

    seed()
    states = set(AccessRequest.objects.values_list("state", flat=True))
    assert states == {"fulfilled", "pending", "approved", "returned", "rejected"}
    head = User.objects.get(username="wang.fang")
    assert awaiting(head).count() == 1
    assert Grant.objects.active().filter(grantee__username="li.na").count() == 1
    assert AccessRequest.objects.filter(kind="copy", copy_entry__isnull=False).count() == 1
    from records.circulation.break_glass import open_reviews
    from records.circulation.custody import incoming

    assert open_reviews().count() == 1
    from access.models import ReviewCampaign

    assert ReviewCampaign.objects.get().items.filter(decision="confirmed").exists()
    assert incoming(head).count() == 1
    officer = User.objects.get(username="chen.jing")
    assert awaiting(officer).count() == 2  # a Level 1 copy and an external share
    for action in ("request.create", "request.approve", "request.reject", "request.hand_out",
                   "request.take_back", "grant.issued", "grant.revoked"):  # fmt: skip
        assert AuditEvent.objects.filter(action=action).exists(), action
    seed()
    assert AccessRequest.objects.count() == 8  # idempotent


def test_seed_demo_leaves_a_due_disposal_batch_and_a_certificate():
    from disposal.models import DestructionCertificate, DisposalBatch, LegalHold
    from records.models import CustomerRecord

    seed()
    waiting = DisposalBatch.objects.get(state="proposed")
    assert waiting.head_signed_by is not None
    assert waiting.items.filter(active=True).exists()
    assert DestructionCertificate.objects.count() == 1
    assert CustomerRecord.objects.filter(status="destroyed").count() == 1
    assert LegalHold.objects.filter(released_at__isnull=True).count() == 1
    seed()
    assert DisposalBatch.objects.count() == 2  # idempotent


def test_r71_every_event_about_a_file_carries_the_files_department_and_level():
    """The anomaly rules compare ``record_department`` with the person's department: it comes
    from the file itself (``audit_context``), so no service can forget it (the demo's whole
    story: intake, review, views, reveals, loans, transfers, disposal)."""
    from audit.api import AuditError
    from audit.models import AuditEvent
    from records.models import CustomerRecord

    seed()
    files = {str(r.pk): r for r in CustomerRecord.objects.select_related("department")}
    about_files = AuditEvent.objects.filter(target_type="records.customerrecord")
    assert about_files.count() > 50
    for event in about_files:
        record = files[event.target_id]
        assert event.details["record_department"] == record.department.name, event.action
        assert event.details["record_tier"] == record.tier, event.action
    exports = AuditEvent.objects.filter(action="record.export")
    assert exports.exists()
    assert all(e.details["record_department"] for e in exports)
    with pytest.raises(AuditError, match="audit_context"):
        audit.record(None, "record.view", record, record_department="销售二部")


def test_i21_2_seed_demo_has_the_crm_hand_a_draft_over_through_the_api():
    from audit.models import AuditEvent
    from records.api.models import ClientReference

    seed()
    link = ClientReference.objects.select_related("record__handler", "client").get()
    assert link.reference == "CRM-2026-0042"
    assert link.record.handler.username == "zhang.wei"
    assert link.record.status == "draft"
    call = AuditEvent.objects.get(action="api.call")
    assert call.actor_name == "销售客户管理系统（接口）"
    assert call.details["http_status"] == 201
