"""R10-R14: consent rules at save and submit, tier floor, review by the right head only."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from access.policy import Denied
from audit.models import AuditEvent
from core.refusals import Refused
from records import consents, intake, review
from records.intake import Metadata
from records.models import Consent, CustomerRecord, RecordStatus
from tests.factories import PERSON, full_consent, register


def _refresh(record: CustomerRecord) -> CustomerRecord:
    record.refresh_from_db()
    return record


def test_r11_sensitive_values_cannot_be_saved_without_the_separate_consent(sales_org):
    terms = full_consent(sensitive_scope=["special"])
    with pytest.raises(Refused) as refused:
        register(sales_org.sales, terms=terms)
    assert set(refused.value.errors) == {"id_number", "bank_card"}
    assert "separate consent" in refused.value.errors["id_number"][0]
    assert not CustomerRecord.objects.exists()  # nothing half-saved


def test_r11_submission_needs_consent_covering_every_category_and_its_evidence(sales_org):
    record = register(sales_org.sales, evidence=False)
    with pytest.raises(Refused, match="consent evidence"):
        intake.submit(sales_org.sales, record)
    narrow = full_consent(scope=["identity"])
    record = register(sales_org.sales, terms=narrow)
    with pytest.raises(Refused) as refused:
        intake.submit(sales_org.sales, record)
    message = refused.value.errors["__all__"][0]
    assert "does not cover" in message
    assert "Contact details" in message
    assert _refresh(record).status == RecordStatus.DRAFT


def test_r11_withdrawn_consent_blocks_submission_and_flags_disposal_review(sales_org):
    record = register(sales_org.sales)
    consents.withdraw(sales_org.sales, record)
    record = _refresh(record)
    assert record.disposal_review_requested_at is not None
    assert not Consent.objects.get(record=record).is_active
    with pytest.raises(Refused, match="withdrew consent"):
        intake.submit(sales_org.sales, record)
    event = AuditEvent.objects.get(action="record.consent_withdrawn")
    assert event.target_id == str(record.pk)


def test_r21_a_tier_below_the_content_minimum_is_refused_with_the_reason(sales_org):
    with pytest.raises(Refused) as refused:
        register(sales_org.sales, tier=3)
    assert "at least Level 1" in refused.value.errors["tier"][0]
    assert "Resident ID number is filled in" in refused.value.errors["tier"][0]
    raised = register(sales_org.sales, {"full_name": "张三", "needs": "两居"}, tier=2)
    assert (raised.tier, raised.minimum_tier) == (2, 3)


def test_r12_registration_keeps_handler_department_source_and_categories(sales_org):
    record = register(sales_org.sales)
    assert record.handler == sales_org.sales
    assert record.department == sales_org.sales_1
    assert record.source == "walk_in"
    assert record.acquired_at == date(2026, 11, 2)
    assert record.tier == record.minimum_tier == 1
    assert {"identity", "contact", "id_number", "bank_account", "transaction"} <= set(
        record.categories
    )


def test_r10_company_files_take_a_credit_code_and_drop_person_only_fields(sales_org):
    record = intake.create(
        sales_org.sales,
        Metadata(kind="company", source="referral", acquired_at=date(2026, 11, 2)),
        {
            "full_name": "北京某某装饰有限公司",
            "credit_code": "91350100M000100Y43",
            "gender": "male",
        },
        full_consent(),
    )
    from records import content

    assert content.read(record) == {
        "full_name": "北京某某装饰有限公司",
        "credit_code": "91350100M000100Y43",
    }


def test_r14_only_the_head_of_the_files_department_reviews_it(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    for outsider in (
        sales_org.sales,
        sales_org.colleague,
        sales_org.other_head,
        sales_org.auditor,
        sales_org.admin,
    ):
        with pytest.raises(Denied):
            review.approve(outsider, record)
    number = review.approve(sales_org.head, record)
    assert number == f"KH-{timezone.localdate().year}-000001"
    record = _refresh(record)
    assert record.status == RecordStatus.APPROVED
    assert record.reviewed_by == sales_org.head


def test_r14_nobody_approves_a_file_they_registered(sales_org):
    own = register(sales_org.head)
    intake.submit(sales_org.head, own)
    with pytest.raises(Denied, match="registered"):
        review.approve(sales_org.head, own)


def test_r14_a_heads_own_file_is_reviewed_by_management(sales_org):
    """Issue 17 §15: nobody else heads the department, so a head's own file could never be
    approved; management reviews it, as it signs heads' own requests."""
    from access import policy
    from access.roles import Role
    from tests.factories import make_person

    manager = make_person("zhou.jun", roles=[Role.MANAGEMENT], full_name="周军")
    own = register(sales_org.head)
    intake.submit(sales_org.head, own)
    own = _refresh(own)
    queue = policy.review_queue(manager, CustomerRecord.objects.all())
    assert list(queue) == [own]
    assert policy.decide(manager, "view", own)  # to review it, management reads it
    assert not policy.decide(manager, "view", register(sales_org.sales))  # nothing else
    with pytest.raises(Denied):
        review.approve(sales_org.other_head, own)
    review.approve(manager, own)
    assert _refresh(own).reviewed_by == manager
    assert not policy.review_queue(manager, CustomerRecord.objects.all()).exists()


def test_r14_returned_files_go_back_with_a_sealed_comment_and_can_be_resubmitted(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    with pytest.raises(Refused):
        review.return_for_correction(sales_org.head, record, "   ")
    review.return_for_correction(sales_org.head, record, "身份证号与扫描件不一致")
    record = _refresh(record)
    assert record.status == RecordStatus.RETURNED
    assert "身份证号".encode() not in bytes(record.sealed_review_comment)
    intake.update(
        sales_org.sales,
        record,
        Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2)),
        {**PERSON, "needs": "四居室，学区房"},
        full_consent(),
    )
    intake.submit(sales_org.sales, _refresh(record))
    assert review.approve(sales_org.head, _refresh(record)).startswith("KH-")


def test_r15_archive_numbers_are_sequential_per_year(sales_org):
    numbers = []
    for _ in range(3):
        record = register(sales_org.sales)
        intake.submit(sales_org.sales, record)
        numbers.append(review.approve(sales_org.head, record))
    year = timezone.localdate().year
    assert numbers == [f"KH-{year}-00000{i}" for i in (1, 2, 3)]


def test_r14_only_draft_or_returned_files_can_be_changed(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    meta = Metadata(kind="person", source="walk_in", acquired_at=date(2026, 11, 2))
    with pytest.raises(Denied, match="draft or returned"):
        intake.update(sales_org.sales, _refresh(record), meta, PERSON, full_consent())
    with pytest.raises(Denied):
        intake.update(sales_org.colleague, _refresh(record), meta, PERSON, full_consent())


def test_r70_every_step_is_audited_without_customer_values(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    review.approve(sales_org.head, record)
    actions = list(
        AuditEvent.objects.filter(target_id=str(record.pk)).values_list("action", flat=True)
    )
    for action in ("record.create", "record.consent_recorded", "record.attachment_add",
                   "record.submit", "record.approve"):  # fmt: skip
        assert action in actions
    for event in AuditEvent.objects.all():
        text = f"{event.details} {event.target_label}"
        for value in PERSON.values():
            assert value not in text
    approve = AuditEvent.objects.get(action="record.approve")
    assert approve.details["record_department"] == "销售一部"
    assert approve.target_label.startswith("KH-")
