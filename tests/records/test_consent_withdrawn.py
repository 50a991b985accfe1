"""Issue 17 §3 (R11, R60, PIPL Art. 15): withdrawing consent stops processing in the policy.
The file stays for its retention period and legal duties; nobody logs communications, reveals,
copies, lends or shares it, and what was under way when consent went is called off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access import policy
from access.models import RequestState
from access.policy import RecordAction
from core.refusals import Refused
from records import consents
from records.circulation import lending, sharing
from records.models import CustomerRecord
from tests.factories import full_consent
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all
from tests.records.circulation.test_external_share import ask_share

pytestmark = pytest.mark.django_db

STOPPED = (
    RecordAction.LOG_COMMUNICATION,
    RecordAction.REVEAL,
    RecordAction.COPY,
    RecordAction.SHARE_EXTERNAL,
)


def test_r11_after_withdrawal_the_handler_keeps_the_file_but_processes_nothing(share_world):
    lending_org, *_rest, record = share_world
    owner = lending_org.owner
    for action in STOPPED:
        assert policy.decide(owner, action, record), action
    consents.withdraw(owner, record)
    record.refresh_from_db()
    assert policy.decide(owner, RecordAction.VIEW, record)
    for action in STOPPED:
        decision = policy.decide(owner, action, record)
        assert not decision, action
        assert "withdrew consent" in str(decision.reason)
    assert not policy.decide(lending_org.borrower, RecordAction.BORROW, record)


def test_r11_the_contact_log_refuses_a_new_entry_with_the_reason(share_world):
    lending_org, *_rest, record = share_world
    consents.withdraw(lending_org.owner, record)
    client = client_verified(lending_org.owner)
    response = client.post(
        reverse("records:communication", args=[record.pk]),
        {"occurred_at": timezone.localdate().isoformat(), "channel": "phone", "summary": "回访"},
    )
    assert response.status_code == 403
    assert "withdrew consent" in response.content.decode()


def test_r52_an_approved_share_not_yet_delivered_is_called_off(share_world):
    lending_org, _lawyer, officer, party, record = share_world
    req = approve_all(ask_share(lending_org, record, party), lending_org.head_a, officer)
    assert req.state == RequestState.APPROVED
    consents.withdraw(lending_org.owner, record)
    req.refresh_from_db()
    assert req.state == RequestState.CANCELLED
    with pytest.raises(Refused, match="not in a state that allows this"):
        sharing.create_link(lending_org.owner, req)


def test_r41_an_electronic_loan_ends_and_a_grant_no_longer_opens_the_file(share_world):
    lending_org, *_rest, record = share_world
    req = lending.apply(
        lending_org.borrower,
        lending.Ask(
            numbers=record.archive_number,
            purpose="客户回访",
            due_on=timezone.localdate() + timedelta(days=5),
            medium="electronic",
        ),
    )
    req = approve_all(req, lending_org.head_a)
    lending.hand_out(lending_org.archivist, req)
    assert policy.decide(lending_org.borrower, RecordAction.VIEW, record)
    consents.withdraw(lending_org.owner, record)
    record.refresh_from_db()
    assert not policy.decide(lending_org.borrower, RecordAction.VIEW, record)
    assert record not in policy.visible_records(lending_org.borrower, CustomerRecord.objects.all())
    req.refresh_from_db()
    assert req.items.get().returned_at is not None


def test_r11_a_new_consent_lets_processing_resume(share_world):
    lending_org, *_rest, record = share_world
    consents.withdraw(lending_org.owner, record)
    record.refresh_from_db()
    consents.record_consent(lending_org.owner, record, full_consent(), None)
    record.refresh_from_db()
    assert record.consent_withdrawn_at is None
    assert policy.decide(lending_org.owner, RecordAction.LOG_COMMUNICATION, record)


def test_r11_no_new_request_for_a_file_whose_consent_was_withdrawn(share_world):
    lending_org, _lawyer, _officer, party, record = share_world
    consents.withdraw(lending_org.owner, record)
    with pytest.raises(Refused) as refused:
        ask_share(lending_org, record, party)
    assert "withdrew consent" in str(refused.value)
