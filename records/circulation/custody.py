"""Who holds a client file: transfers between colleagues (R51) and hand-overs when someone
leaves or changes role (R62).

A transfer is complete only when the receiver confirms receipt; until then the sender stays the
handler and responsible. A hand-over moves everything a person holds to a named receiver in one
transaction and closes every door the person had: grants, open requests, sessions and (when
leaving) second factors and the account. It refuses to start while the person still holds a
paper folder or a copy not confirmed destroyed: nothing may be taken along.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import people, policy, workflow
from access.models import (
    AccessRequest,
    CopyRegisterEntry,
    ExitPledge,
    Handover,
    RequestState,
    Transfer,
    User,
)
from access.policy import RecordAction
from access.workflow import Cause, require_action, transition
from core.refusals import Message, Refused
from records.circulation import pledges
from records.classification import Tier
from records.models import CustomerRecord, PaperFile
from records.paper import MARKS
from records.pdf import Column, Document, chinese

# --- Transfers (R51) ---------------------------------------------------------------------------


def offer(
    sender: User,
    record: CustomerRecord,
    receiver: User,
    reason: str,
) -> Transfer:
    """Hand ``record`` to ``receiver``, who must confirm receipt."""
    policy.require(sender, RecordAction.TRANSFER, record)
    problems: dict[str, list[Message]] = {}
    fit = policy.may_receive(receiver, record)
    if not fit.allowed:
        problems["receiver"] = [str(fit.reason)]
    if receiver.pk == record.handler_id:
        problems["receiver"] = [_("This person holds the file already.")]
    if not reason.strip():
        problems["reason"] = [_("Say why the file changes hands.")]
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        CustomerRecord.objects.select_for_update().get(pk=record.pk)
        if Transfer.objects.filter(record=record, state=Transfer.State.PENDING).exists():
            raise Refused({"__all__": [_("This file is already being handed over.")]})
        transfer = Transfer.objects.create(
            record=record, sender=sender, receiver=receiver, reason=reason.strip()[:300]
        )
        audit.record(
            sender,
            "record.transfer_offered",
            record,
            receiver=receiver.audit_label(),
        )
    return transfer


def _answer(user: User, transfer: Transfer, action: str) -> Transfer:
    """Lock a transfer its receiver answers, its file first (the order a destruction locks
    them in, so the two cannot deadlock): someone else is refused before anything is said
    about its state."""
    list(CustomerRecord.objects.select_for_update().filter(pk=transfer.record_id).values("pk"))
    locked = Transfer.objects.select_for_update().select_related("record").get(pk=transfer.pk)
    require_action(user, locked, action)
    return locked


def accept(user: User, transfer: Transfer) -> Transfer:
    """The receiver confirms receipt; from now on the file is theirs."""
    with transaction.atomic():
        transfer = _answer(user, transfer, "accept")
        record = transfer.record
        fit = policy.may_receive(user, record)
        if not fit.allowed:
            raise policy.Denied(fit)
        record.handler_id = transfer.receiver_id
        record.save(update_fields=["handler", "updated_at"])
        transfer.answered_at = timezone.now()
        transition(
            transfer, "accept", by=user, target=record, fields=["answered_at"],
            sender=transfer.sender.audit_label(),
        )  # fmt: skip
    return transfer


def decline(user: User, transfer: Transfer, note: str) -> Transfer:
    with transaction.atomic():
        transfer = _answer(user, transfer, "decline")
        transfer.answered_at = timezone.now()
        transfer.answer_note = note.strip()[:200]
        fields = ["answered_at", "answer_note"]
        transition(transfer, "decline", by=user, target=transfer.record, fields=fields)
    return transfer


def incoming(user: User):
    return Transfer.objects.filter(
        receiver_id=getattr(user, "pk", None), state=Transfer.State.PENDING
    ).select_related("record", "sender", "record__department")


# --- Hand-over (R62) ---------------------------------------------------------------------------


@dataclass
class Preview:
    """What a hand-over would do, and what stops it, shown before it is confirmed."""

    records: list[CustomerRecord]
    grants: int
    open_requests: int
    paper_out: list[str] = field(default_factory=list)
    copies_out: list[str] = field(default_factory=list)
    # R81: a leaver signs the exit pledge first (None: not prepared yet, or not leaving).
    leaving: bool = False
    pledge: ExitPledge | None = None

    @property
    def pledge_missing(self) -> bool:
        """A leaver whose pledge is not signed yet: the hand-over waits for it."""
        return self.leaving and not (self.pledge and self.pledge.signed)

    @property
    def blocked(self) -> bool:
        return bool(self.paper_out or self.copies_out)


def preview(actor: User, person: User, *, reason: str = "") -> Preview:
    policy.require_can(actor, policy.Capability.OFFBOARDING)
    decision = policy.decide_offboarding(actor, person)
    if not decision.allowed:
        raise policy.Denied(decision)
    records = list(
        CustomerRecord.objects.filter(handler=person)
        .exclude(status="destroyed")
        .select_related("department")
        .order_by("archive_number", "created_at")
    )
    return Preview(
        records=records,
        grants=person.grants.active().count(),
        open_requests=AccessRequest.objects.filter(
            requester=person, state__in=[RequestState.PENDING, RequestState.APPROVED]
        ).count(),
        paper_out=[
            f.record.filed_number
            for f in PaperFile.objects.filter(checked_out_to=person).select_related("record")
        ],
        copies_out=list(
            CopyRegisterEntry.objects.filter(
                request__requester=person, destroyed_at__isnull=True
            ).values_list("serial", flat=True)
        ),
        leaving=reason == Handover.Reason.LEAVING,
        pledge=pledges.waiting_for(person) if reason == Handover.Reason.LEAVING else None,
    )


def hand_over(
    actor: User,
    person: User,
    receiver: User,
    reason: str,
    note: str = "",
) -> Handover:
    """Move everything ``person`` holds to ``receiver`` and close their access, in one
    transaction. Raises ``Refused`` listing what must come back first."""
    seen = preview(actor, person, reason=reason)
    if seen.blocked:
        problems: list[Message] = []
        if seen.paper_out:
            problems.append(
                _("Paper folders still lent to this person: %(items)s")
                % {"items": ", ".join(seen.paper_out)}
            )
        if seen.copies_out:
            problems.append(
                _("Copies not confirmed destroyed: %(items)s")
                % {"items": ", ".join(seen.copies_out)}
            )
        raise Refused({"__all__": problems})
    if receiver.pk == person.pk:
        raise Refused({"receiver": [_("Choose someone else to receive the files.")]})
    unfit: list[Message] = [
        f"{r.audit_label()}: {d.reason}"
        for r in seen.records
        if not (d := policy.may_receive(receiver, r)).allowed
    ]
    if unfit:
        raise Refused({"receiver": unfit})
    if seen.pledge_missing:
        raise Refused(
            {
                "__all__": [
                    _(
                        "The exit confidentiality pledge is not signed yet. Prepare it below: "
                        "the person confirms it in Baomi, or signs it on paper and you upload "
                        "the scan. The account is closed only after that."
                    )
                ]
            }
        )
    with transaction.atomic():
        records = list(
            CustomerRecord.objects.select_for_update().filter(pk__in=[r.pk for r in seen.records])
        )
        for record in records:
            record.handler = receiver
            record.save(update_fields=["handler", "updated_at"])
            audit.record(
                actor,
                "record.handed_over",
                record,
                person=person.audit_label(),
                receiver=receiver.audit_label(),
            )
        leaving = reason == Handover.Reason.LEAVING
        closed = people.offboard(actor, person, leaving=leaving, reason=reason)
        # Their own transfers are called off above; whatever else is open on the files now held
        # by the receiver follows the workflow table.
        workflow.close_for_files(
            records, Cause.HANDED_OVER, by=actor, reason=f"hand-over ({reason})"
        )
        handover = Handover.objects.create(
            person=person,
            receiver=receiver,
            started_by=actor,
            reason=reason,
            note=note.strip()[:300],
            record_ids=[str(r.pk) for r in records],
            grants_revoked=closed.grants_revoked,
            requests_cancelled=closed.requests_cancelled,
            devices_removed=closed.devices_removed,
            sessions_ended=closed.sessions_ended,
            account_disabled=closed.account_disabled,
        )
        if seen.pledge is not None:  # kept with the hand-over it belongs to
            ExitPledge.objects.filter(pk=seen.pledge.pk).update(handover=handover)
        audit.record(
            actor,
            "person.handed_over",
            person,
            reason=reason,
            receiver=receiver.audit_label(),
            files=len(records),
            grants_revoked=closed.grants_revoked,
            requests_cancelled=closed.requests_cancelled,
            requests_closed=closed.requests_closed,
            transfers_cancelled=closed.transfers_cancelled,
            sessions_ended=closed.sessions_ended,
            devices_removed=closed.devices_removed,
            account_disabled=closed.account_disabled,
        )
    return handover


def handover_sheet(actor: User, handover: Handover) -> bytes:
    """The written hand-over (书面交接单) as a PDF: who, to whom, when, every file, signatures."""
    decision = policy.decide_offboarding(actor, handover.person)
    if not decision.allowed and getattr(actor, "pk", None) != handover.receiver_id:
        raise policy.Denied(decision)
    records = list(
        CustomerRecord.objects.filter(pk__in=handover.record_ids)
        .select_related("department")
        .order_by("archive_number", "created_at")
    )
    when = timezone.localtime(handover.completed_at).strftime("%Y-%m-%d %H:%M")
    doc = Document(
        f"客户档案交接单 {handover.pk}",
        heading="客户档案交接单",
        footer=f"交接单 {handover.pk} · {when} · 保密资料",
    )
    doc.facts(
        [
            ("交接原因", chinese(Handover.Reason(handover.reason).label)),
            ("移交人", str(handover.person)),
            ("接收人", str(handover.receiver)),
            ("经办人", str(handover.started_by)),
            ("交接时间", when),
            ("档案份数", str(len(records))),
            ("撤销授权", str(handover.grants_revoked)),
            ("账号停用", "是" if handover.account_disabled else "否"),
        ],
        at=45,
    )
    doc.space(4)
    doc.table(
        [Column("档案编号", 20), Column("密级", 70), Column("所属部门", 110)],
        [(r.audit_label(), MARKS[Tier(r.tier)], r.department.name) for r in records],
        size=11,
    )
    doc.space(10)
    doc.text("移交人签字：__________    接收人签字：__________    经办人签字：__________", size=11)
    data = doc.finish()
    audit.record(actor, "person.handover_sheet", handover, files=len(records))
    return data
