"""Client files: who may do what to a file, and which files a person sees (R10-R52, P2, P3).

The policy sees a record through ``RecordLike`` only, so access/ never imports records/."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision, Denied
from access.policy.file_state import state_refusal
from access.policy.grants import grant_expiry, grant_rows, grants_read_once
from access.policy.roles import Person, headed_department_ids, roles_of, signed_in
from access.policy.terms import (
    BORROWERS,
    CATALOGUED,
    EDITABLE,
    GONE,
    PUBLIC,
    SENSITIVE,
    TOP_SECRET,
)
from access.policy.withdrawal import withdrawn_refusal
from access.roles import Role


class RecordLike(Protocol):
    id: Any
    handler_id: int
    department_id: int
    tier: int
    status: str


class RecordAction(StrEnum):
    VIEW = "view"
    REVEAL = "reveal"
    EDIT = "edit"
    SUBMIT = "submit"
    REVIEW = "review"
    MANAGE_CONSENT = "manage_consent"
    LOG_COMMUNICATION = "log_communication"
    MANAGE_PAPER = "manage_paper"
    # Ask to borrow the file (R41), ask for a copy or excerpt (R42), ask to provide it to an
    # external party (R52), hand custody to a colleague (R51), propose its destruction (R60),
    # put it under legal hold.
    BORROW = "borrow"
    COPY = "copy"
    SHARE_EXTERNAL = "share_external"
    TRANSFER = "transfer"
    DISPOSE = "dispose"
    HOLD = "hold"
    # Record how the business ended (deal closed, no deal): it starts the retention clock.
    SET_OUTCOME = "set_outcome"


def require(user: Person, action: RecordAction | str, record: RecordLike) -> None:
    """Raise ``Denied`` unless ``decide`` allows: the one call services make before acting."""
    decision = decide(user, action, record)
    if not decision.allowed:
        raise Denied(decision)


def decide(user: Person, action: RecordAction | str, record: RecordLike) -> Decision:
    """May ``user`` do ``action`` to ``record``, and if not, why not (in the user's words)."""
    if not signed_in(user):
        return Decision(False, _("Please sign in."))
    return _decide_record(user, RecordAction(action), record)


def decide_many(
    user: Person, action: RecordAction | str, records: list[RecordLike]
) -> dict[Any, Decision]:
    """``decide`` for a page of files, with the grant expiries read in one query."""
    with grants_read_once(user, records):
        return {r.id: decide(user, action, r) for r in records}


def loan_until(user: Person, record: RecordLike) -> Any:
    """When this person's access to the file ends, if they read it only through a grant."""
    from django.utils import timezone

    if by_role(user, record):
        return None
    expiry = grant_expiry(user, record)
    return expiry if expiry and expiry > timezone.now() else None


def _is_handler(user: Person, record: RecordLike) -> bool:
    return record.handler_id == getattr(user, "pk", None)


def _heads(user: Person, record: RecordLike) -> bool:
    return record.department_id in headed_department_ids(user)


def _same_department(user: Person, record: RecordLike) -> bool:
    return getattr(user, "department_id", None) == record.department_id


def _reviews_for_a_head(user: Person, record: RecordLike) -> bool:
    """Management reviews the files heads register in the departments they head (nobody else
    heads it): it reads such a file while it awaits review."""
    if Role.MANAGEMENT not in roles_of(user) or record.status != "submitted":
        return False
    from access.models import Department

    return Department.objects.filter(pk=record.department_id, head_id=record.handler_id).exists()


def by_role(user: Person, record: RecordLike) -> bool:
    """Access that comes with the job, not with a grant: the handler, the head, and management
    for a head's own file awaiting its review."""
    return (
        _is_handler(user, record)
        or (_heads(user, record) and record.status != "draft")
        or _reviews_for_a_head(user, record)
    )


def _granted(user: Person, record: RecordLike) -> Decision:
    from django.utils import timezone
    from django.utils.formats import date_format

    expiry = grant_expiry(user, record)
    if expiry is None:
        return Decision(
            False,
            _(
                "Only the handler of this client file and the head of its department can open "
                "it. Ask for access through a borrowing request."
            ),
        )
    if expiry <= timezone.now():
        when = date_format(timezone.localtime(expiry), "DATETIME_FORMAT")
        return Decision(
            False,
            _("Your access to this file ended on %(when)s. Ask again through a borrowing request.")
            % {"when": when},
            expired_grant=True,
        )
    return ALLOW


def _may_view(user: Person, record: RecordLike) -> Decision:
    if by_role(user, record):
        return ALLOW
    withdrawn = getattr(record, "consent_withdrawn_at", None)
    if withdrawn:
        return withdrawn_refusal(withdrawn)
    return _granted(user, record)


def _refuse_unless_catalogued(record: RecordLike) -> Decision | None:
    """The refusal for a file not in the archive, or None (a refusal is falsy: test for None)."""
    if record.status not in CATALOGUED:
        return Decision(False, _("Only approved files in the archive can be lent or copied."))
    return None


def _decide_borrow(user: Person, record: RecordLike) -> Decision:
    if not roles_of(user) & BORROWERS:
        return Decision(
            False, _("Borrowing is for sales staff, department heads, legal and management.")
        )
    refused = _refuse_unless_catalogued(record)
    if refused is not None:
        return refused
    if (
        record.tier == TOP_SECRET
        and not (_same_department(user, record) or by_role(user, record))
        and not roles_of(user) & {Role.LEGAL, Role.MANAGEMENT}
    ):
        return Decision(
            False,
            _(
                "Level 1 (绝密) files are lent only within their own department, to legal and to "
                "management."
            ),
        )
    return ALLOW


def _decide_copy(user: Person, record: RecordLike) -> Decision:
    refused = _refuse_unless_catalogued(record)
    if refused is not None:
        return refused
    if by_role(user, record):
        return ALLOW
    granted = _granted(user, record)
    if not granted:
        return granted
    if record.tier == TOP_SECRET:
        return Decision(False, _("A borrowed Level 1 (绝密) file may be read, not copied."))
    return ALLOW


def _decide_share(user: Person, record: RecordLike) -> Decision:
    refused = _refuse_unless_catalogued(record)
    if refused is not None:
        return refused
    if not by_role(user, record):
        return Decision(
            False,
            _(
                "Only the handler of this file or the head of its department can provide it to "
                "an external party."
            ),
        )
    if record.tier == TOP_SECRET:
        return Decision(
            False,
            _("Level 1 (绝密) files never leave the company. Provide a less sensitive excerpt."),
        )
    return ALLOW


def _decide_record(user: Person, action: RecordAction, record: RecordLike) -> Decision:
    roles = roles_of(user)
    legal_reading = action in (RecordAction.VIEW, RecordAction.REVEAL) and Role.LEGAL in roles
    if legal_reading and getattr(record, "restricted_at", None) and record.status not in GONE:
        return ALLOW  # the legal department opens a restricted file
    refused = state_refusal(action, record)
    if refused is not None:
        return refused
    if action == RecordAction.MANAGE_PAPER:
        # Archivists handle the folder, not the content: they never need to open the file.
        if Role.ARCHIVIST not in roles:
            return Decision(False, _("Only the archive department manages paper files."))
        if record.status not in CATALOGUED:
            return Decision(False, _("Only approved files are kept in the archive."))
        return ALLOW
    if action == RecordAction.DISPOSE:
        if Role.ARCHIVIST not in roles:
            return Decision(False, _("Only the archive department proposes files for destruction."))
        if record.status not in CATALOGUED:
            return Decision(False, _("Only approved files in the archive can be destroyed."))
        if getattr(record, "on_hold", False):
            return Decision(False, _("This file is under a legal hold and cannot be destroyed."))
        return ALLOW
    if action == RecordAction.HOLD:
        if Role.LEGAL not in roles:
            return Decision(False, _("Only the legal department places or lifts legal holds."))
        return ALLOW
    if action in (RecordAction.VIEW, RecordAction.REVEAL):
        return _may_view(user, record)
    if action == RecordAction.BORROW:
        return _decide_borrow(user, record)
    if action == RecordAction.COPY:
        return _decide_copy(user, record)
    if action == RecordAction.SHARE_EXTERNAL:
        return _decide_share(user, record)
    if action in (RecordAction.MANAGE_CONSENT, RecordAction.TRANSFER, RecordAction.SET_OUTCOME):
        if not by_role(user, record):
            return Decision(
                False,
                _(
                    "Only the handler of this client file and the head of its department can do "
                    "this."
                ),
            )
        if action == RecordAction.SET_OUTCOME and record.status not in CATALOGUED:
            return Decision(False, _("The outcome is recorded once the file is approved."))
        return ALLOW
    if action == RecordAction.LOG_COMMUNICATION:
        if not _is_handler(user, record):
            return Decision(False, _("Only the handler of this client file keeps its contact log."))
        return ALLOW
    if action in (RecordAction.EDIT, RecordAction.SUBMIT):
        if not _is_handler(user, record):
            return Decision(False, _("Only the handler of this client file can change it."))
        if record.status not in EDITABLE:
            return Decision(
                False,
                _("A file can be changed only while it is a draft or returned for correction."),
            )
        return ALLOW
    if action == RecordAction.REVIEW:
        if _is_handler(user, record):
            return Decision(False, _("Nobody may review a client file they registered."))
        if not (_heads(user, record) or _reviews_for_a_head(user, record)):
            return Decision(
                False,
                _(
                    "Only the head of this file's department can review it (management, for "
                    "the head's own files)."
                ),
            )
        if record.status != "submitted":
            return Decision(False, _("This client file is not awaiting review."))
        return ALLOW
    raise ValueError(f"unknown record action {action!r}")


# A head's own file awaiting review, which management reviews (``_reviews_for_a_head``).
_HEADS_FILES_AWAITING_REVIEW = Q(status="submitted", department__head_id=F("handler_id"))


def visible_records(user: Person, records: QuerySet) -> QuerySet:
    """The part of ``records`` that ``user`` may open: one indexed query, no per-row checks.

    Mirrors ``_may_view``; tests compare the two on every role x relation x status. People with
    no live grant (most of them) keep the plain handler / department filter, which the indexes
    answer directly; with grants, the granted ids join in by the guardian row's foreign key.
    """
    from django.utils import timezone

    if not signed_in(user):
        return records.none()
    scope = Q(handler_id=user.pk)
    headed = headed_department_ids(user)
    if headed:
        scope |= Q(department_id__in=headed) & ~Q(status="draft")
    if Role.MANAGEMENT in roles_of(user):
        scope |= _HEADS_FILES_AWAITING_REVIEW
    live = grant_rows(user).filter(expires_at__gt=timezone.now())
    if live.exists():
        # A grant opens no file whose consent was withdrawn (``_may_view``).
        scope |= Q(pk__in=live.values("content_object_id"), consent_withdrawn_at__isnull=True)
    if Role.LEGAL in roles_of(user):
        return records.filter(scope | Q(restricted_at__isnull=False)).exclude(status__in=GONE)
    return records.filter(scope, restricted_at__isnull=True).exclude(status__in=GONE)


def hidden_from(user: Person, record: RecordLike) -> bool:
    """Whether ``record`` is one this person may not know of: they cannot open it and never
    held a grant on it. Such a file answers like one that does not exist (404), so its
    existence, level and status stay unknown; a person whose loan ended is told so instead."""
    if decide(user, RecordAction.VIEW, record).allowed:
        # Decided in memory for the handler and the head; ``decide(VIEW)`` allows only what
        # ``visible_records`` lists (test_decision_table), so the queries are for refusals.
        return False
    files = type(record)._default_manager  # type: ignore[attr-defined]  # a model, seen as RecordLike
    if visible_records(user, files.filter(pk=record.id)).exists():
        return False
    from access.models import Grant

    held = Grant.objects.filter(grantee_id=getattr(user, "pk", None), record_id=record.id)
    return not held.exists()


def catalogue(user: Person, records: QuerySet) -> QuerySet:
    """The archive's index of approved files (R15): metadata only, for archivists."""
    if Role.ARCHIVIST not in roles_of(user):
        return records.none()
    return records.filter(status__in=CATALOGUED)


def review_queue(user: Person, records: QuerySet) -> QuerySet:
    """Files awaiting this person's review (R14), never their own: their departments' files,
    and for management the files heads registered in the departments they head."""
    if not signed_in(user):
        return records.none()
    scope = Q(department_id__in=headed_department_ids(user))
    if Role.MANAGEMENT in roles_of(user):
        scope |= _HEADS_FILES_AWAITING_REVIEW
    return records.filter(scope, status="submitted").exclude(handler_id=user.pk)


def clear_fields(user: Person, record: RecordLike) -> frozenset[str]:
    """Which masking classes (records.fields.Masking: "name", "contact") this viewer sees in
    clear without a reveal (R21, P3). SECRET values always need a reveal.

    The handler works with the customer: names always, contacts up to Level 2. Heads see names
    up to Level 2 and contacts for Level 3 and public files. Everyone else sees names only on
    Level 3 and public files.
    """
    if record.tier >= PUBLIC:
        return frozenset({"name", "contact"})
    if _is_handler(user, record):
        return frozenset({"name", "contact"}) if record.tier >= 2 else frozenset({"name"})
    if _heads(user, record):
        if record.tier >= SENSITIVE:
            return frozenset({"name", "contact"})
        return frozenset({"name"}) if record.tier >= 2 else frozenset()
    return frozenset({"name"}) if record.tier >= SENSITIVE else frozenset()


def custodians() -> QuerySet:
    """Who may keep paper files (R33): active archivists."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name=Role.ARCHIVIST.value)
