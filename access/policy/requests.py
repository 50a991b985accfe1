"""Borrow, copy and external-share requests: who signs them, who sees them, who acts on them
(R41, R42, R52)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision, Denied
from access.policy.roles import Person, headed_department_ids, roles_of, signed_in
from access.policy.terms import TOP_SECRET
from access.roles import Role


@dataclass(frozen=True)
class Step:
    step: int
    role: Role
    department_id: int | None = None


def approval_chain(kind: str, records: Sequence[Any], requester: Person) -> list[Step]:
    """Who signs a request, in order (R41, R42, R52): the head of every department whose files
    are asked for (management instead, where the requester heads it), in parallel; then the
    security officer for anything leaving the company and for copies of Level 1 files."""
    own = headed_department_ids(requester)
    steps = [
        Step(1, Role.MANAGEMENT if d in own else Role.DEPT_HEAD, d)
        for d in sorted({r.department_id for r in records})
    ]
    if kind == "external_share" or (kind == "copy" and any(r.tier == TOP_SECRET for r in records)):
        steps.append(Step(2, Role.SECURITY_OFFICER))
    return steps


class ApprovalLike(Protocol):
    role: str
    department_id: int | None
    decision: str


def decide_approval(user: Person, approval: ApprovalLike, requester_id: int) -> Decision:
    """May ``user`` sign this approval step? Nobody approves their own request."""
    if not signed_in(user):
        return Decision(False, _("Please sign in."))
    if requester_id == getattr(user, "pk", None):
        return Decision(False, _("Nobody may approve their own request."))
    if approval.role == Role.DEPT_HEAD:
        if approval.department_id not in headed_department_ids(user):
            return Decision(False, _("Only the head of the files' department approves this step."))
        return ALLOW
    if approval.role == Role.MANAGEMENT:
        if Role.MANAGEMENT not in roles_of(user):
            return Decision(False, _("Management approves the requests of department heads."))
        return ALLOW
    if approval.role == Role.SECURITY_OFFICER:
        if Role.SECURITY_OFFICER not in roles_of(user):
            return Decision(False, _("Only the information-security officer approves this step."))
        return ALLOW
    return Decision(False, _("This step cannot be approved here."))


def approvals_for(user: Person, approvals: QuerySet) -> QuerySet:
    """Approval rows this person could sign (whatever their state): by department or by role."""
    scope = Q(role=Role.DEPT_HEAD.value, department_id__in=headed_department_ids(user))
    if Role.SECURITY_OFFICER in roles_of(user):
        scope |= Q(role=Role.SECURITY_OFFICER.value)
    if Role.MANAGEMENT in roles_of(user):
        scope |= Q(role=Role.MANAGEMENT.value)
    return approvals.filter(scope).exclude(request__requester_id=getattr(user, "pk", None))


def visible_requests(user: Person, requests: QuerySet) -> QuerySet:
    """Requests a person may open: their own, those they approve, and at the lending desk the
    borrow requests the archive hands out. Auditors follow requests through the audit log."""
    if not signed_in(user):
        return requests.none()
    from access.models import Approval

    mine = approvals_for(user, Approval.objects.all()).values("request_id")
    scope = Q(requester_id=user.pk) | Q(pk__in=mine)
    if Role.ARCHIVIST in roles_of(user):
        scope |= Q(kind="borrow") & ~Q(state__in=["pending", "rejected", "cancelled"])
    return requests.filter(scope)


class RequestAction(StrEnum):
    """What a person does with a whole request (its files are decided by ``RecordAction``)."""

    VIEW = "view"
    # Withdraw it, make or destroy its copy, create its delivery link: only the person who asked.
    CANCEL = "cancel"
    REQUESTER = "requester"
    # Hand the files out and take them back: the archive desk.
    LEND = "lend"


def decide_request(user: Person, action: RequestAction | str, request: Any) -> Decision:
    """May ``user`` do ``action`` to a whole request, and if not, why not."""
    if not signed_in(user):
        return Decision(False, _("Please sign in."))
    from access.models import AccessRequest

    action = RequestAction(action)
    if action == RequestAction.VIEW:
        if visible_requests(user, AccessRequest.objects.filter(pk=request.pk)).exists():
            return ALLOW
        return Decision(False, _("This request is not yours, and you do not approve it."))
    if action == RequestAction.CANCEL:
        if request.requester_id != getattr(user, "pk", None):
            return Decision(False, _("Only the person who asked can withdraw a request."))
        return ALLOW
    if action == RequestAction.REQUESTER:
        if request.requester_id != getattr(user, "pk", None):
            return Decision(False, _("Only the person who asked can do this."))
        return ALLOW
    # RequestAction.LEND
    if Role.ARCHIVIST not in roles_of(user):
        return Decision(False, _("Only the archive department hands out and takes back files."))
    if request.requester_id == getattr(user, "pk", None):
        return Decision(False, _("Nobody hands files out to themselves."))
    return ALLOW


def require_request(user: Person, action: RequestAction | str, request: Any) -> None:
    """Raise ``Denied`` unless ``decide_request`` allows."""
    decision = decide_request(user, action, request)
    if not decision.allowed:
        raise Denied(decision)


def decide_signature(user: Person, request: Any) -> Decision:
    """May ``user`` sign (approve or reject) the step of ``request`` that is open now?"""
    if not signed_in(user):
        return Decision(False, _("Please sign in."))
    open_steps = approvals_for(user, request.approvals.all()).filter(
        decision="pending", step=request.current_step
    )
    if open_steps.exists():
        return ALLOW
    return Decision(False, _("Nothing on this request awaits you."))
