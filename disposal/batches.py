"""Disposal batches: signatures, edits before approval, execution (R60, R61).

Execution destroys files in chunks of 100 per transaction: holds are read again from the holds,
the data key and every ciphertext and blind index are blanked (crypto-shredding), attachment
files are deleted from storage, grants end, and the row stays as a tombstone (archive number,
tier, department, dates, policy, batch). Paper folders become shredding tasks confirmed with a
witness. The certificate is issued when nothing is left to do.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy, workflow
from access.models import CopyRegisterEntry, User
from access.policy import Capability, RecordAction
from access.workflow import check_state, require_action, transition
from audit.models import AuditEvent
from core.refusals import Refused
from disposal import certificates, shredding
from disposal.holds import held
from disposal.models import TOP_SECRET, BatchState, DisposalBatch, DisposalItem
from disposal.sweep import open_batch
from records.models import CustomerRecord, PaperFile


def visible_batches(user: User) -> QuerySet[DisposalBatch]:
    return policy.disposal_batches(user, DisposalBatch.objects.select_related("department"))


def desk(user: User, limit: int = 50) -> list[tuple[DisposalBatch, int]]:
    """The newest batches this person sees, each with its count of files (and whether a Level 1
    file needs the security officer), in one query however many batches there are (issue 20)."""
    top_secret = DisposalItem.objects.filter(
        batch=OuterRef("pk"), active=True, record__tier=TOP_SECRET
    )
    rows = visible_batches(user).annotate(
        active_count=Count("items", filter=Q(items__active=True)),
        has_top_secret=Exists(top_secret),
    )[:limit]
    return [(batch, batch.active_count) for batch in rows]


def awaiting_signature(user: User) -> list[DisposalBatch]:
    """The batches waiting for a signature this person may give (their home page counts them)."""
    proposed = visible_batches(user).filter(state=BatchState.PROPOSED)
    return [batch for batch in proposed if "sign" in workflow.available_actions(user, batch)]


def signable_by(user: User, batch: DisposalBatch) -> list[str]:
    """The signatures still needed that this person may give."""
    return policy.batch_signatures(user, batch)


def _locked(batch: DisposalBatch) -> DisposalBatch:
    return DisposalBatch.objects.select_for_update().get(pk=batch.pk)


def sign(user: User, batch: DisposalBatch, role: str) -> DisposalBatch:
    with transaction.atomic():
        batch = _locked(batch)
        check_state(batch, "sign")
        if role not in batch.needed_signatures():
            raise Refused({"__all__": [_("This signature is not needed (any more).")]})
        decision = policy.decide_disposal_signature(
            user, role, batch.department_id, batch.signers()
        )
        if not decision.allowed:
            raise policy.Denied(decision)
        if not batch.items.filter(active=True).exists():
            raise Refused({"__all__": [_("This batch holds no files.")]})
        under_hold = held(
            CustomerRecord.objects.filter(disposal_items__batch=batch, disposal_items__active=True)
        )
        if under_hold.exists():
            numbers = ", ".join(r.audit_label() for r in under_hold)
            raise Refused(
                {
                    "__all__": [
                        _("Under a legal hold, take out first: %(items)s") % {"items": numbers}
                    ]
                }
            )
        setattr(batch, f"{role}_signed_by", user)
        setattr(batch, f"{role}_signed_at", timezone.now())
        fields = [f"{role}_signed_by", f"{role}_signed_at"]
        if batch.needed_signatures():  # a signature, not the last: the batch waits for more
            batch.save(update_fields=fields)
            audit.record(user, "disposal.signed", batch, role=role, state=batch.state)
        else:
            transition(batch, "approve", by=user, fields=fields, role=role, state="approved")
    return batch


def remove_item(user: User, item: DisposalItem, reason: str) -> None:
    """Take a file out of a batch before approval, with a reason (it may be proposed again by a
    later sweep if it is still due)."""
    if not reason.strip():
        raise Refused({"reason": [_("Say why the file is kept.")]})
    with transaction.atomic():
        batch = _locked(item.batch)
        check_state(batch, "edit")
        decision = policy.decide_disposal_edit(user, batch.department_id)
        if not decision.allowed:
            raise policy.Denied(decision)
        DisposalItem.objects.filter(pk=item.pk, active=True).update(
            active=False, removed_by=user, removed_reason=reason.strip()[:200]
        )
        # Fewer files: signatures given so far stay valid (they covered more).
        audit.record(
            user,
            "disposal.item_removed",
            batch,
            file=item.record.audit_label(),
            reason=reason.strip()[:200],
        )
        approve_when_signed(batch, by=user)


def approve_when_signed(batch: DisposalBatch, *, by: User | None) -> None:
    """A proposed batch that someone signed and that needs no other signature any more (its
    only Level 1 file was taken out) is approved: nobody else could ever sign it. The caller
    holds its row lock."""
    if (
        batch.state == BatchState.PROPOSED
        and batch.signers()
        and not batch.needed_signatures()
        and batch.items.filter(active=True).exists()
    ):
        transition(batch, "approve", by=by, role="", state="approved")


EXECUTION_CHUNK = 100


def _destroy_chunk(user: User, items: list[DisposalItem]) -> int:
    """Destroy a chunk of files in one transaction (a kill loses at most this chunk, which the
    next run redoes); holds are read afresh for the chunk, under the row locks."""
    with transaction.atomic():
        ids = [item.record_id for item in items]
        records = {
            r.pk: r
            for r in CustomerRecord.objects.select_for_update(of=("self",))
            .select_related("department")
            .filter(pk__in=ids)
        }
        holding = set(held(CustomerRecord.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        now = timezone.now()
        doomed: list[tuple[DisposalItem, CustomerRecord]] = []
        for item in items:
            record = records[item.record_id]
            if record.pk in holding or record.on_hold:
                _take_out(user, item, record, "legal hold at execution")
                continue
            policy.require(user, RecordAction.DISPOSE, record)
            doomed.append((item, record))
        why = f"batch {items[0].batch.number}" if items else "batch"
        done = shredding.shred([r for _i, r in doomed], now=now, why=why, by=user)
        for item, record in doomed:  # what its workflows keep (a folder on loan) waits
            if record.pk in done.kept:
                _take_out(user, item, record, "; ".join(done.kept[record.pk]))
                _propose_again(user, item, record)
        doomed = [(item, record) for item, record in doomed if record.pk not in done.kept]
        DisposalItem.objects.filter(pk__in=[item.pk for item, _record in doomed]).update(
            executed_at=now
        )
        for item, record in doomed:
            audit.record(
                user,
                "record.destroy",
                record,
                batch=item.batch.number,
                policy=item.policy,
                attachments_deleted=done.attachments.get(record.pk, 0),
                grants_ended=done.grants.get(record.pk, 0),
                paper_task=item.had_paper,
            )
        destroyed = len(doomed)
    return destroyed


def _take_out(user: User, item: DisposalItem, record: CustomerRecord, why: str) -> None:
    """A file execution must not destroy leaves the batch, with the reason (and its event)."""
    DisposalItem.objects.filter(pk=item.pk).update(active=False, removed_reason=why[:200])
    audit.record(
        user, "disposal.item_removed", item.batch, file=record.audit_label(), reason=why[:200]
    )


def _propose_again(user: User, item: DisposalItem, record: CustomerRecord) -> None:
    """A file still due (its retention ended, or its customer asked for deletion) that waits
    for its paper folder goes straight into the department's next batch: a deletion the
    customer was promised is not lost, and the next signatures cover it."""
    later = open_batch(record.department_id)
    DisposalItem.objects.create(
        batch=later,
        record=record,
        policy=item.policy,
        due_on=item.due_on,
        review_first=item.review_first,
        had_paper=item.had_paper,
    )
    audit.record(user, "disposal.proposed", later, files=1, kept_from=item.batch.number)


def execute(user: User, batch: DisposalBatch) -> int:
    """Destroy every file of an approved batch; safe to run again after an interruption (files
    already destroyed are skipped). Returns how many files were destroyed now."""
    with transaction.atomic():
        locked = _locked(batch)
        require_action(user, locked, "execute")
        if locked.first_event_id is None:
            locked.first_event_id = (
                AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            ) + 1
            locked.save(update_fields=["first_event_id"])
    destroyed = 0
    pending = list(
        batch.items.filter(active=True, executed_at__isnull=True)
        .select_related("batch")
        .order_by("pk")
    )
    for start in range(0, len(pending), EXECUTION_CHUNK):
        destroyed += _destroy_chunk(user, pending[start : start + EXECUTION_CHUNK])
    with transaction.atomic():
        locked = _locked(batch)
        locked.executed_by, locked.executed_at = user, timezone.now()
        transition(
            locked,
            "execute",
            by=user,
            fields=["executed_by", "executed_at"],
            files=destroyed,
            paper_tasks=locked.items.filter(active=True, had_paper=True).count(),
        )
    _chase_copies(locked)
    certificates.issue_when_done(locked)
    _compact_storage()
    return destroyed


def _compact_storage() -> None:
    """Let the database drop the old row versions that still held the destroyed keys: SQLite
    (with secure_delete on) checkpoints its write-ahead log; PostgreSQL vacuums the table.
    Outside a transaction only (VACUUM cannot run in one); a missed run is caught by the next."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            cursor.execute("VACUUM records_customerrecord")


def _chase_copies(batch: DisposalBatch) -> None:
    """Copies of destroyed files not yet confirmed destroyed: their holders are asked now."""
    open_copies = CopyRegisterEntry.objects.filter(
        request__items__record__disposal_items__batch=batch, destroyed_at__isnull=True
    ).select_related("request__requester")
    for entry in open_copies.distinct():
        if entry.request.requester.email:
            send_mail(
                f"[Baomi] 档案已销毁，请销毁复制件 / Destroy your copy: {entry.serial}",
                f"复制件 {entry.serial} 所涉档案已按保存期限销毁，"
                "请立即销毁复制件并在系统中确认。\n"
                f"The files behind copy {entry.serial} were destroyed. Destroy the copy now and "
                "confirm in Baomi.",
                None,
                [entry.request.requester.email],
            )


def check_shredding(user: User, item: DisposalItem, witness: User | None) -> None:
    """Whether ``user`` may record ``item``'s folder shredded before ``witness``: asked by the
    confirmation page first, and again when the entry is made."""
    policy.require_can(user, Capability.PAPER_ARCHIVE)
    if witness is None or getattr(witness, "pk", None) == getattr(user, "pk", None):
        raise Refused({"witness": [_("The witness must be another person.")]})
    if not item.waits_for_shredding:
        raise Refused({"__all__": [_("No paper folder waits for shredding here.")]})


def confirm_paper_shredded(user: User, item: DisposalItem, witness: User) -> DisposalItem:
    """The archivist shredded the paper folder in front of a witness (another person)."""
    with transaction.atomic():
        item = (
            DisposalItem.objects.select_for_update()
            .select_related("batch", "record")
            .get(pk=item.pk)
        )
        check_shredding(user, item, witness)
        item.paper_shredded_at = timezone.now()
        item.paper_shredded_by = user
        item.paper_witness = witness
        item.save(update_fields=["paper_shredded_at", "paper_shredded_by", "paper_witness"])
        PaperFile.objects.filter(record_id=item.record_id).delete()
        audit.record(
            user,
            "disposal.paper_shredded",
            item.record,
            batch=item.batch.number,
            witness=witness.audit_label(),
        )
    certificates.issue_when_done(item.batch)
    return item
