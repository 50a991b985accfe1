"""Every workflow of the system in one table: its states, the moves between them (each move
writes exactly one audit event), what a person may do in each state (verbs, decided by the
policy), and what happens to an open workflow when its file is destroyed, restricted or handed
over.

Borrowing, copies and external shares are ``AccessRequest`` rows told apart by their kind;
transfers, emergency accesses, disposal batches and customers' requests have their own models.
Models are named by their label, so access/ imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from access import policy
from access.policy import Capability, Decision, Person, RecordAction, RequestAction
from core.refusals import Message


class Cause(StrEnum):
    """Why the file under a workflow goes away from it."""

    DESTROYED = "destroyed"
    RESTRICTED = "restricted"  # kept for the law only: legal alone may open it
    HANDED_OVER = "handed_over"  # its handler left or changed role; a receiver holds it now
    CONSENT_WITHDRAWN = "consent_withdrawn"  # kept for the law; no loan, copy or share goes on


class OnFile(StrEnum):
    """What happens to an open workflow when its file goes (``Cause``)."""

    KEEP = "keep"  # stays open: a copy still to be confirmed destroyed, a review still due
    CANCEL = "cancel"  # nothing handed out yet: withdrawn, with the reason
    # A delivery to an external party: an unused link dies (the request closes); one already
    # downloaded stays open for the recipient's receipt.
    END_DELIVERY = "end_delivery"
    # A loan: electronic, this file's part ends (its grant is revoked) and the loan closes when
    # no file is left; paper, the folder must come back first (a destruction is refused, a
    # restriction keeps the loan open until the desk takes the folder back).
    END_LOAN = "end_loan"


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    to: str
    event: str  # the audit action ``transition`` writes


@dataclass(frozen=True)
class Verb:
    """Something a person does on a workflow object, from some states, if the policy allows."""

    states: tuple[str, ...]
    decide: Callable[[Person, Any], Decision]
    not_now: Message  # why not, when the object's state does not allow it


@dataclass(frozen=True)
class Machine:
    key: str
    model: str  # "app_label.ModelName"
    kind: str | None  # for AccessRequest: the kind this machine runs
    initial: str  # the state a new object starts in (its creation is its own event)
    open_states: frozenset[str]
    moves: Mapping[str, Move]
    verbs: Mapping[str, Verb]
    # How to find the objects open on a file: the lookup to the file, and any other condition.
    file_lookup: str
    file_filter: Mapping[str, Any] = field(default_factory=dict)
    on_file: Mapping[Cause, Mapping[str, OnFile]] = field(default_factory=dict)


# --- Verbs: the policy decides who; the states decide when ------------------------------------


def _request(action: RequestAction) -> Callable[[Person, Any], Decision]:
    return lambda user, req: policy.decide_request(user, action, req)


def _lending_desk(user: Person, req: Any) -> Decision:
    if not policy.can(user, Capability.LENDING_DESK):
        return policy.refusal(Capability.LENDING_DESK)
    return policy.decide_request(user, RequestAction.LEND, req)


DECIDED = _("This request was already decided.")
NOT_NOW = _("This request is not in a state that allows this.")
NOT_AT_DESK = _("This request is not waiting at the lending desk.")

SIGN = Verb(("pending",), policy.decide_signature, DECIDED)
CANCEL = Verb(
    ("pending", "approved"),
    _request(RequestAction.CANCEL),
    _("Only a request that was not handed out yet can be withdrawn."),
)
REQUESTER = _request(RequestAction.REQUESTER)


def _copy_download(user: Person, req: Any) -> Decision:
    """The requester, while every file may still be copied (a borrow behind it may end, the
    file may have been destroyed or restricted since)."""
    decision = REQUESTER(user, req)
    for item in req.items.select_related("record") if decision.allowed else ():
        decision = policy.decide(user, RecordAction.COPY, item.record)
        if not decision.allowed:
            break
    return decision


# --- Requests: borrow (R41), copy (R42), external share (R52) ----------------------------------

_DECISION_MOVES = {
    "approve": Move(("pending",), "approved", "request.approve"),
    "reject": Move(("pending",), "rejected", "request.reject"),
    "cancel": Move(("pending", "approved"), "cancelled", "request.cancel"),
}
_REQUEST_OPEN = frozenset({"pending", "approved", "fulfilled"})
_NOT_HANDED_OUT = {"pending": OnFile.CANCEL, "approved": OnFile.CANCEL}

BORROW = Machine(
    key="borrow",
    file_lookup="items__record",
    file_filter={"items__returned_at__isnull": True},  # a file whose part ended is off the loan
    model="access.AccessRequest",
    kind="borrow",
    initial="pending",
    open_states=_REQUEST_OPEN,
    moves={
        **_DECISION_MOVES,
        "hand_out": Move(("approved",), "fulfilled", "request.hand_out"),
        "take_back": Move(("fulfilled",), "returned", "request.take_back"),
        "close": Move(("fulfilled",), "closed", "request.closed"),
    },
    verbs={
        "sign": SIGN,
        "cancel": CANCEL,
        "hand_out": Verb(("approved",), _lending_desk, NOT_AT_DESK),
        "take_back": Verb(("fulfilled",), _lending_desk, NOT_AT_DESK),
    },
    on_file={
        Cause.DESTROYED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_LOAN},
        Cause.RESTRICTED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_LOAN},
        Cause.CONSENT_WITHDRAWN: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_LOAN},
    },
)

COPY = Machine(
    key="copy",
    file_lookup="items__record",
    model="access.AccessRequest",
    kind="copy",
    initial="pending",
    open_states=_REQUEST_OPEN,
    moves={
        **_DECISION_MOVES,
        # The first download makes the copy: the register entry and its export event.
        "make_copy": Move(("approved",), "fulfilled", "record.export"),
        "confirm_destroyed": Move(("fulfilled",), "destroyed", "request.copy_destroyed"),
    },
    verbs={
        "sign": SIGN,
        "cancel": CANCEL,
        "download": Verb(("approved", "fulfilled"), _copy_download, NOT_NOW),
        "confirm_destroyed": Verb(("fulfilled",), REQUESTER, NOT_NOW),
    },
    # A copy made stays open: its holder must still destroy it (and is asked to).
    on_file={
        Cause.DESTROYED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.KEEP},
        Cause.RESTRICTED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.KEEP},
        Cause.CONSENT_WITHDRAWN: {**_NOT_HANDED_OUT, "fulfilled": OnFile.KEEP},
    },
)

EXTERNAL_SHARE = Machine(
    key="external_share",
    file_lookup="items__record",
    model="access.AccessRequest",
    kind="external_share",
    initial="pending",
    open_states=_REQUEST_OPEN,
    moves={
        **_DECISION_MOVES,
        "deliver": Move(("approved",), "fulfilled", "share.link_created"),
        "confirm_receipt": Move(("fulfilled",), "closed", "share.receipt_confirmed"),
        "close": Move(("fulfilled",), "closed", "request.closed"),
    },
    verbs={
        "sign": SIGN,
        "cancel": CANCEL,
        "create_link": Verb(("approved",), REQUESTER, NOT_NOW),
    },
    on_file={
        Cause.DESTROYED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_DELIVERY},
        Cause.RESTRICTED: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_DELIVERY},
        Cause.CONSENT_WITHDRAWN: {**_NOT_HANDED_OUT, "fulfilled": OnFile.END_DELIVERY},
    },
)

# --- Custody: transfers between colleagues (R51) ------------------------------------------------

_ANSWERED = _("This hand-over was answered already.")

TRANSFER = Machine(
    key="transfer",
    file_lookup="record",
    model="access.Transfer",
    kind=None,
    initial="pending",
    open_states=frozenset({"pending"}),
    moves={
        "accept": Move(("pending",), "confirmed", "record.transfer_received"),
        "decline": Move(("pending",), "declined", "record.transfer_declined"),
        "cancel": Move(("pending",), "cancelled", "record.transfer_cancelled"),
    },
    verbs={
        "accept": Verb(("pending",), policy.decide_transfer_answer, _ANSWERED),
        "decline": Verb(("pending",), policy.decide_transfer_answer, _ANSWERED),
    },
    # A hand-over is custody, not processing: withdrawn consent leaves it to go on.
    on_file={
        cause: {"pending": OnFile.CANCEL} for cause in Cause if cause != Cause.CONSENT_WITHDRAWN
    },
)

# --- Emergency access: the review stays due whatever happens to the file ----------------------

BREAK_GLASS = Machine(
    key="break_glass",
    file_lookup="grant__record",
    model="access.BreakGlass",
    kind=None,
    initial="open",
    open_states=frozenset({"open"}),
    moves={"review": Move(("open",), "reviewed", "access.break_glass_reviewed")},
    verbs={
        "review": Verb(
            ("open",),
            lambda user, opened: policy.decide_break_glass_review(user, opened.grant.grantee_id),
            _("This emergency access was reviewed already."),
        )
    },
)

# --- Disposal batches (R60, R61) ---------------------------------------------------------------

DISPOSAL_BATCH = Machine(
    key="disposal_batch",
    file_lookup="items__record",
    file_filter={"items__active": True},
    model="disposal.DisposalBatch",
    kind=None,
    initial="proposed",
    open_states=frozenset({"proposed", "approved"}),
    moves={
        # The last signature needed approves the batch (earlier ones change no state).
        "approve": Move(("proposed",), "approved", "disposal.signed"),
        "execute": Move(("approved",), "executed", "disposal.executed"),
    },
    verbs={
        "sign": Verb(
            ("proposed",),
            policy.decide_batch_signature,
            _("This batch is not waiting for signatures."),
        ),
        "edit": Verb(
            ("proposed",),
            lambda user, batch: policy.decide_disposal_edit(user, batch.department_id),
            _("Only a proposed batch can be changed."),
        ),
        "execute": Verb(
            ("approved",),
            policy.decide_disposal_execution,
            _("Only an approved batch can be executed."),
        ),
    },
)

# --- Customers' requests about their data (PIPL Art. 44-47) ------------------------------------

SUBJECT_REQUEST = Machine(
    key="subject_request",
    file_lookup="record",
    model="records.SubjectRequest",
    kind=None,
    initial="open",
    open_states=frozenset({"open"}),
    moves={"answer": Move(("open",), "answered", "subject.answered")},
    verbs={
        "answer": Verb(
            ("open",),
            lambda user, made: (
                policy.ALLOW
                if policy.can(user, Capability.CUSTOMER_RIGHTS)
                else policy.refusal(Capability.CUSTOMER_RIGHTS)
            ),
            _("This request is answered already."),
        )
    },
)

MACHINES: tuple[Machine, ...] = (
    BORROW,
    COPY,
    EXTERNAL_SHARE,
    TRANSFER,
    BREAK_GLASS,
    DISPOSAL_BATCH,
    SUBJECT_REQUEST,
)
