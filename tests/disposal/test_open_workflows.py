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
from tests.disposal.conftest import approved, make_due
from tests.helpers import make_person


def _borrower(world):
    return make_person("li.na", roles=[Role.SALES], department=world.dept, full_name="李娜")


def _ask(world, borrower, record, kind="borrow", medium=Medium.ELECTRONIC) -> AccessRequest:
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
    for step in requests.awaiting(world.head).filter(request=req):
        req = requests.sign(world.head, step, approve=True)
    return req


def _destroy(world, *records) -> DisposalBatch:
    for record in records:
        make_due(record)
    sweep.propose_due()
    batch = DisposalBatch.objects.get(state=BatchState.PROPOSED)
    batches.sign(world.head, batch, "head")
    batch = batches.sign(world.keeper, batch, "archivist")
    if batch.needed_signatures():
        batch = batches.sign(world.officer, batch, "officer")
    batches.execute(world.keeper, batch)
    return batch


def test_r60_destroying_a_file_ends_its_electronic_loan_and_the_grant(world):
    record = approved(world, {"full_name": "甲", "mobile": "13900001111"})
    borrower = _borrower(world)
    loan = _ask(world, borrower, record)
    lending.hand_out(world.keeper, loan)
    assert policy.decide(borrower, "view", record)

    _destroy(world, record)
    loan.refresh_from_db()
    assert loan.state == RequestState.CLOSED  # no loan stays "out" on a destroyed file
    assert loan.items.get().returned_at is not None
    assert not Grant.objects.active().filter(source_request=loan).exists()
    assert not workflow.open_workflows([record])
    closed = AuditEvent.objects.get(action="request.closed", target_id=str(loan.pk))
    assert closed.details["reason"] == f"batch {DisposalBatch.objects.get().number}"
    with pytest.raises(Refused):  # and the desk cannot take back what is gone
        lending.take_back(world.keeper, loan, {loan.items.get().pk: ("intact", "")})


def test_r60_a_pending_hand_over_of_a_destroyed_file_cannot_be_accepted(world):
    record = approved(world, {"full_name": "乙", "mobile": "13900002222"})
    colleague = make_person("sun.li", roles=[Role.SALES], department=world.dept)
    transfer = custody.offer(world.sales, record, colleague, "客户改由孙丽跟进")

    _destroy(world, record)
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CANCELLED
    with pytest.raises(Refused):
        custody.accept(colleague, transfer)
    record.refresh_from_db()
    assert record.handler == world.sales


def test_r60_a_paper_folder_on_loan_keeps_its_file_out_of_the_destruction(world):
    record = approved(world, {"full_name": "丙", "mobile": "13900003333"})
    paper.register_location(
        world.keeper, record, room="档案室A", cabinet="1", shelf="2", custodian=world.keeper
    )
    loan = _ask(world, _borrower(world), record, medium=Medium.PAPER)
    lending.hand_out(world.keeper, loan)

    batch = _destroy(world, record)
    record.refresh_from_db()
    assert record.status == "approved"  # not destroyed while the folder is out
    item = batch.items.get(record=record)
    assert not item.active
    assert "on loan" in item.removed_reason
    assert loan.number in item.removed_reason
    loan.refresh_from_db()
    assert loan.state == RequestState.FULFILLED  # the desk still takes the folder back


def test_r60_requests_not_handed_out_are_withdrawn_and_copies_made_stay_to_be_destroyed(world):
    record = approved(world, {"full_name": "丁", "mobile": "13900004444"})
    borrower = _borrower(world)
    waiting = _ask(world, borrower, record)  # approved, not handed out yet
    copy = _ask(world, world.sales, record, kind="copy")
    from records.circulation import copies

    copies.download(world.sales, copy)

    _destroy(world, record)
    waiting.refresh_from_db()
    copy.refresh_from_db()
    assert waiting.state == RequestState.CANCELLED
    assert copy.state == RequestState.FULFILLED  # its holder must still destroy the copy
    assert "confirm_destroyed" in workflow.available_actions(world.sales, copy)
    assert "download" not in workflow.available_actions(borrower, copy)
    with pytest.raises(policy.Denied):  # no new copy of a destroyed file
        copies.download(world.sales, copy)


def test_pipl47_restricting_a_file_withdraws_requests_and_transfers_on_it(world):
    record = approved(world, {"full_name": "戊", "mobile": "13900005555"})
    borrower = _borrower(world)
    asked = _ask(world, borrower, record)
    colleague = make_person("sun.li", roles=[Role.SALES], department=world.dept)
    transfer = custody.offer(world.sales, record, colleague, "交接")

    holds.restrict([record.pk], reason="客户要求删除，合同保存期内", actor=world.lawyer)
    asked.refresh_from_db()
    transfer.refresh_from_db()
    assert asked.state == RequestState.CANCELLED
    assert transfer.state == Transfer.State.CANCELLED
    record.refresh_from_db()
    assert record.restricted_at is not None
    assert CustomerRecord.objects.get(pk=record.pk).status == "approved"
