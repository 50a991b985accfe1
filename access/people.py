"""Accounts and departments as a service, for the admin, the demo and later off-boarding."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

import audit
from access.models import Department, User
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
