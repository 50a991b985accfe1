"""Borrow, copy and external-share requests and their approval chains (R41, R42, R52).

Each transition is one function: it takes the acting person, asks the policy, changes the state
in one transaction with the request row locked (``select_for_update``), and writes the audit
event. Two heads approving at the same moment therefore cannot both close a step, and nothing
is granted twice. Fulfilment (handing out, copies) lives in records/, which owns the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import audit
from access import policy
from access.models import (
    AccessRequest,
    AccessRequestItem,
    Approval,
    ApprovalDecision,
    CopyFormat,
    CopyRegisterEntry,
    ExternalParty,
    Medium,
    RequestCounter,
    RequestKind,
    RequestState,
    User,
)
from access.policy import Capability, RecordAction
from access.workflow.engine import require_action, transition
from core.refusals import Message, Refused

_ACTION = {
    RequestKind.BORROW: RecordAction.BORROW,
    RequestKind.COPY: RecordAction.COPY,
    RequestKind.EXTERNAL_SHARE: RecordAction.SHARE_EXTERNAL,
}
_PREFIX = {RequestKind.BORROW: "JY", RequestKind.COPY: "FZ", RequestKind.EXTERNAL_SHARE: "DW"}


def action_for(kind: str) -> RecordAction:
    """What a request of ``kind`` asks to do with each of its files."""
    return _ACTION[RequestKind(kind)]


def chain(kind: str, records: Sequence[Any], requester: User) -> list[policy.Step]:
    """Who signs, in order (decided by the policy: ``policy.approval_chain``)."""
    return policy.approval_chain(kind, records, requester)


def _next_number(kind: str) -> str:
    year = timezone.localdate().year
    RequestCounter.objects.get_or_create(kind=kind, year=year)
    counter = RequestCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"{_PREFIX[RequestKind(kind)]}-{year}-{counter.last:06d}"


@dataclass
class Application:
    """What the requester fills in (the 借阅申请表: purpose, files and their number, dates)."""

    kind: str
    purpose: str
    due_on: date | None
    medium: str = Medium.ELECTRONIC
    records: list[Any] = field(default_factory=list)
    copy_format: str = ""
    sections: list[str] = field(default_factory=list)
    external_party: ExternalParty | None = None


def nda_problem(party: ExternalParty | None) -> Message | None:
    """Why ``party`` may not receive client data now (R52), or None."""
    if party is None:
        return _("Choose the external party that receives the files.")
    if not party.nda_valid():
        return _(
            "%(party)s has no valid confidentiality agreement (NDA) on file. Legal must record "
            "a signed, current NDA first."
        ) % {"party": party.name}
    return None


def longest_period(kind: str) -> int:
    """Days a loan or copy may last at most (settings BAOMI_MAX_BORROW_DAYS / COPY_DAYS)."""
    if kind == RequestKind.BORROW:
        return settings.BAOMI_MAX_BORROW_DAYS
    return settings.BAOMI_MAX_COPY_DAYS


def problems(requester: User, application: Application) -> dict[str, list[Message]]:
    """Everything wrong with an application, by form field, in the requester's words."""
    errors: dict[str, list[Message]] = {}
    if not application.purpose.strip():
        errors.setdefault("purpose", []).append(_("Say what the files are needed for."))
    today = timezone.localdate()
    if application.due_on is None:
        errors.setdefault("due_on", []).append(_("Give the date the files come back."))
    elif application.due_on < today:
        errors.setdefault("due_on", []).append(_("The date lies in the past."))
    elif application.due_on > today + timedelta(days=longest_period(application.kind)):
        errors.setdefault("due_on", []).append(
            _("At most %(days)d days from today.") % {"days": longest_period(application.kind)}
        )
    if not application.records:
        errors.setdefault("records", []).append(_("Name at least one file."))
    if application.kind == RequestKind.EXTERNAL_SHARE:
        problem = nda_problem(application.external_party)
        if problem:
            errors.setdefault("external_party", []).append(problem)
        if not application.sections:
            errors.setdefault("sections", []).append(_("Choose what the copy contains."))
    if application.kind == RequestKind.COPY:
        if application.copy_format not in CopyFormat.values:
            errors.setdefault("copy_format", []).append(_("Choose PDF or CSV."))
        if not application.sections:
            errors.setdefault("sections", []).append(_("Choose what the copy contains."))
    action = action_for(application.kind)
    for record in application.records:
        decision = policy.decide(requester, action, record)
        if not decision.allowed:
            errors.setdefault("records", []).append(f"{record.audit_label()}: {decision.reason}")
    return errors


def create(requester: User, application: Application) -> AccessRequest:
    """File a request; the first approvers see it at once."""
    policy.require_can(requester, Capability.REQUEST_ACCESS)
    errors = problems(requester, application)
    if errors or application.due_on is None:  # no date is one of the problems
        raise Refused(errors)
    with transaction.atomic():
        req = AccessRequest.objects.create(
            number=_next_number(application.kind),
            kind=application.kind,
            medium=application.medium,
            requester=requester,
            purpose=application.purpose.strip(),
            due_on=application.due_on,
            copy_format=application.copy_format if application.kind == RequestKind.COPY else "",
            sections=list(application.sections) if application.kind != RequestKind.BORROW else [],
            external_party=application.external_party
            if application.kind == RequestKind.EXTERNAL_SHARE
            else None,
        )
        AccessRequestItem.objects.bulk_create(
            AccessRequestItem(request=req, record_id=r.pk) for r in application.records
        )
        Approval.objects.bulk_create(
            Approval(request=req, step=s.step, role=s.role.value, department_id=s.department_id)
            for s in chain(application.kind, application.records, requester)
        )
        audit.record(
            requester,
            "request.create",
            req,
            kind=req.kind,
            medium=req.medium,
            files=[r.audit_label() for r in application.records],
            due_on=req.due_on.isoformat(),
        )
    return req


def awaiting(user: User) -> QuerySet[Approval]:
    """Approval steps waiting for this person now ("awaiting my approval")."""
    return (
        policy.approvals_for(user, Approval.objects.all())
        .filter(
            decision=ApprovalDecision.PENDING,
            request__state=RequestState.PENDING,
            step=F("request__current_step"),
        )
        .select_related("request", "request__requester", "department")
        .order_by("request__created_at")
    )


def _locked(req: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().get(pk=req.pk)


def sign(
    user: User,
    approval: Approval,
    *,
    approve: bool,
    comment: str = "",
) -> AccessRequest:
    """Approve or reject one step. A rejection ends the request; the last approval of the last
    step makes it approved."""
    with transaction.atomic():
        req = _locked(approval.request)
        step = Approval.objects.select_for_update().get(pk=approval.pk)
        decision = policy.decide_approval(user, step, req.requester_id)
        if not decision.allowed:
            raise policy.Denied(decision)
        if req.state != RequestState.PENDING or step.decision != ApprovalDecision.PENDING:
            raise Refused(_("This request was already decided."))
        if step.step != req.current_step:
            raise Refused(_("An earlier approval step is still open."))
        if not approve and not comment.strip():
            raise Refused({"comment": [_("Say why the request is rejected.")]})
        if approve and req.kind == RequestKind.EXTERNAL_SHARE:
            problem = nda_problem(req.external_party)
            if problem:
                raise Refused(problem)
        now = timezone.now()
        step.decision = ApprovalDecision.APPROVED if approve else ApprovalDecision.REJECTED
        step.decided_by = user
        step.decided_at = now
        step.comment = comment.strip()[:300]
        step.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        if not approve:
            req.decided_at = now
            transition(req, "reject", by=user, fields=["decided_at"], step=step.step)
            req.approvals.filter(decision=ApprovalDecision.PENDING).update(
                decision=ApprovalDecision.CANCELLED
            )
            return req
        open_steps = sorted(
            set(
                req.approvals.filter(decision=ApprovalDecision.PENDING).values_list(
                    "step", flat=True
                )
            )
        )
        if open_steps:  # the next step opens; the request stays pending
            req.current_step = open_steps[0]
            req.save(update_fields=["current_step"])
            audit.record(user, "request.approve", req, step=step.step, final=False, role=step.role)
        else:
            req.decided_at = now
            transition(
                req, "approve", by=user, fields=["decided_at"], step=step.step, final=True,
                role=step.role,
            )  # fmt: skip
    return req


def cancel(user: User, req: AccessRequest) -> AccessRequest:
    """The requester withdraws a request that has not been handed out yet."""
    with transaction.atomic():
        req = _locked(req)
        require_action(user, req, "cancel")
        withdraw(req, by=user)
    return req


def withdraw(req: AccessRequest, *, by: User | None, **why: str) -> None:
    """End a request not handed out yet, with its open approval steps: the requester's own
    withdrawal, or ``why`` (reason, file) when its file went or its requester left. The caller
    holds the row lock and has checked who may."""
    req.closed_at, req.closed_by = timezone.now(), by
    transition(req, "cancel", by=by, fields=["closed_at", "closed_by"], **why)
    req.approvals.filter(decision=ApprovalDecision.PENDING).update(
        decision=ApprovalDecision.CANCELLED
    )


def end_of_day(day: date) -> datetime:
    """A loan "until 30 November" lasts to the end of that day in the company's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def lock_for(user: User, req: AccessRequest, action: str) -> AccessRequest:
    """Lock a request and check that ``user`` may do ``action`` on it now (the workflow's
    verbs: hand_out and take_back at the desk, download, confirm_destroyed and create_link for
    the requester)."""
    locked = _locked(req)
    require_action(user, locked, action)
    return locked


def mine(user: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(requester_id=getattr(user, "pk", None)).prefetch_related(
        "items__record"
    )


def loans_of(user: User) -> QuerySet[AccessRequest]:
    """What ``user`` has out on loan now, soonest due first: their to-do until returned."""
    return (
        mine(user).filter(kind=RequestKind.BORROW, state=RequestState.FULFILLED).order_by("due_on")
    )


def lending_desk() -> dict[str, QuerySet[AccessRequest]]:
    """Approved borrow requests to hand out, and loans out to take back (oldest first)."""
    borrow = AccessRequest.objects.filter(kind=RequestKind.BORROW).select_related("requester")
    return {
        "to_hand_out": borrow.filter(state=RequestState.APPROVED).order_by("decided_at"),
        "on_loan": borrow.filter(state=RequestState.FULFILLED).order_by("due_on"),
    }


@dataclass(frozen=True)
class History:
    """What an approver weighs about the person asking (issue 16 §3)."""

    on_loan: int  # loans out now
    overdue: int  # of which past their return date
    copies_out: int  # copies not yet confirmed destroyed
    refused: int  # requests refused in the past year


def history_of(person: User) -> History:
    mine = AccessRequest.objects.filter(requester=person)
    loans = loans_of(person)
    year_ago = timezone.now() - timedelta(days=365)
    return History(
        on_loan=loans.count(),
        overdue=loans.filter(due_on__lt=timezone.localdate()).count(),
        copies_out=CopyRegisterEntry.objects.filter(
            request__requester=person, destroyed_at__isnull=True
        ).count(),
        refused=mine.filter(state=RequestState.REJECTED, created_at__gte=year_ago).count(),
    )
