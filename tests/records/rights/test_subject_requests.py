"""Customers' requests about their data (PIPL Art. 44-47, issue 9 §2): deadlines in working days,
correction through the head's review, deletion to disposal unless a hold or a legal retention
duty restricts the file instead (with the reason), consent withdrawal, overdue alerts once, and
an answer letter in Chinese without customer values in clear."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access import policy
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import holds
from disposal.models import DisposalItem
from records import intake, review
from records.masking import mask_name
from records.models import Outcome, RecordStatus
from records.rights import subject_requests
from records.rights.models import CalendarDay, SubjectRequest
from records.rights.subject_requests import Intake, add_working_days, working_days_left
from tests.factories import make_person, register
from tests.helpers import client_verified

CUSTOMER = {"full_name": "欧阳晓梅", "mobile": "13912345678", "needs": "三居室"}


@pytest.fixture
def desk(lending_org):
    record = register(lending_org.owner, dict(CUSTOMER))
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER], email="sec@example.cn")
    return lending_org, record, officer


def _ask(officer, kind, record, received=None):
    return subject_requests.register(
        officer,
        Intake(
            kind=kind,
            channel="in_person",
            received_on=received or timezone.localdate(),
            identity_check="柜台核对身份证原件，与档案一致",
            record=record,
        ),
    )


@pytest.mark.django_db
def test_pipl_deadlines_count_working_days_with_holidays_and_worked_weekends():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)  # the weekend does not count
    assert add_working_days(friday, 15) == date(2026, 12, 11)  # three working weeks
    CalendarDay.objects.create(day=date(2026, 11, 23), working=False, note="假日")
    CalendarDay.objects.create(day=date(2026, 11, 28), working=True, note="调休上班")
    assert add_working_days(friday, 1) == date(2026, 11, 24)
    assert add_working_days(friday, 5) == date(2026, 11, 28)  # a Saturday worked in exchange
    assert working_days_left(date(2026, 11, 28), today=friday) == 5
    assert working_days_left(friday, today=date(2026, 11, 28)) == -5


def test_pipl_a_registered_request_is_due_in_15_working_days_and_audited(desk):
    _org, record, officer = desk
    made = _ask(officer, "access", record, received=date(2026, 11, 20))
    assert made.number == "QL-2026-0001"
    assert made.due_on == date(2026, 12, 11)
    event = AuditEvent.objects.get(action="subject.registered")
    assert event.details["due_on"] == "2026-12-11"
    assert "柜台" not in str(event.details)  # identity notes stay out of the log
    with pytest.raises(Refused, match="identity"):
        subject_requests.register(
            officer, Intake("access", "phone", timezone.localdate(), "  ", record)
        )


def test_pipl47_deletion_blocked_by_a_hold_restricts_the_file_and_says_why(desk):
    lending_org, record, officer = desk
    lawyer = make_person("lawyer", roles=[Role.LEGAL])
    holds.place(lawyer, reference="(2026)京0105民初123号", reason="诉讼", records=[record])
    made = subject_requests.answer(officer, _ask(officer, "delete", record))
    record.refresh_from_db()
    assert made.outcome == SubjectRequest.Outcome.RESTRICTED
    assert record.restricted_at is not None
    assert record.status == RecordStatus.APPROVED  # kept
    assert "法律程序" in made.answer
    assert not DisposalItem.objects.filter(record=record).exists()
    assert not policy.decide(lending_org.owner, "view", record).allowed  # storage only now
    letter = _text(subject_requests.letter_pdf(officer, made))
    assert "依法暂不能删除" in letter
    assert "法律程序" in letter


def test_pipl47_deletion_under_a_contract_still_to_be_kept_is_restricted_until_then(desk):
    _org, record, officer = desk
    keep = timezone.localdate() + timedelta(days=700)
    type(record).objects.filter(pk=record.pk).update(
        outcome=Outcome.DEAL_CLOSED, retention_until=keep
    )
    made = subject_requests.answer(officer, _ask(officer, "delete", record))
    assert made.outcome == SubjectRequest.Outcome.RESTRICTED
    assert keep.strftime("%Y年%m月%d日") in made.answer


def test_pipl47_deletion_otherwise_puts_the_file_into_a_destruction_batch_now(desk):
    _org, record, officer = desk
    made = subject_requests.answer(officer, _ask(officer, "delete", record))
    assert made.outcome == SubjectRequest.Outcome.SCHEDULED
    item = DisposalItem.objects.get(record=record, active=True)
    assert item.policy == f"customer request {made.number}"
    assert item.batch.department_id == record.department_id


def test_pipl46_correction_goes_back_to_the_handler_and_through_the_heads_review(desk):
    lending_org, record, officer = desk
    number = record.archive_number
    made = _ask(officer, "correct", record)
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED
    with pytest.raises(Refused, match="corrected and approved again"):
        subject_requests.answer(officer, made)
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    assert record.archive_number == number  # a corrected file keeps its number
    made = subject_requests.answer(officer, made)
    assert made.outcome == SubjectRequest.Outcome.DONE


def test_pipl15_withdrawing_consent_is_recorded_on_the_file(desk):
    _org, record, officer = desk
    subject_requests.answer(officer, _ask(officer, "withdraw", record))
    record.refresh_from_db()
    assert record.disposal_review_requested_at is not None
    assert record.consents.get().withdrawn_at is not None


def test_pipl_overdue_requests_alert_the_security_officer_once(desk, mailoutbox):
    _org, record, officer = desk
    made = _ask(officer, "access", record, received=timezone.localdate() - timedelta(days=40))
    assert working_days_left(made.due_on) < 0
    assert subject_requests.notify_overdue() == 1
    assert subject_requests.notify_overdue() == 0
    assert len(mailoutbox) == 1
    assert made.number in mailoutbox[0].body
    assert mailoutbox[0].to == ["sec@example.cn"]


def test_pipl45_the_access_answer_letter_holds_the_report_and_no_customer_value(desk):
    _org, record, officer = desk
    made = subject_requests.answer(officer, _ask(officer, "access", record), "请查收。")
    text = _text(subject_requests.letter_pdf(officer, made))
    assert "关于您个人信息请求的答复" in text
    assert "个人信息处理情况说明" in text  # the access report follows the letter
    assert mask_name(CUSTOMER["full_name"]) in text
    for value in CUSTOMER.values():
        assert value not in text
    with pytest.raises(Refused, match="answered already"):
        subject_requests.answer(officer, made)


def test_pipl_only_the_security_officer_and_legal_handle_requests(desk):
    lending_org, record, _officer = desk
    with pytest.raises(policy.Denied):
        _ask(lending_org.head_a, "access", record)
    page = client_verified(lending_org.owner).get(reverse("records:rights"))
    assert page.status_code == 403


def test_pipl_the_desk_page_registers_a_request_and_keeps_input_on_error(desk):
    _org, record, officer = desk
    client = client_verified(officer)
    data = {
        "form": "register", "kind": "access", "channel": "phone",
        "received_on": timezone.localdate().isoformat(), "archive_number": "KH-1999-000009",
        "identity_check": "回拨档案手机号",
    }  # fmt: skip
    refused = client.post(reverse("records:rights"), data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "No client file has this archive number." in body
    assert "回拨档案手机号" in body
    made = client.post(reverse("records:rights"), {**data, "archive_number": record.archive_number})
    request_row = SubjectRequest.objects.get()
    assert made["Location"] == reverse("records:subject_request", args=[request_row.pk])
    listing = client.get(reverse("records:rights")).content.decode()
    assert "15 working days left" in listing


def test_pipl_a_registration_posted_without_its_form_marker_keeps_what_was_typed(desk):
    """Found by the hostile-input fuzz: a POST without the hidden "form" field bound neither
    form, so the page came back empty and the typed identity check was lost."""
    _org, _record, officer = desk
    data = {"kind": "access", "channel": "phone", "identity_check": "柜台核对身份证原件"}
    refused = client_verified(officer).post(reverse("records:rights"), data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "柜台核对身份证原件" in body
    assert "This field is required." in body  # the missing date is named, not ignored


def test_pipl_answering_a_request_answered_already_says_so(desk):
    """Found by the hostile-input fuzz: a second answer (another tab) was refused, but the page
    no longer shows the answer form, so the reason was never shown."""
    _org, record, officer = desk
    made = subject_requests.register(
        officer,
        Intake(kind="access", channel="phone", received_on=timezone.localdate(),
               identity_check="回拨档案手机号", record=record),
    )  # fmt: skip
    client = client_verified(officer)
    url = reverse("records:subject_request", args=[made.pk])
    assert client.post(url, {"note": "第一次答复"}).status_code == 302
    again = client.post(url, {"note": "第二次答复"}, follow=True)
    assert "This request is answered already." in again.content.decode()


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pipl_the_account_administrator_keeps_the_holiday_calendar(db):
    from access import people

    admin_person = make_person("it.admin")
    people.make_account_administrator(admin_person)
    client = client_verified(admin_person)
    added = client.post(
        reverse("admin:records_calendarday_add"),
        {"day": "2026-12-31", "working": "", "note": "元旦调休"},
    )
    assert added.status_code == 302
    assert CalendarDay.objects.get(day=date(2026, 12, 31)).working is False
    # 31st off; 1 Jan is New Year's Day once the official calendar knows 2027, else a Friday.
    assert add_working_days(date(2026, 12, 30), 1) in (date(2027, 1, 1), date(2027, 1, 4))


def test_pipl47_deleting_a_file_destroyed_already_just_says_so(desk):
    _org, record, officer = desk
    type(record).objects.filter(pk=record.pk).update(status=RecordStatus.DESTROYED)
    made = subject_requests.answer(officer, _ask(officer, "delete", record))
    assert made.outcome == SubjectRequest.Outcome.DONE
    assert "此前已销毁" in made.answer
    assert not DisposalItem.objects.filter(record=record).exists()
