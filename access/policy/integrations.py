"""What an integration client may do (issue 21 §2): the firm's CRM or ERP acting through the
API under its own service identity, never as a person.

A client holds scopes and the departments it acts for; it is refused once revoked or expired.
The person side of each call stays with the person rules: a draft lands in a handler's drafts
only if that handler may register files (``capabilities``), and a person still submits it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision, Denied
from access.policy.file_state import state_refusal
from access.policy.records import RecordAction, RecordLike
from access.policy.terms import CATALOGUED


class Scope(StrEnum):
    CREATE_DRAFTS = "drafts:create"
    SET_OUTCOME = "records:outcome"
    READ_STATUS = "records:status"
    WEBHOOKS = "webhooks:receive"


SCOPE_LABELS = {
    Scope.CREATE_DRAFTS: _("Create intake drafts"),
    Scope.SET_OUTCOME: _("Set a deal outcome and contract end date"),
    Scope.READ_STATUS: _("Read a file's status and archive number"),
    Scope.WEBHOOKS: _("Receive notifications (webhooks)"),
}


class ClientLike(Protocol):
    scopes: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None

    def department_ids(self) -> frozenset[int]: ...


def decide_client(client: ClientLike) -> Decision:
    """Whether the client's token still opens anything at all."""
    if client.revoked_at is not None:
        return Decision(False, _("This client's token was revoked."))
    if client.expires_at is not None and client.expires_at <= timezone.now():
        return Decision(False, _("This client's token has expired."))
    return ALLOW


def decide_scope(client: ClientLike, scope: Scope) -> Decision:
    """May the client do ``scope`` at all (for some department)?"""
    usable = decide_client(client)
    if not usable:
        return usable
    if str(scope) not in client.scopes:
        return Decision(
            False,
            _("This client is not allowed to: %(scope)s.") % {"scope": SCOPE_LABELS[scope]},
        )
    return ALLOW


def decide_api(client: ClientLike, scope: Scope, department_id: int | None) -> Decision:
    """May the client do ``scope`` for this department?"""
    decision = decide_scope(client, scope)
    if not decision:
        return decision
    if department_id is None or department_id not in client.department_ids():
        return Decision(False, _("This client does not act for that department."))
    return ALLOW


def decide_api_record(client: ClientLike, scope: Scope, record: RecordLike) -> Decision:
    """``decide_api`` for a file's department, and what the file's state allows."""
    decision = decide_api(client, scope, record.department_id)
    if decision and scope == Scope.SET_OUTCOME:
        refused = state_refusal(RecordAction.SET_OUTCOME, record)  # as for a person
        if refused is not None:
            return refused
        if record.status not in CATALOGUED:
            return Decision(False, _("The outcome is recorded once the file is approved."))
    return decision


def require_scope(client: ClientLike, scope: Scope) -> None:
    decision = decide_scope(client, scope)
    if not decision:
        raise Denied(decision)


def require_api(client: ClientLike, scope: Scope, department_id: int | None) -> None:
    decision = decide_api(client, scope, department_id)
    if not decision:
        raise Denied(decision)


def require_api_record(client: ClientLike, scope: Scope, record: RecordLike) -> None:
    decision = decide_api_record(client, scope, record)
    if not decision:
        raise Denied(decision)
