"""Who to tell: the people a message must reach (alerts, emergency access, reminders to
approvers). Look-ups, not decisions: who may do what is access/policy's."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from access.roles import Role


def alert_recipients() -> list[str]:
    """E-mail addresses of everyone who must hear about an anomaly alert at once."""

    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SECURITY_OFFICER.value)
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


def break_glass_watchers() -> list[str]:
    """Who hears about an emergency access at once: security officers and auditors."""

    people = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.SECURITY_OFFICER.value, Role.AUDITOR.value]
        )
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


def approvers(role: str, department_id: int | None) -> QuerySet:
    """The active people who can sign an approval step (for reminders)."""

    people = get_user_model().objects.filter(is_active=True)
    if role == Role.DEPT_HEAD:
        if department_id is None:  # a head's step names its department; none: nobody to ask
            return people.none()
        return people.filter(
            headed_departments__id=department_id, groups__name=Role.DEPT_HEAD.value
        )
    return people.filter(groups__name=role)
