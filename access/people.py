"""Accounts and departments as a service: for the admin, the demo, and off-boarding (closing a
person's access when they leave or change role)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from access import passkeys
from access.models import (
    AccessRequest,
    BackupCodeDevice,
    Department,
    Medium,
    RequestKind,
    RequestState,
    Transfer,
    User,
)
from access.roles import Role


def ensure_department(code: str, name: str) -> Department:
    department, _created = Department.objects.update_or_create(code=code, defaults={"name": name})
    return department


def set_head(department: Department, head: User) -> None:
    department.head = head
    department.save(update_fields=["head"])


@transaction.atomic
def ensure_person(
    *,
    username: str,
    full_name: str,
    employee_number: str | None,
    department: Department | None,
    roles: Iterable[Role],
    password: str,
    is_staff: bool = False,
) -> tuple[User, bool]:
    """Create or update one person's account; the password is set only on creation."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "employee_number": employee_number},
    )
    user.full_name = full_name
    user.employee_number = employee_number
    user.department = department
    user.is_staff = is_staff
    user.is_active = True
    user.employment_status = User.EmploymentStatus.ACTIVE
    if created:
        user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[Role(role).value for role in roles]))
    if created:
        audit.record(
            None, "account.created", target=user, roles=sorted(Role(r).value for r in roles)
        )
    return user, created


@transaction.atomic
def set_employment_status(actor: User | None, person: User, status: str) -> bool:
    """Put a person on leave, bring them back, or mark them gone (issue 17 §16).

    Away from work, their sign-in and grants are suspended (``access.backends.at_work``) and
    their sessions end now; back at work, everything they held works again. Returns whether
    anything changed; each change is an ``account.status_changed`` event naming ``actor``."""
    status = User.EmploymentStatus(status)
    before = User.objects.select_for_update().values_list("employment_status", flat=True)
    previous = before.get(pk=person.pk)
    if previous == status:
        return False
    person.employment_status = status
    person.save(update_fields=["employment_status"])
    ended = 0 if status == User.EmploymentStatus.ACTIVE else end_sessions(person)
    audit.record(
        actor,
        "account.status_changed",
        target=person,
        **{"from": previous, "to": status.value},
        sessions_ended=ended,
    )
    return True


# What an account administrator (IT, staff) may do in the admin site: people, departments, role
# membership, agreement versions, the working-day calendar, and unlocking locked-out sign-ins.
# No customer content.
ACCOUNT_ADMIN_PERMISSIONS = [
    ("access", "view_user"),
    ("access", "add_user"),
    ("access", "change_user"),
    ("access", "view_department"),
    ("access", "add_department"),
    ("access", "change_department"),
    ("access", "view_agreement"),
    ("access", "add_agreement"),
    ("access", "change_agreement"),
    ("auth", "view_group"),
    ("auth", "change_group"),
    # The working-day calendar (holidays, worked weekends) for customers' request deadlines.
    ("records", "view_calendarday"),
    ("records", "add_calendarday"),
    ("records", "change_calendarday"),
    ("records", "delete_calendarday"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
]


def make_account_administrator(user: User) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    wanted = Permission.objects.none()
    for app_label, codename in ACCOUNT_ADMIN_PERMISSIONS:
        wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    user.user_permissions.add(*wanted)


# --- Off-boarding (R62) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Offboarded:
    """What closing a person's access did, for the hand-over sheet and its audit event."""

    grants_revoked: int
    requests_cancelled: int
    requests_closed: int
    transfers_cancelled: int
    sessions_ended: int
    devices_removed: int
    account_disabled: bool


def offboard(actor: User, person: User, *, leaving: bool, reason: str) -> Offboarded:
    """Close every door ``person`` had, in the caller's transaction: their open requests and
    transfers are called off, their electronic loans and unused deliveries closed (each a
    workflow move with its event), grants revoked, sessions ended; when leaving, second factors
    removed and the account disabled. The caller (the hand-over of their files) has checked
    that ``actor`` may and that nothing of theirs is still out on paper or as a copy."""
    from access import grants
    from access.workflow import files as workflows

    why = f"hand-over ({reason})"
    transfers = list(
        Transfer.objects.select_for_update().filter(
            Q(sender=person) | Q(receiver=person), state=Transfer.State.PENDING
        )
    )
    for transfer in transfers:
        workflows.cancel(transfer, by=actor, reason=why)
    mine = AccessRequest.objects.select_for_update().filter(requester=person)
    open_requests = list(mine.filter(state__in=[RequestState.PENDING, RequestState.APPROVED]))
    for req in open_requests:
        workflows.cancel(req, by=actor, reason=why)
    # Out with them and nothing comes back: electronic loans end, unused delivery links die.
    # (Paper folders and copies must be returned or destroyed first: the hand-over checks.)
    finished = [
        req
        for req in mine.filter(state=RequestState.FULFILLED)
        if (req.kind == RequestKind.BORROW and req.medium == Medium.ELECTRONIC)
        or (req.kind == RequestKind.EXTERNAL_SHARE and not workflows.delivered(req))
    ]
    for req in finished:
        workflows.close(req, by=actor, reason=why)
    revoked = grants.revoke_all(person.grants.all(), by=actor, reason=why)
    sessions = end_sessions(person)
    devices = 0
    if leaving:
        devices += TOTPDevice.objects.filter(user=person).delete()[1].get("otp_totp.TOTPDevice", 0)
        devices += (
            BackupCodeDevice.objects.filter(user=person)
            .delete()[1]
            .get("access.BackupCodeDevice", 0)
        )
        devices += passkeys.remove_all(person)
        person.is_active = False
        person.employment_status = User.EmploymentStatus.LEFT
        person.set_unusable_password()
        person.save(update_fields=["is_active", "employment_status", "password"])
    return Offboarded(
        grants_revoked=revoked,
        requests_cancelled=len(open_requests),
        requests_closed=len(finished),
        transfers_cancelled=len(transfers),
        sessions_ended=sessions,
        devices_removed=devices,
        account_disabled=leaving,
    )


def end_sessions(person: User) -> int:
    """Delete every session of ``person``; the account change also invalidates any the session
    store holds elsewhere (Django re-checks the password hash on each request)."""
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended
