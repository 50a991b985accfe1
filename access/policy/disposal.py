"""Disposal batches (R60, R61): who sees them, edits them and signs them."""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.capabilities import Capability, can, refusal
from access.policy.decisions import ALLOW, Decision
from access.policy.roles import Person, headed_department_ids, roles_of
from access.roles import Role

DISPOSAL_SIGNATURES = ("head", "archivist", "officer")


def disposal_batches(user: Person, batches: QuerySet) -> QuerySet:
    """Batches a person sees: archivists and the security officer all, heads their
    departments'."""
    if not can(user, Capability.DISPOSAL_DESK):
        return batches.none()
    if roles_of(user) & {Role.ARCHIVIST, Role.SECURITY_OFFICER}:
        return batches
    return batches.filter(department_id__in=headed_department_ids(user))


def decide_disposal_edit(user: Person, department_id: int) -> Decision:
    """Taking files out of a proposed batch: the archive, or the head of its department."""
    if Role.ARCHIVIST in roles_of(user) or department_id in headed_department_ids(user):
        return ALLOW
    return Decision(False, _("Only the archive and the department head edit a batch."))


def decide_disposal_signature(
    user: Person, role: str, department_id: int, already_signed: list[int]
) -> Decision:
    """May ``user`` sign a disposal batch as ``role`` ("head", "archivist", "officer")? Two
    different people at least: nobody signs a batch twice, whatever roles they hold."""
    if getattr(user, "pk", None) in already_signed:
        return Decision(False, _("You signed this batch already: a second person must sign."))
    roles = roles_of(user)
    if role == "head" and department_id not in headed_department_ids(user):
        return Decision(False, _("Only the head of the files' department signs here."))
    if role == "archivist" and Role.ARCHIVIST not in roles:
        return Decision(False, _("Only an archivist signs here."))
    if role == "officer" and Role.SECURITY_OFFICER not in roles:
        return Decision(False, _("Only the information-security officer signs here."))
    if role not in DISPOSAL_SIGNATURES:
        raise ValueError(f"unknown disposal signature {role!r}")
    return ALLOW


class BatchLike(Protocol):
    department_id: int

    def needed_signatures(self) -> list[str]: ...

    def signers(self) -> list[int]: ...


def batch_signatures(user: Person, batch: BatchLike) -> list[str]:
    """The signatures a batch still needs that this person may give."""
    return [
        role
        for role in batch.needed_signatures()
        if decide_disposal_signature(user, role, batch.department_id, batch.signers()).allowed
    ]


def decide_batch_signature(user: Person, batch: BatchLike) -> Decision:
    """May ``user`` give one of the signatures the batch still needs?"""
    if not can(user, Capability.DISPOSAL_DESK):
        return Decision(False, _("Only the archive, the department head and the officer sign."))
    if batch_signatures(user, batch):
        return ALLOW
    return Decision(False, _("No signature you may give is needed on this batch."))


def decide_disposal_execution(user: Person, batch: BatchLike) -> Decision:
    """Executing an approved batch, and confirming its paper shredded: the archive."""
    return ALLOW if can(user, Capability.PAPER_ARCHIVE) else refusal(Capability.PAPER_ARCHIVE)
