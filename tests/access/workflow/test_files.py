"""A file's destruction or restriction closes or refuses what is open on it, the same way
whichever kind it is (the workflow table's ``on_file`` column; issue 15 §2). Before the one
engine, a destroyed file left its loan "out" and a pending hand-over of it could be accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access import policy, requests, workflow
from access.models import AccessRequest, Grant, Medium, RequestState, Transfer
from access.roles import Role
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import batches, holds, sweep
from disposal.models import BatchState, DisposalBatch
from records import paper
from records.circulation import custody, lending, parties, sharing
from records.models import CustomerRecord
from tests.factories import PDF, approved, make_due, make_person


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


def signed_batch(archive_staff, *records) -> DisposalBatch:
    """The batch the sweep proposes for ``records`` (made due), signed by everyone it needs."""
    for record in records:
        make_due(record)
    sweep.propose_due()
    batch = DisposalBatch.objects.get(state=BatchState.PROPOSED)
    batches.sign(archive_staff.head, batch, "head")
    batch = batches.sign(archive_staff.keeper, batch, "archivist")
    if batch.needed_signatures():
        batch = batches.sign(archive_staff.officer, batch, "officer")
    return batch


def _destroy(archive_staff, *records) -> DisposalBatch:
    batch = signed_batch(archive_staff, *records)
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
    borrower = _borrower(archive_staff)
    loan = _ask(archive_staff, borrower, record, medium=Medium.PAPER)
    lending.hand_out(archive_staff.keeper, loan)
    reading = _ask(archive_staff, borrower, record)  # and an electronic loan of the same file
    lending.hand_out(archive_staff.keeper, reading)
    colleague = make_person("sun.li", roles=[Role.SALES], department=archive_staff.dept)
    transfer = custody.offer(archive_staff.sales, record, colleague, "交接")

    batch = _destroy(archive_staff, record)
    record.refresh_from_db()
    assert record.status == "approved"  # not destroyed while the folder is out
    item = batch.items.get(record=record)
    assert not item.active
    assert "on loan" in item.removed_reason
    assert loan.number in item.removed_reason
    assert AuditEvent.objects.filter(action="disposal.item_removed", target_id=str(batch.pk))
    # The file stays, so nothing on it was touched: the loans and the transfer go on.
    for still in (loan, reading, transfer):
        still.refresh_from_db()
    assert (loan.state, reading.state) == (RequestState.FULFILLED, RequestState.FULFILLED)
    assert transfer.state == Transfer.State.PENDING
    assert policy.decide(borrower, "view", record)
    # Still due: it waits in the department's next batch, for when the folder is back.
    later = DisposalBatch.objects.get(state=BatchState.PROPOSED)
    assert later.items.get(record=record, active=True).policy == item.policy


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


def test_r52_a_delivery_already_downloaded_can_still_be_confirmed_after_its_file_goes(
    archive_staff,
):
    """An unused delivery link dies with its file; one the recipient already downloaded waits
    for the receipt (R51), which must stay recordable (it was refused as "changed meanwhile")."""
    staff = archive_staff
    party = parties.save(
        staff.lawyer, None, name="北京匠心设计工作室", kind="design_team", contact_name="刘设计",
        contact_email="", nda_signed_on=timezone.localdate() - timedelta(days=30),
        nda_expires_on=timezone.localdate() + timedelta(days=300),
        nda_document=SimpleUploadedFile("nda.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    used, unused = (
        approved(staff.sales, staff.head, {"full_name": n, "mobile": m})
        for n, m in (("甲", "13900006666"), ("乙", "13900007777"))
    )

    def deliver(record):
        req = lending.apply(
            staff.sales,
            lending.Ask(
                kind="external_share", numbers=record.archive_number, purpose="户型方案",
                due_on=timezone.localdate() + timedelta(days=5), sections=["identity"],
                external_party=party,
            ),
        )  # fmt: skip
        for person in (staff.head, staff.officer):
            for step in requests.awaiting(person).filter(request=req):
                req = requests.sign(person, step, approve=True)
        return req, sharing.create_link(staff.sales, req)

    downloaded, delivered = deliver(used)
    sharing.download(delivered.token, delivered.passcode)
    waiting, link = deliver(unused)

    _destroy(staff, used, unused)
    sharing.confirm_receipt(delivered.token, "刘设计", passcode_given=True)
    downloaded.refresh_from_db()
    assert downloaded.state == RequestState.CLOSED
    assert AuditEvent.objects.filter(action="share.receipt_confirmed").count() == 1
    waiting.refresh_from_db()
    assert waiting.state == RequestState.CLOSED  # the unused link died with its file
    with pytest.raises(Refused) as refused:
        sharing.download(link.token, link.passcode)
    assert "withdrawn" in str(refused.value)


def test_r41_a_file_whose_part_of_a_loan_ended_is_not_checked_again_at_the_return(archive_staff):
    staff = archive_staff
    kept, gone = (
        approved(staff.sales, staff.head, {"full_name": n, "mobile": m})
        for n, m in (("甲", "13900008888"), ("乙", "13900009999"))
    )
    borrower = _borrower(staff)
    loan = lending.apply(
        borrower,
        lending.Ask(
            numbers=f"{kept.archive_number} {gone.archive_number}",
            purpose="回访",
            due_on=timezone.localdate() + timedelta(days=5),
        ),
    )
    for step in requests.awaiting(staff.head).filter(request=loan):
        loan = requests.sign(staff.head, step, approve=True)
    lending.hand_out(staff.keeper, loan)

    holds.restrict([gone.pk], reason="法定保存", actor=staff.lawyer)
    # Later destroyed: its part ended already, so nothing ends twice.
    workflow.close_for_files([gone], workflow.Cause.DESTROYED, by=staff.keeper, reason="销毁")
    assert AuditEvent.objects.filter(action="request.item_ended").count() == 1
    assert [i.record for i in lending.items_out(loan)] == [kept]
    kept_item = loan.items.get(record=kept)
    lending.take_back(staff.keeper, loan, {kept_item.pk: ("intact", "")})  # only what is out
    loan.refresh_from_db()
    assert loan.state == RequestState.RETURNED
    ended = loan.items.get(record=gone)
    assert ended.return_condition == ""  # its end is not overwritten by the return check
    assert "法定保存" in ended.return_note
