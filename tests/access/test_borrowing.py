"""Borrowing (R41), approvals and read grants: services as users drive them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import grants, policy, requests
from access.models import (
    AccessRequest,
    AccessRequestItem,
    Grant,
    Medium,
    RecordUserObjectPermission,
    RequestState,
)
from access.roles import Role
from audit.models import AuditEvent, Incident
from core.refusals import Refused
from records.circulation import lending
from records.models import CustomerRecord, PaperFile
from tests.access.conftest import bare_record, let_time_pass, numbered, read_grant
from tests.helpers import make_person


def borrow(org, numbers: str = "KH-2019-000001", medium: str = Medium.ELECTRONIC):
    return lending.apply(
        org.borrower,
        lending.Ask(
            numbers=numbers,
            purpose="客户回访，核对合同条款",
            due_on=timezone.localdate() + timedelta(days=5),
            medium=medium,
        ),
    )


def approve_all(req: AccessRequest, *people) -> AccessRequest:
    for person in people:
        for step in requests.awaiting(person).filter(request=req):
            req = requests.sign(person, step, approve=True)
    return req


def test_borrow_journey_grants_reading_until_the_return_date_and_ends_on_return(org):
    """R41: request -> head approves -> archive hands out (read grant) -> return ends access."""
    req = borrow(org)
    assert req.number.startswith("JY-")
    assert not policy.decide(org.borrower, "view", org.file)
    assert [a.request for a in requests.awaiting(org.head_a)] == [req]
    assert not requests.awaiting(org.head_b).exists()

    req = approve_all(req, org.head_a)
    assert req.state == RequestState.APPROVED
    lending.hand_out(org.archivist, req)
    grant = Grant.objects.get(source_request=req)
    assert timezone.localtime(grant.expires_at).date() == req.due_on + timedelta(days=1)
    assert policy.decide(org.borrower, "view", org.file)
    assert org.file in policy.visible_records(org.borrower, CustomerRecord.objects.all())

    item = req.items.get()
    lending.take_back(org.archivist, req, {item.pk: ("intact", "")})
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED
    assert not policy.decide(org.borrower, "view", org.file)
    actions = list(
        AuditEvent.objects.filter(target_id=str(req.pk), target_type="access.accessrequest")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["request.create", "request.approve", "request.hand_out", "request.take_back"]
    assert AuditEvent.objects.filter(action="grant.revoked").count() == 1


def test_paper_loan_checks_the_folder_out_and_a_damaged_return_opens_an_incident(org):
    """R41/R73: paper goes out of its cabinet; damage found on return is reported at once."""
    PaperFile.objects.create(
        record=org.file, room="档案室A", cabinet="3", shelf="2", custodian=org.archivist
    )
    req = approve_all(borrow(org, medium=Medium.PAPER), org.head_a)
    lending.hand_out(org.archivist, req)
    folder = PaperFile.objects.get(record=org.file)
    assert folder.checked_out_to == org.borrower
    assert not Grant.objects.exists()  # paper loan: no electronic reading

    item = req.items.get()
    lending.take_back(org.archivist, req, {item.pk: ("missing_pages", "缺第3页")})
    folder.refresh_from_db()
    assert folder.checked_out_to is None
    incident = Incident.objects.get()
    assert "KH-2019-000001" in incident.archive_numbers
    assert AccessRequestItem.objects.get().return_condition == "missing_pages"


def test_paper_loan_needs_a_paper_folder(org):
    with pytest.raises(Refused) as refused:
        borrow(org, medium=Medium.PAPER)
    assert "no paper folder" in str(refused.value)


def test_unknown_numbers_and_typos_are_refused_with_the_number_named(org):
    with pytest.raises(Refused) as refused:
        borrow(org, numbers="KH-2019-000001, KH-2019-999999, 12345")
    text = str(refused.value)
    assert "KH-2019-999999" in text
    assert "12345" in text
    assert not AccessRequest.objects.exists()


def test_nobody_approves_their_own_request_a_heads_request_goes_to_management(org):
    """R41: the head's own borrow of a file of their department is signed by management."""
    req = requests.create(
        org.head_a,
        requests.Application(
            kind="borrow",
            purpose="复核",
            due_on=timezone.localdate() + timedelta(days=2),
            records=[org.file],
        ),
    )
    step = req.approvals.get()
    assert step.role == Role.MANAGEMENT
    assert not requests.awaiting(org.head_a).exists()
    with pytest.raises(policy.Denied) as denied:
        requests.sign(org.head_a, step, approve=True)
    assert "own request" in str(denied.value)
    requests.sign(org.manager, step, approve=True)
    req.refresh_from_db()
    assert req.state == RequestState.APPROVED


def test_a_rejection_needs_a_reason_and_ends_the_request(org):
    req = borrow(org)
    step = req.approvals.get()
    with pytest.raises(Refused):
        requests.sign(org.head_a, step, approve=False, comment=" ")
    requests.sign(org.head_a, step, approve=False, comment="目的不明确")
    req.refresh_from_db()
    assert req.state == RequestState.REJECTED
    with pytest.raises(Refused):
        requests.sign(org.head_a, step, approve=True)


def test_level_1_files_are_not_lent_to_other_departments(org):
    top = numbered(bare_record(org.owner, org.a, tier=1), 2)
    with pytest.raises(Refused) as refused:
        borrow(org, numbers=top.archive_number)
    assert "Level 1" in str(refused.value)


def test_requests_spanning_departments_need_every_head(org):
    other = numbered(bare_record(org.head_b, org.b, tier=3), 3)
    colleague = make_person("colleague", roles=[Role.LEGAL])
    req = requests.create(
        colleague,
        requests.Application(
            kind="borrow",
            purpose="合同审查",
            due_on=timezone.localdate() + timedelta(days=2),
            records=[org.file, other],
        ),
    )
    req = approve_all(req, org.head_a)
    assert req.state == RequestState.PENDING
    req = approve_all(req, org.head_b)
    assert req.state == RequestState.APPROVED


def test_expired_grants_are_refused_before_and_after_the_sweep(org):
    """Grants: expiry is enforced at decision time; the sweep only tidies the table."""
    grant = read_grant(org.borrower, org.file, org.archivist)
    assert policy.decide(org.borrower, "view", org.file)
    let_time_pass(grant)
    decision = policy.decide(org.borrower, "view", org.file)
    assert not decision.allowed
    assert decision.expired_grant
    assert org.file not in policy.visible_records(org.borrower, CustomerRecord.objects.all())
    assert grants.sweep_expired() == 1
    assert grants.sweep_expired() == 0  # idempotent
    assert not RecordUserObjectPermission.objects.exists()
    assert not policy.decide(org.borrower, "view", org.file)


def test_revocation_is_immediate(org):
    grant = read_grant(org.borrower, org.file, org.archivist)
    assert policy.decide(org.borrower, "view", org.file)
    assert grants.revoke(grant, by=org.head_a, reason="借阅目的已完成")
    assert not policy.decide(org.borrower, "view", org.file)
    assert not grants.revoke(grant, by=org.head_a, reason="again")


def test_overlapping_grants_keep_the_later_expiry(org):
    short = read_grant(org.borrower, org.file, org.archivist, days=1)
    read_grant(org.borrower, org.file, org.archivist, days=9)
    grants.revoke(short, by=org.head_a, reason="x")
    row = RecordUserObjectPermission.objects.get()
    assert row.expires_at > timezone.now() + timedelta(days=8)


def test_only_the_archive_hands_out_and_only_once(org):
    req = approve_all(borrow(org), org.head_a)
    with pytest.raises(policy.Denied):
        lending.hand_out(org.head_a, req)
    lending.hand_out(org.archivist, req)
    with pytest.raises(Refused):
        lending.hand_out(org.archivist, req)
    assert Grant.objects.count() == 1


def test_the_requester_may_withdraw_before_hand_out(org):
    req = borrow(org)
    with pytest.raises(policy.Denied):
        requests.cancel(org.head_a, req)
    requests.cancel(org.borrower, req)
    req.refresh_from_db()
    assert req.state == RequestState.CANCELLED
    assert not requests.awaiting(org.head_a).exists()


def test_r71_using_an_expired_grant_is_refused_and_counted_as_expired_grant_use(org):
    from tests.helpers import client_verified

    let_time_pass(read_grant(org.borrower, org.file, org.archivist))
    response = client_verified(org.borrower).get(f"/records/{org.file.pk}/")
    assert response.status_code == 403
    assert "ended on" in response.content.decode()
    assert AuditEvent.objects.filter(action="grant.expired_use", actor=org.borrower).count() == 1
    assert AuditEvent.objects.filter(action="access.denied", actor=org.borrower).count() == 1
