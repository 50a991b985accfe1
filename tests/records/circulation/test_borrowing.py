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
from tests.factories import bare_record, let_time_pass, make_person, numbered, read_grant


def borrow(lending_org, numbers: str = "KH-2019-000001", medium: str = Medium.ELECTRONIC):
    return lending.apply(
        lending_org.borrower,
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


def test_borrow_journey_grants_reading_until_the_return_date_and_ends_on_return(lending_org):
    """R41: request -> head approves -> archive hands out (read grant) -> return ends access."""
    req = borrow(lending_org)
    assert req.number.startswith("JY-")
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)
    assert [a.request for a in requests.awaiting(lending_org.head_a)] == [req]
    assert not requests.awaiting(lending_org.head_b).exists()

    req = approve_all(req, lending_org.head_a)
    assert req.state == RequestState.APPROVED
    lending.hand_out(lending_org.archivist, req)
    grant = Grant.objects.get(source_request=req)
    assert timezone.localtime(grant.expires_at).date() == req.due_on + timedelta(days=1)
    assert policy.decide(lending_org.borrower, "view", lending_org.file)
    assert lending_org.file in policy.visible_records(
        lending_org.borrower, CustomerRecord.objects.all()
    )

    item = req.items.get()
    lending.take_back(lending_org.archivist, req, {item.pk: ("intact", "")})
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)
    actions = list(
        AuditEvent.objects.filter(target_id=str(req.pk), target_type="access.accessrequest")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["request.create", "request.approve", "request.hand_out", "request.take_back"]
    assert AuditEvent.objects.filter(action="grant.revoked").count() == 1


def test_paper_loan_checks_the_folder_out_and_a_damaged_return_opens_an_incident(lending_org):
    """R41/R73: paper goes out of its cabinet; damage found on return is reported at once."""
    PaperFile.objects.create(
        record=lending_org.file,
        room="档案室A",
        cabinet="3",
        shelf="2",
        custodian=lending_org.archivist,
    )
    req = approve_all(borrow(lending_org, medium=Medium.PAPER), lending_org.head_a)
    lending.hand_out(lending_org.archivist, req)
    folder = PaperFile.objects.get(record=lending_org.file)
    assert folder.checked_out_to == lending_org.borrower
    assert not Grant.objects.exists()  # paper loan: no electronic reading

    item = req.items.get()
    lending.take_back(lending_org.archivist, req, {item.pk: ("missing_pages", "缺第3页")})
    folder.refresh_from_db()
    assert folder.checked_out_to is None
    incident = Incident.objects.get()
    assert "KH-2019-000001" in incident.archive_numbers
    assert AccessRequestItem.objects.get().return_condition == "missing_pages"


def test_paper_loan_needs_a_paper_folder(lending_org):
    with pytest.raises(Refused) as refused:
        borrow(lending_org, medium=Medium.PAPER)
    assert "no paper folder" in str(refused.value)


def test_unknown_numbers_and_typos_are_refused_with_the_number_named(lending_org):
    with pytest.raises(Refused) as refused:
        borrow(lending_org, numbers="KH-2019-000001, KH-2019-999999, 12345")
    text = str(refused.value)
    assert "KH-2019-999999" in text
    assert "12345" in text
    assert not AccessRequest.objects.exists()


def test_nobody_approves_their_own_request_a_heads_request_goes_to_management(lending_org):
    """R41: the head's own borrow of a file of their department is signed by management."""
    req = requests.create(
        lending_org.head_a,
        requests.Application(
            kind="borrow",
            purpose="复核",
            due_on=timezone.localdate() + timedelta(days=2),
            records=[lending_org.file],
        ),
    )
    step = req.approvals.get()
    assert step.role == Role.MANAGEMENT
    assert not requests.awaiting(lending_org.head_a).exists()
    with pytest.raises(policy.Denied) as denied:
        requests.sign(lending_org.head_a, step, approve=True)
    assert "own request" in str(denied.value)
    requests.sign(lending_org.manager, step, approve=True)
    req.refresh_from_db()
    assert req.state == RequestState.APPROVED


def test_a_rejection_needs_a_reason_and_ends_the_request(lending_org):
    req = borrow(lending_org)
    step = req.approvals.get()
    with pytest.raises(Refused):
        requests.sign(lending_org.head_a, step, approve=False, comment=" ")
    requests.sign(lending_org.head_a, step, approve=False, comment="目的不明确")
    req.refresh_from_db()
    assert req.state == RequestState.REJECTED
    with pytest.raises(Refused):
        requests.sign(lending_org.head_a, step, approve=True)


def test_level_1_files_are_not_lent_to_other_departments(lending_org):
    top = numbered(bare_record(lending_org.owner, lending_org.a, tier=1), 2)
    with pytest.raises(Refused):
        borrow(lending_org, numbers=top.archive_number)
    assert not AccessRequest.objects.exists()


def test_the_borrow_form_says_the_same_for_unknown_invisible_and_destroyed_numbers(lending_org):
    """Issue 17 §5: a Level 1 file of another department, a destroyed file and a number that
    does not exist got three different answers, which told which files exist and at what level.
    A file the person cannot see answers like one that does not exist."""
    top = numbered(bare_record(lending_org.owner, lending_org.a, tier=1), 2)
    gone = numbered(bare_record(lending_org.owner, lending_org.a, tier=3, status="destroyed"), 3)
    answers = []
    for number in (top.archive_number, gone.archive_number, "KH-2019-999999"):
        with pytest.raises(Refused) as refused:
            borrow(lending_org, numbers=number)
        answers.append(str(refused.value).replace(number, "N"))
    assert answers[0] == answers[1] == answers[2], answers
    assert "Level" not in answers[0]
    assert "destroyed" not in answers[0]
    # Someone who sees the file is told why it cannot be lent (their own draft, for instance).
    draft = numbered(bare_record(lending_org.owner, lending_org.a, status="draft"), 4)
    with pytest.raises(Refused) as own:
        lending.apply(
            lending_org.owner,
            lending.Ask(numbers=draft.archive_number, purpose="复核", due_on=timezone.localdate()),
        )
    assert "Only approved files" in str(own.value)


def test_requests_spanning_departments_need_every_head(lending_org):
    other = numbered(bare_record(lending_org.head_b, lending_org.b, tier=3), 3)
    colleague = make_person("colleague", roles=[Role.LEGAL])
    req = requests.create(
        colleague,
        requests.Application(
            kind="borrow",
            purpose="合同审查",
            due_on=timezone.localdate() + timedelta(days=2),
            records=[lending_org.file, other],
        ),
    )
    req = approve_all(req, lending_org.head_a)
    assert req.state == RequestState.PENDING
    req = approve_all(req, lending_org.head_b)
    assert req.state == RequestState.APPROVED


def test_expired_grants_are_refused_before_and_after_the_sweep(lending_org):
    """Grants: expiry is enforced at decision time; the sweep only tidies the table."""
    grant = read_grant(lending_org.borrower, lending_org.file, lending_org.archivist)
    assert policy.decide(lending_org.borrower, "view", lending_org.file)
    let_time_pass(grant)
    decision = policy.decide(lending_org.borrower, "view", lending_org.file)
    assert not decision.allowed
    assert decision.expired_grant
    assert lending_org.file not in policy.visible_records(
        lending_org.borrower, CustomerRecord.objects.all()
    )
    assert grants.sweep_expired() == 1
    assert grants.sweep_expired() == 0  # idempotent
    assert not RecordUserObjectPermission.objects.exists()
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)


def test_revocation_is_immediate(lending_org):
    grant = read_grant(lending_org.borrower, lending_org.file, lending_org.archivist)
    assert policy.decide(lending_org.borrower, "view", lending_org.file)
    assert grants.revoke(grant, by=lending_org.head_a, reason="借阅目的已完成")
    assert not policy.decide(lending_org.borrower, "view", lending_org.file)
    assert not grants.revoke(grant, by=lending_org.head_a, reason="again")


def test_overlapping_grants_keep_the_later_expiry(lending_org):
    short = read_grant(lending_org.borrower, lending_org.file, lending_org.archivist, days=1)
    read_grant(lending_org.borrower, lending_org.file, lending_org.archivist, days=9)
    grants.revoke(short, by=lending_org.head_a, reason="x")
    row = RecordUserObjectPermission.objects.get()
    assert row.expires_at > timezone.now() + timedelta(days=8)


def test_only_the_archive_hands_out_and_only_once(lending_org):
    req = approve_all(borrow(lending_org), lending_org.head_a)
    with pytest.raises(policy.Denied):
        lending.hand_out(lending_org.head_a, req)
    lending.hand_out(lending_org.archivist, req)
    with pytest.raises(Refused):
        lending.hand_out(lending_org.archivist, req)
    assert Grant.objects.count() == 1


def test_the_requester_may_withdraw_before_hand_out(lending_org):
    req = borrow(lending_org)
    with pytest.raises(policy.Denied):
        requests.cancel(lending_org.head_a, req)
    requests.cancel(lending_org.borrower, req)
    req.refresh_from_db()
    assert req.state == RequestState.CANCELLED
    assert not requests.awaiting(lending_org.head_a).exists()


def test_r71_using_an_expired_grant_is_refused_and_counted_as_expired_grant_use(lending_org):
    from tests.helpers import client_verified

    let_time_pass(read_grant(lending_org.borrower, lending_org.file, lending_org.archivist))
    response = client_verified(lending_org.borrower).get(f"/records/{lending_org.file.pk}/")
    assert response.status_code == 403
    assert "ended on" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="grant.expired_use", actor=lending_org.borrower).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(action="access.denied", actor=lending_org.borrower).count() == 1
    )


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
@pytest.mark.parametrize("action", ["borrow", "copy", "share_external"])
def test_r41_r42_r52_only_approved_files_are_lent_copied_or_shared(lending_org, status, action):
    """Found while closing the borrow-form oracle: the "approved files only" refusal was a falsy
    Decision tested for truth, so it never refused (handlers and heads could copy drafts)."""
    record = bare_record(lending_org.owner, lending_org.a, tier=3, status=status)
    for person in (lending_org.owner, lending_org.head_a):
        decision = policy.decide(person, action, record)
        assert not decision.allowed, (person, action, status)
        assert "Only approved files" in str(decision.reason)
