"""A file's destruction or restriction closes or refuses what is open on it, the same way
whichever kind it is (the workflow table's ``on_file`` column; issue 15 §2). Before the one
engine, a destroyed file left its loan "out" and a pending hand-over of it could be accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import policy, requests, workflow
from access.models import AccessRequest, Grant, Medium, RequestState, Transfer
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import batches, holds, sweep
from disposal.models import BatchState, DisposalBatch
from records import paper
from records.circulation import custody, lending
from records.models import CustomerRecord
from tests.factories import approved, make_due, make_person


def _borrower(archive_staff):
    return make_person("li.na", roles=[Role.SALES], department=archive_staff.dept, full_name="李娜")


def _ask(archive_staff, borrower, record, kind="borrow", medium=Medium.ELECTRONIC) -> AccessRequest:
    req = lending.apply(
        borrower,
        lending.Ask(
            numbers=record.archive_number,
            purpose="回访",
            due_on=timezone.localdate() + timedelta(days=5),
            medium=medium,
            kind=kind,
            copy_format="pdf" if kind == "copy" else "",
            sections=["identity"] if kind == "copy" else [],
        ),
    )
    for step in requests.awaiting(archive_staff.head).filter(request=req):
        req = requests.sign(archive_staff.head, step, approve=True)
    return req


def _destroy(archive_staff, *records) -> DisposalBatch:
    for record in records:
        make_due(record)
    sweep.propose_due()
    batch = DisposalBatch.objects.get(state=BatchState.PROPOSED)
    batches.sign(archive_staff.head, batch, "head")
    batch = batches.sign(archive_staff.keeper, batch, "archivist")
    if batch.needed_signatures():
        batch = batches.sign(archive_staff.officer, batch, "officer")
    batches.execute(archive_staff.keeper, batch)
    return batch


def test_r60_destroying_a_file_ends_its_electronic_loan_and_the_grant(archive_staff):
    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "甲", "mobile": "13900001111"}
    )
    borrower = _borrower(archive_staff)
    loan = _ask(archive_staff, borrower, record)
    lending.hand_out(archive_staff.keeper, loan)
    assert policy.decide(borrower, "view", record)

    _destroy(archive_staff, record)
    loan.refresh_from_db()
    assert loan.state == RequestState.CLOSED  # no loan stays "out" on a destroyed file
    assert loan.items.get().returned_at is not None
    assert not Grant.objects.active().filter(source_request=loan).exists()
    assert not workflow.open_workflows([record])
    closed = AuditEvent.objects.get(action="request.closed", target_id=str(loan.pk))
    assert closed.details["reason"] == f"batch {DisposalBatch.objects.get().number}"
    with pytest.raises(Refused):  # and the desk cannot take back what is gone
        lending.take_back(archive_staff.keeper, loan, {loan.items.get().pk: ("intact", "")})


def test_r60_a_pending_hand_over_of_a_destroyed_file_cannot_be_accepted(archive_staff):
    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "乙", "mobile": "13900002222"}
    )
    colleague = make_person("sun.li", roles=[Role.SALES], department=archive_staff.dept)
    transfer = custody.offer(archive_staff.sales, record, colleague, "客户改由孙丽跟进")

    _destroy(archive_staff, record)
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CANCELLED
    with pytest.raises(Refused):
        custody.accept(colleague, transfer)
    record.refresh_from_db()
    assert record.handler == archive_staff.sales


def test_r60_a_paper_folder_on_loan_keeps_its_file_out_of_the_destruction(archive_staff):
    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "丙", "mobile": "13900003333"}
    )
    paper.register_location(
        archive_staff.keeper,
        record,
        room="档案室A",
        cabinet="1",
        shelf="2",
        custodian=archive_staff.keeper,
    )
    loan = _ask(archive_staff, _borrower(archive_staff), record, medium=Medium.PAPER)
    lending.hand_out(archive_staff.keeper, loan)

    batch = _destroy(archive_staff, record)
    record.refresh_from_db()
    assert record.status == "approved"  # not destroyed while the folder is out
    item = batch.items.get(record=record)
    assert not item.active
    assert "on loan" in item.removed_reason
    assert loan.number in item.removed_reason
    loan.refresh_from_db()
    assert loan.state == RequestState.FULFILLED  # the desk still takes the folder back


def test_r60_requests_not_handed_out_are_withdrawn_and_copies_made_stay_to_be_destroyed(
    archive_staff,
):
    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "丁", "mobile": "13900004444"}
    )
    borrower = _borrower(archive_staff)
    waiting = _ask(archive_staff, borrower, record)  # approved, not handed out yet
    copy = _ask(archive_staff, archive_staff.sales, record, kind="copy")
    from records.circulation import copies

    copies.download(archive_staff.sales, copy)

    _destroy(archive_staff, record)
    waiting.refresh_from_db()
    copy.refresh_from_db()
    assert waiting.state == RequestState.CANCELLED
    assert copy.state == RequestState.FULFILLED  # its holder must still destroy the copy
    assert "confirm_destroyed" in workflow.available_actions(archive_staff.sales, copy)
    assert "download" not in workflow.available_actions(borrower, copy)
    with pytest.raises(policy.Denied):  # no new copy of a destroyed file
        copies.download(archive_staff.sales, copy)


def test_pipl47_restricting_a_file_withdraws_requests_and_transfers_on_it(archive_staff):
    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "戊", "mobile": "13900005555"}
    )
    borrower = _borrower(archive_staff)
    asked = _ask(archive_staff, borrower, record)
    colleague = make_person("sun.li", roles=[Role.SALES], department=archive_staff.dept)
    transfer = custody.offer(archive_staff.sales, record, colleague, "交接")

    holds.restrict([record.pk], reason="客户要求删除，合同保存期内", actor=archive_staff.lawyer)
    asked.refresh_from_db()
    transfer.refresh_from_db()
    assert asked.state == RequestState.CANCELLED
    assert transfer.state == Transfer.State.CANCELLED
    record.refresh_from_db()
    assert record.restricted_at is not None
    assert CustomerRecord.objects.get(pk=record.pk).status == "approved"
