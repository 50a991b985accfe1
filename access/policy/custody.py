"""Who may hold a file (transfers R51, hand-overs R62) and who may open one in an emergency."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.capabilities import Capability, can, refusal
from access.policy.decisions import ALLOW, Decision
from access.policy.records import RecordLike, by_role
from access.policy.roles import Person, headed_department_ids, roles_of
from access.policy.terms import GONE
from access.roles import Role

_CUSTODIANS_OF_FILES = frozenset({Role.SALES, Role.DEPT_HEAD})


def may_receive(user: Person, record: RecordLike) -> Decision:
    """May ``user`` become the handler of ``record``? Files stay within their department, with
    someone whose work is with customers."""
    if record.status in GONE:
        return Decision(False, _("This client file was destroyed; it no longer changes hands."))
    if not getattr(user, "is_active", False):
        return Decision(False, _("The receiver's account is not active."))
    if not roles_of(user) & _CUSTODIANS_OF_FILES:
        return Decision(False, _("Only sales staff and department heads hold client files."))
    if getattr(user, "department_id", None) != record.department_id:
        return Decision(False, _("Files are handed only to someone of their own department."))
    return ALLOW


def receivers(record: RecordLike) -> QuerySet:
    """Who could take over ``record`` (for the hand-over form), as one query."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            department_id=record.department_id,
            groups__name__in=[r.value for r in _CUSTODIANS_OF_FILES],
        )
        .exclude(pk=record.handler_id)
        .distinct()
    )


def decide_offboarding(user: Person, person: Person) -> Decision:
    """May ``user`` hand over everything ``person`` holds (leaving or changing role)?"""
    if not can(user, Capability.OFFBOARDING):
        return refusal(Capability.OFFBOARDING)
    if getattr(person, "pk", None) == getattr(user, "pk", None):
        return Decision(
            False, _("Nobody hands over their own files; your head or management does.")
        )
    if Role.MANAGEMENT in roles_of(user):
        return ALLOW
    if getattr(person, "department_id", None) not in headed_department_ids(user):
        return Decision(False, _("Heads hand over the files of their own department's staff."))
    return ALLOW


def decide_pledge(user: Person, action: str, pledge: Any) -> Decision:
    """The exit pledge (R81): the head who hands the person over prepares it and keeps the
    signed scan; the person signs it themselves, once; both may read it again."""
    is_person = getattr(user, "pk", None) == pledge.person_id
    if action == "sign":
        if not is_person:
            return Decision(False, _("Only the person leaving signs their own pledge."))
        if pledge.signed_at is not None:
            return Decision(False, _("This pledge is already signed."))
        return ALLOW
    if action == "read" and is_person:
        return ALLOW
    if action not in ("prepare", "scan", "read"):
        raise ValueError(f"unknown pledge action {action!r}")
    if action == "scan" and pledge.signed_at is not None:
        # What was signed, and how, is evidence: a later scan would overwrite it.
        return Decision(False, _("This pledge is already signed."))
    return decide_offboarding(user, pledge.person)


def offboarding_candidates(user: Person) -> QuerySet:
    """People whose files this person may hand over."""
    from django.contrib.auth import get_user_model

    # None for the anonymous visitor: Django reads "= None" as IS NULL, which excludes nobody.
    own_pk: Any = getattr(user, "pk", None)
    people = get_user_model().objects.filter(is_active=True).exclude(pk=own_pk)
    if Role.MANAGEMENT in roles_of(user):
        return people
    return people.filter(department_id__in=headed_department_ids(user))


def decide_break_glass(user: Person, record: RecordLike) -> Decision:
    if not can(user, Capability.BREAK_GLASS):
        return refusal(Capability.BREAK_GLASS)
    if record.status in GONE:
        return Decision(False, _("This client file was destroyed; its content no longer exists."))
    if by_role(user, record):
        return Decision(False, _("You can open this file already; no emergency access is needed."))
    cap = settings.BAOMI_BREAK_GLASS_PER_DAY
    if break_glass_today(user) >= cap:
        return Decision(
            False,
            _(
                "You have opened %(n)d files by emergency access today, the most one person may "
                "in a day. Ask the security officer, or borrow the file through a request."
            )
            % {"n": cap},
        )
    return ALLOW


def break_glass_today(user: Person) -> int:
    """Emergency accesses this person opened since local midnight."""
    from django.utils import timezone

    from access.models import BreakGlass

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return BreakGlass.objects.filter(
        grant__grantee_id=getattr(user, "pk", None), opened_at__gte=midnight
    ).count()


def decide_break_glass_review(user: Person, grantee_id: int) -> Decision:
    """Security officers and auditors close emergency accesses, never their own."""
    if not can(user, Capability.BREAK_GLASS_REVIEW):
        return refusal(Capability.BREAK_GLASS_REVIEW)
    if grantee_id == getattr(user, "pk", None):
        return Decision(False, _("Nobody reviews their own emergency access."))
    return ALLOW


class TransferLike(Protocol):
    receiver_id: int


def decide_transfer_answer(user: Person, transfer: TransferLike) -> Decision:
    """Only the receiver confirms or declines a transfer (R51)."""
    if transfer.receiver_id != getattr(user, "pk", None):
        return Decision(False, _("This file is not being handed to you."))
    return ALLOW
