"""Who to tell: the people a message must reach (alerts, emergency access, reminders to
approvers). Look-ups, not decisions: who may do what is access/policy's."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from access.roles import Role


def at_work() -> QuerySet:
    """Active accounts of people at work: the only ones a message or an approval should wait on
    (someone on leave is not asked, and is not told what they cannot act on)."""
    model = get_user_model()
    return model.objects.filter(is_active=True, employment_status=model.EmploymentStatus.ACTIVE)


def alert_recipients() -> list[str]:
    """E-mail addresses of everyone who must hear about an anomaly alert at once."""

    people = at_work().filter(groups__name=Role.SECURITY_OFFICER.value).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def operations_recipients() -> list[str]:
    """Who hears that the machinery failed (a backup, the worker, the chain, the disk): the
    security officers and the system administrators (staff accounts)."""
    people = (
        at_work()
        .filter(Q(groups__name=Role.SECURITY_OFFICER.value) | Q(is_staff=True))
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


def management_recipients() -> list[str]:
    """Who hears about an incident nobody answered in time: management, and the officers."""
    people = (
        at_work()
        .filter(groups__name__in=[Role.MANAGEMENT.value, Role.SECURITY_OFFICER.value])
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


def break_glass_watchers() -> list[str]:
    """Who hears about an emergency access at once: security officers and auditors."""

    people = (
        at_work()
        .filter(groups__name__in=[Role.SECURITY_OFFICER.value, Role.AUDITOR.value])
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


def approvers(role: str, department_id: int | None) -> QuerySet:
    """The active people who can sign an approval step (for reminders)."""

    people = at_work()
    if role == Role.DEPT_HEAD:
        if department_id is None:  # a head's step names its department; none: nobody to ask
            return people.none()
        return people.filter(
            headed_departments__id=department_id, groups__name=Role.DEPT_HEAD.value
        )
    return people.filter(groups__name=role)
