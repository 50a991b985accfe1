"""The single authority on what a person may do (DESIGN.md "access/policy.py").

Views, templates, menus, admin and services ask this module; nothing else looks at roles.
This first slice decides *capabilities* (may this person use a part of the system at all);
the records capability adds ``decide(user, action, record)`` and ``visible_records(user)``.
Superusers get nothing by role here: ``is_superuser`` appears in no rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
    RECORD_INTAKE = "record_intake"
    RECORD_REVIEW = "record_review"
    PAPER_ARCHIVE = "paper_archive"


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
    # R10: sales staff and heads register client files for their own department.
    Capability.RECORD_INTAKE: lambda user, roles: (
        bool(roles & {Role.SALES, Role.DEPT_HEAD})
        and getattr(user, "department_id", None) is not None
    ),
    # R15, R22, R33: the archive department catalogues paper files, keeps them and checks them.
    Capability.PAPER_ARCHIVE: lambda user, roles: Role.ARCHIVIST in roles,
    # R14: heads review the files of the departments they head.
    Capability.RECORD_REVIEW: lambda user, roles: bool(headed_department_ids(user)),
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


# --- Client files (records issue) --------------------------------------------------------------
# The policy sees a record through this protocol only, so access/ never imports records/.


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


# Mirrors records.classification.Tier and records.models.RecordStatus by value.
_TIER_SENSITIVE = 3
_TIER_PUBLIC = 4
_EDITABLE = frozenset({"draft", "returned"})
_GONE = frozenset({"destroyed"})
_CATALOGUED = frozenset({"approved", "archived"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


_ALLOW = Decision(True)


class Denied(PermissionDenied):
    """A refusal with its reason; the 403 page shows the reason and records ``access.denied``."""

    def __init__(self, decision: Decision):
        super().__init__(str(decision.reason))
        self.reason = decision.reason


# What a refused capability says to the person (the 403 page shows it).
_CAPABILITY_REFUSALS: dict[Capability, str | Promise] = {
    Capability.RECORD_INTAKE: _("Only sales staff and department heads register files."),
    Capability.RECORD_REVIEW: _("Only department heads review client files."),
    Capability.PAPER_ARCHIVE: _("Only the archive department keeps the catalogue."),
}


def require_can(user: object, capability: Capability) -> None:
    """Raise ``Denied`` with the capability's reason unless ``can`` allows."""
    if not can(user, capability):
        raise Denied(Decision(False, _CAPABILITY_REFUSALS.get(capability, "")))


def custodians() -> QuerySet:
    """Who may keep paper files (R33): active archivists."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name=Role.ARCHIVIST.value)


def require(user: object, action: RecordAction | str, record: RecordLike) -> None:
    """Raise ``Denied`` unless ``decide`` allows: the one call services make before acting."""
    decision = decide(user, action, record)
    if not decision.allowed:
        raise Denied(decision)


def headed_department_ids(user: object) -> frozenset[int]:
    """Departments this person heads, if they hold the head role (both are needed)."""
    if Role.DEPT_HEAD not in roles_of(user):
        return frozenset()
    cached = getattr(user, "_baomi_headed", None)
    if cached is None:
        cached = frozenset(user.headed_departments.values_list("id", flat=True))  # type: ignore[attr-defined]
        user._baomi_headed = cached  # type: ignore[attr-defined]
    return cached


def _is_handler(user: object, record: RecordLike) -> bool:
    return record.handler_id == getattr(user, "pk", None)


def _heads(user: object, record: RecordLike) -> bool:
    return record.department_id in headed_department_ids(user)


def _may_view(user: object, record: RecordLike) -> Decision:
    if _is_handler(user, record):
        return _ALLOW
    if _heads(user, record) and record.status != "draft":
        return _ALLOW
    return Decision(
        False,
        _(
            "Only the handler of this client file and the head of its department can open it. "
            "Ask for access through a borrowing request."
        ),
    )


def _decide_record(user: object, action: RecordAction, record: RecordLike) -> Decision:
    if record.status in _GONE:
        return Decision(False, _("This client file was destroyed; its content no longer exists."))
    if action == RecordAction.MANAGE_PAPER:
        # Archivists handle the folder, not the content: they never need to open the file.
        if Role.ARCHIVIST not in roles_of(user):
            return Decision(False, _("Only the archive department manages paper files."))
        if record.status not in _CATALOGUED:
            return Decision(False, _("Only approved files are kept in the archive."))
        return _ALLOW
    view = _may_view(user, record)
    if action in (RecordAction.VIEW, RecordAction.REVEAL, RecordAction.MANAGE_CONSENT):
        return view
    if action == RecordAction.LOG_COMMUNICATION:
        if not _is_handler(user, record):
            return Decision(False, _("Only the handler of this client file keeps its contact log."))
        return _ALLOW
    if action in (RecordAction.EDIT, RecordAction.SUBMIT):
        if not _is_handler(user, record):
            return Decision(False, _("Only the handler of this client file can change it."))
        if record.status not in _EDITABLE:
            return Decision(
                False,
                _("A file can be changed only while it is a draft or returned for correction."),
            )
        return _ALLOW
    if action == RecordAction.REVIEW:
        if _is_handler(user, record):
            return Decision(False, _("Nobody may review a client file they registered."))
        if not _heads(user, record):
            return Decision(False, _("Only the head of this file's department can review it."))
        if record.status != "submitted":
            return Decision(False, _("This client file is not awaiting review."))
        return _ALLOW
    raise ValueError(f"unknown record action {action!r}")


def decide(user: object, action: RecordAction | str, record: RecordLike) -> Decision:
    """May ``user`` do ``action`` to ``record``, and if not, why not (in the user's words)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Decision(False, _("Please sign in."))
    return _decide_record(user, RecordAction(action), record)


def visible_records(user: object, records: QuerySet) -> QuerySet:
    """The part of ``records`` that ``user`` may open: one indexed query, no per-row checks.

    Mirrors ``_may_view``; tests compare the two on every role x relation x status.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return records.none()
    scope = Q(handler_id=user.pk)  # type: ignore[attr-defined]
    headed = headed_department_ids(user)
    if headed:
        scope |= Q(department_id__in=headed) & ~Q(status="draft")
    return records.filter(scope).exclude(status__in=_GONE)


def catalogue(user: object, records: QuerySet) -> QuerySet:
    """The archive's index of approved files (R15): metadata only, for archivists."""
    if Role.ARCHIVIST not in roles_of(user):
        return records.none()
    return records.filter(status__in=_CATALOGUED)


def review_queue(user: object, records: QuerySet) -> QuerySet:
    """Files awaiting this person's review (R14), never their own."""
    headed = headed_department_ids(user)
    if not headed:
        return records.none()
    return records.filter(department_id__in=headed, status="submitted").exclude(
        handler_id=user.pk  # type: ignore[attr-defined]
    )


def clear_fields(user: object, record: RecordLike) -> frozenset[str]:
    """Which masking classes (records.fields.Masking: "name", "contact") this viewer sees in
    clear without a reveal (R21, P3). SECRET values always need a reveal.

    The handler works with the customer: names always, contacts up to Level 2. Heads see names
    up to Level 2 and contacts for Level 3 and public files. Everyone else sees names only on
    Level 3 and public files.
    """
    if record.tier >= _TIER_PUBLIC:
        return frozenset({"name", "contact"})
    if _is_handler(user, record):
        return frozenset({"name", "contact"}) if record.tier >= 2 else frozenset({"name"})
    if _heads(user, record):
        if record.tier >= _TIER_SENSITIVE:
            return frozenset({"name", "contact"})
        return frozenset({"name"}) if record.tier >= 2 else frozenset()
    return frozenset({"name"}) if record.tier >= _TIER_SENSITIVE else frozenset()
