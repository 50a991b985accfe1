"""Holds, restricted files, the sweep, the two-person rule, execution by crypto-shredding, the
tombstone and the certificate (R60, R61, PIPL Art. 47)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from pypdf import PdfReader

from access import policy
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import batches, holds, sweep
from disposal.models import BatchState, DisposalBatch, DisposalItem
from records import content as record_content
from records import crypto, paper
from records.models import CustomerRecord
from tests.factories import PERSON, approved, make_due


def _batch() -> DisposalBatch:
    return DisposalBatch.objects.get(state=BatchState.PROPOSED)


def _approve(archive_staff, batch: DisposalBatch) -> DisposalBatch:
    batches.sign(archive_staff.head, batch, "head")
    batch = batches.sign(archive_staff.keeper, batch, "archivist")
    if batch.needed_signatures():
        batch = batches.sign(archive_staff.officer, batch, "officer")
    return batch


def test_r60_the_sweep_proposes_due_files_once_per_department(archive_staff):
    staff = archive_staff
    customers = [{"full_name": f"客户{i}", "mobile": f"1390000{i:04d}"} for i in range(3)]
    due = [make_due(approved(staff.sales, staff.head, c)) for c in customers]
    approved(
        archive_staff.sales, archive_staff.head, {"full_name": "新客户", "mobile": "13911112222"}
    )  # not due
    run = sweep.propose_due()
    assert run.proposed == 3
    batch = _batch()
    assert batch.number.startswith("XH-")
    assert set(batch.items.values_list("record_id", flat=True)) == {r.pk for r in due}
    assert not batch.items.filter(review_first=True).exists()  # "no deal" says destroy
    again = sweep.propose_due()
    assert again.proposed == 0  # idempotent: nothing proposed twice
    assert DisposalItem.objects.count() == 3


def test_holds_block_the_sweep_and_freeze_the_file_restricted(archive_staff):
    record = make_due(
        approved(
            archive_staff.sales,
            archive_staff.head,
            {"full_name": "涉诉客户", "mobile": "13922223333"},
        )
    )
    holds.place(
        archive_staff.lawyer, reference="(2026)京0105民初123号", reason="诉讼", records=[record]
    )
    sweep.propose_due()
    assert not DisposalItem.objects.exists()
    record.refresh_from_db()
    assert record.restricted_at is not None
    for action in ("view", "reveal", "copy", "share_external", "borrow"):
        assert not policy.decide(archive_staff.sales, action, record), action
        assert not policy.decide(archive_staff.head, action, record), action
    assert policy.decide(
        archive_staff.lawyer, "view", record
    )  # the one exception, and audited as a view
    assert "restricted" in str(policy.decide(archive_staff.sales, "view", record).reason)


def test_a_hold_placed_on_a_proposed_file_takes_it_out_and_execution_rereads_holds(archive_staff):
    kept = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "甲", "mobile": "13933334444"}
        )
    )
    gone = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "乙", "mobile": "13933335555"}
        )
    )
    sweep.propose_due()
    batch = _approve(archive_staff, _batch())
    # A hold placed after approval: the batch keeps the item active only until execution
    # re-reads the holds; place() also takes it out at once.
    holds.place(archive_staff.lawyer, reference="监管问询", reason="问询", records=[kept])
    batches.execute(archive_staff.keeper, batch)
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.status == "approved"
    assert gone.status == "destroyed"
    certificate = DisposalBatch.objects.get(pk=batch.pk).certificate
    assert [f["archive_number"] for f in certificate.content["files"]] == [gone.archive_number]
    assert certificate.content["kept_out"][0]["archive_number"] == kept.archive_number


def test_r61_a_batch_whose_last_missing_signature_is_no_longer_needed_is_approved(archive_staff):
    """Head and archivist signed; the officer's signature was needed only for a Level 1 file,
    which is then taken out: nothing is missing any more, so the batch is approved (it stayed
    proposed for ever, and the department's sweep kept adding files to it)."""
    staff = archive_staff
    top = make_due(approved(staff.sales, staff.head))  # PERSON has an ID number: Level 1
    lower = make_due(
        approved(staff.sales, staff.head, {"full_name": "甲", "mobile": "13900001111"})
    )
    sweep.propose_due()
    batch = _batch()
    batches.sign(staff.head, batch, "head")
    batch = batches.sign(staff.keeper, batch, "archivist")
    assert batch.needed_signatures() == ["officer"]
    batches.remove_item(staff.head, batch.items.get(record=top), "客户仍有合同纠纷")
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED
    assert batches.execute(staff.keeper2, batch) == 1
    lower.refresh_from_db()
    assert lower.status == "destroyed"


def test_a_stale_flag_cannot_let_a_held_file_be_destroyed(archive_staff):
    """Direct calls: even with on_hold wrongly cleared and the file still in the batch, signing
    refuses and execution skips it, both reading the holds themselves."""
    record = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "丙", "mobile": "13944445555"}
        )
    )
    other = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "丁二", "mobile": "13944446666"}
        )
    )
    sweep.propose_due()
    batch = _batch()
    hold = holds.LegalHold.objects.create(reference="x", reason="y", placed_by=archive_staff.lawyer)
    hold.records.add(record)  # bypassing place(): no flag, item still active
    with pytest.raises(Refused) as refused:
        batches.sign(archive_staff.head, batch, "head")
    assert record.archive_number in str(refused.value)
    hold.records.remove(record)
    batch = _approve(archive_staff, batch)
    hold.records.add(record)  # held again after approval
    batches.execute(archive_staff.keeper, batch)
    record.refresh_from_db()
    other.refresh_from_db()
    assert record.status == "approved"
    assert other.status == "destroyed"


def test_r61_two_different_people_sign_and_level_1_needs_the_security_officer(archive_staff):
    top = make_due(
        approved(archive_staff.sales, archive_staff.head)
    )  # PERSON has an ID number: Level 1
    sweep.propose_due()
    batch = _batch()
    assert batch.needed_signatures() == ["head", "archivist", "officer"]
    with pytest.raises(policy.Denied):
        batches.sign(archive_staff.keeper, batch, "head")
    batches.sign(archive_staff.head, batch, "head")
    from django.contrib.auth.models import Group

    from access.roles import Role

    archive_staff.head.groups.add(Group.objects.get(name=Role.ARCHIVIST.value))
    fresh_head = type(archive_staff.head).objects.get(pk=archive_staff.head.pk)
    with pytest.raises(policy.Denied) as twice:
        batches.sign(fresh_head, batch, "archivist")
    assert "second person" in str(twice.value)
    batches.sign(archive_staff.keeper, batch, "archivist")
    with pytest.raises(Refused):
        batches.execute(archive_staff.keeper, batch)  # not approved yet: the officer has not signed
    batch = batches.sign(archive_staff.officer, batch, "officer")
    assert batch.state == BatchState.APPROVED
    assert batches.execute(archive_staff.keeper2, batch) == 1
    top.refresh_from_db()
    assert top.status == "destroyed"


@pytest.mark.django_db(transaction=True)  # a database copy needs committed data
def test_r60_after_execution_the_content_is_unrecoverable_even_with_every_key(
    archive_staff, tmp_path
):
    record = make_due(approved(archive_staff.sales, archive_staff.head))
    attachment_names = list(record.attachments.values_list("storage_name", flat=True))
    assert attachment_names
    old_key = bytes(record.wrapped_key)
    old_identity = bytes(record.sealed_identity)
    sweep.propose_due()
    batch = _approve(archive_staff, _batch())
    batches.execute(archive_staff.keeper, batch)

    record = CustomerRecord.objects.get(pk=record.pk)
    # Try every way in: the data key is gone, so no key-encryption key can unwrap it...
    with pytest.raises(crypto.KeyShredded):
        record_content.read(record)
    for version, kek in crypto.configured_keks().items():
        provider = crypto.LocalKeyProvider({version: kek})
        with pytest.raises(crypto.DecryptionFailed):
            provider.unwrap(crypto.WrappedKey(version, bytes(record.wrapped_key)), b"x")
    # ...the ciphertexts and blind indexes are blank, the attachment files deleted...
    for column in record_content.SHREDDED_FIELDS:
        assert not getattr(record, column), column
    for name in attachment_names:
        assert not storages["default"].exists(name)
    # ...and neither the old wrapped key nor the old ciphertext is anywhere in the database.
    from tests.records.test_nothing_in_clear import _database_bytes

    dump = _database_bytes(tmp_path)
    assert old_key not in dump
    assert old_identity[:48] not in dump
    assert PERSON["full_name"].encode() not in dump


def test_r61_tombstone_and_certificate(archive_staff):
    record = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "丁", "mobile": "13955556666"}
        )
    )
    paper.register_location(
        archive_staff.keeper,
        record,
        room="档案室A",
        cabinet="1",
        shelf="2",
        custodian=archive_staff.keeper,
    )
    sweep.propose_due()
    batch = _approve(archive_staff, _batch())
    batches.execute(archive_staff.keeper, batch)
    batch.refresh_from_db()
    assert not hasattr(batch, "certificate")  # the paper folder is not shredded yet
    item = batch.items.get()
    with pytest.raises(Refused):
        batches.confirm_paper_shredded(
            archive_staff.keeper, item, archive_staff.keeper
        )  # witness: someone else
    batches.confirm_paper_shredded(archive_staff.keeper, item, archive_staff.keeper2)

    tombstone = CustomerRecord.objects.get(pk=record.pk)
    assert tombstone.status == "destroyed"
    assert tombstone.archive_number == record.archive_number
    assert tombstone.tier == record.tier
    assert tombstone.department_id == record.department_id
    assert tombstone.destroyed_at is not None
    assert tombstone.retention_policy == "no-deal v1"
    assert not tombstone.paper if hasattr(tombstone, "paper") else True

    certificate = DisposalBatch.objects.get(pk=batch.pk).certificate
    content = certificate.content
    assert content["files"][0]["archive_number"] == record.archive_number
    assert content["files"][0]["paper"]["witness"] == archive_staff.keeper2.audit_label()
    assert content["approved_by"]["head"] == archive_staff.head.audit_label()
    assert content["audit_events"]["first"] <= content["audit_events"]["last"]
    assert len(certificate.content_sha256) == 64
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(certificate.pdf))).pages)
    assert "客户档案销毁证明" in text
    assert record.archive_number in text
    destroyed = AuditEvent.objects.filter(action="record.destroy", target_id=str(record.pk))
    assert destroyed.count() == 1


def test_r61_recording_a_shredding_first_shows_what_it_makes_final(archive_staff):
    """Issue 16 §6: the archivist's "shredded before this witness" is a destruction
    confirmation: the batch page first shows the folder, the witness and what the entry makes
    final; only the confirmation records it."""
    from tests.helpers import client_verified

    record = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "赵六", "mobile": "13900002222"}
        )
    )
    paper.register_location(
        archive_staff.keeper, record, room="档案室A", cabinet="1", shelf="2",
        custodian=archive_staff.keeper,
    )  # fmt: skip
    sweep.propose_due()
    batch = _approve(archive_staff, _batch())
    batches.execute(archive_staff.keeper, batch)
    item = batch.items.get()
    client = client_verified(archive_staff.keeper)
    path = f"/disposal/batches/{batch.pk}/"
    asked = {"form": "paper", "item": item.pk, "witness": archive_staff.keeper2.pk}
    page = client.post(path, asked)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="shred-confirm"' in text
    assert record.archive_number in text
    assert str(archive_staff.keeper2) in text
    assert "destruction certificate" in text
    item.refresh_from_db()
    assert item.paper_shredded_at is None
    done = client.post(path, {**asked, "understood": "yes"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.paper_witness == archive_staff.keeper2
    again = client.post(path, asked, follow=True).content.decode()
    assert 'data-testid="shred-confirm"' not in again  # nothing left to confirm
    assert "No paper folder waits for shredding here." in again


def test_a_batch_can_lose_files_with_a_reason_before_approval_only(archive_staff):
    a = make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "戊", "mobile": "13966667777"}
        )
    )
    make_due(
        approved(
            archive_staff.sales, archive_staff.head, {"full_name": "己", "mobile": "13966668888"}
        )
    )
    sweep.propose_due()
    batch = _batch()
    item = batch.items.get(record=a)
    with pytest.raises(Refused):
        batches.remove_item(archive_staff.head, item, " ")
    batches.remove_item(archive_staff.head, item, "客户重新洽谈中")
    batch = _approve(archive_staff, batch)
    other = batch.items.get(active=True)
    with pytest.raises(Refused):
        batches.remove_item(archive_staff.head, other, "太晚了")
    batches.execute(archive_staff.keeper, batch)
    a.refresh_from_db()
    assert a.status == "approved"


def test_files_of_a_review_first_policy_are_flagged_for_the_approvers(archive_staff):
    from records import consents

    record = approved(
        archive_staff.sales, archive_staff.head, {"full_name": "撤回客户", "mobile": "13988889999"}
    )
    consents.withdraw(archive_staff.sales, record)
    from records.models import CustomerRecord

    CustomerRecord.objects.filter(pk=record.pk).update(retention_until="2020-01-01")
    record.refresh_from_db()
    assert record.retention_policy == "consent-withdrawn v1"
    sweep.propose_due()
    assert _batch().items.get().review_first
