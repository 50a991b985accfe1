"""The single authority on what a person may do (DESIGN.md "access/policy.py").

Views, templates, menus, admin and services ask this module; nothing else looks at roles.
This first slice decides *capabilities* (may this person use a part of the system at all);
the records capability adds ``decide(user, action, record)`` and ``visible_records(user)``.
Superusers get nothing by role here: ``is_superuser`` appears in no rule.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from access.roles import Role

_ROLE_CACHE_ATTR = "_baomi_roles"


class Capability(StrEnum):
    """Parts of the system a person may use. Each has exactly one rule below."""

    ACCOUNT_SECURITY = "account_security"
    ADMIN_SITE = "admin_site"
    AUDIT_CONSOLE = "audit_console"
    AUDIT_EXPORT = "audit_export"
    KPI_DASHBOARD = "kpi_dashboard"
    INCIDENT_REPORT = "incident_report"
    INCIDENT_TRIAGE = "incident_triage"


def roles_of(user: object) -> frozenset[Role]:
    """The person's roles, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    cached = getattr(user, _ROLE_CACHE_ATTR, None)
    if cached is None:
        known = set(Role.values)
        names = user.groups.values_list("name", flat=True)  # type: ignore[attr-defined]
        cached = frozenset(Role(name) for name in names if name in known)
        setattr(user, _ROLE_CACHE_ATTR, cached)
    return cached


def has_role(user: object, role: Role) -> bool:
    return role in roles_of(user)


_RULES: dict[Capability, Callable[[object, frozenset[Role]], bool]] = {
    Capability.ACCOUNT_SECURITY: lambda user, roles: True,
    # Staff maintain accounts, departments, roles and the agreement text. Staff status opens no
    # customer content: no record model is administered through the admin site.
    Capability.ADMIN_SITE: lambda user, roles: bool(getattr(user, "is_staff", False)),
    # Auditors and the security officer read the event log (R70); it never holds customer
    # content, only who did what to which archive number.
    Capability.AUDIT_CONSOLE: lambda user, roles: bool(
        roles & {Role.AUDITOR, Role.SECURITY_OFFICER}
    ),
    Capability.AUDIT_EXPORT: lambda user, roles: bool(
        roles & {Role.AUDITOR, Role.SECURITY_OFFICER}
    ),
    # R71 KPIs are also management's view of how well the rules are kept.
    Capability.KPI_DASHBOARD: lambda user, roles: bool(
        roles & {Role.AUDITOR, Role.SECURITY_OFFICER, Role.MANAGEMENT}
    ),
    # R73: anyone may report a suspected leak; the security officer investigates.
    Capability.INCIDENT_REPORT: lambda user, roles: True,
    Capability.INCIDENT_TRIAGE: lambda user, roles: Role.SECURITY_OFFICER in roles,
}

# Django permissions that this policy decides. Apps below access/ (audit) cannot import the
# policy, so they ask ``user.has_perm(...)``; access.models.User routes these names here and
# nowhere else: no superuser shortcut, no permission granted by hand in the admin.
PERMISSION_CAPABILITIES: dict[str, Capability] = {
    "audit.view_console": Capability.AUDIT_CONSOLE,
    "audit.export_events": Capability.AUDIT_EXPORT,
    "audit.view_kpis": Capability.KPI_DASHBOARD,
    "audit.report_incidents": Capability.INCIDENT_REPORT,
    "audit.triage_incidents": Capability.INCIDENT_TRIAGE,
}


def can(user: object, capability: Capability) -> bool:
    """Whether ``user`` may use ``capability``. Inactive and anonymous users may use nothing."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return _RULES[capability](user, roles_of(user))


def decides_permission(perm: str) -> bool:
    return perm in PERMISSION_CAPABILITIES


def has_permission(user: object, perm: str) -> bool:
    return can(user, PERMISSION_CAPABILITIES[perm])


def alert_recipients() -> list[str]:
    """E-mail addresses of everyone who must hear about an anomaly alert at once."""
    from django.contrib.auth import get_user_model

    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SECURITY_OFFICER.value)
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))
