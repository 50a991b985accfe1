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
    REQUEST_ACCESS = "request_access"
    APPROVE_REQUESTS = "approve_requests"
    LENDING_DESK = "lending_desk"
    OFFBOARDING = "offboarding"
    EXTERNAL_PARTIES = "external_parties"
    BREAK_GLASS = "break_glass"
    ACCESS_REVIEW_ADMIN = "access_review_admin"
    ACCESS_REVIEW = "access_review"
    RETENTION_POLICIES = "retention_policies"
    LEGAL_HOLDS = "legal_holds"
    DISPOSAL_DESK = "disposal_desk"
    BREAK_GLASS_REVIEW = "break_glass_review"
    CUSTOMER_RIGHTS = "customer_rights"


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
    # R41, R42, R52: who may fill in a borrow, copy or external-share form at all.
    Capability.REQUEST_ACCESS: lambda user, roles: bool(roles & _BORROWERS),
    # R41/R42: heads approve for their departments; R52: the security officer for what leaves.
    Capability.APPROVE_REQUESTS: lambda user, roles: (
        bool(headed_department_ids(user)) or bool(roles & {Role.SECURITY_OFFICER, Role.MANAGEMENT})
    ),
    # R41: the archive department hands files out and takes them back.
    Capability.LENDING_DESK: lambda user, roles: Role.ARCHIVIST in roles,
    # Emergency access: heads and the security officer; reviewed by security officers / auditors.
    Capability.BREAK_GLASS: lambda user, roles: (
        Role.DEPT_HEAD in roles or Role.SECURITY_OFFICER in roles
    ),
    Capability.BREAK_GLASS_REVIEW: lambda user, roles: bool(
        roles & {Role.SECURITY_OFFICER, Role.AUDITOR}
    ),
    # R72: the security officer runs the annual review; heads (management for heads) decide.
    Capability.ACCESS_REVIEW_ADMIN: lambda user, roles: Role.SECURITY_OFFICER in roles,
    Capability.ACCESS_REVIEW: lambda user, roles: (
        bool(headed_department_ids(user)) or Role.MANAGEMENT in roles
    ),
    # R60: management and legal set how long files are kept; legal places holds.
    Capability.RETENTION_POLICIES: lambda user, roles: bool(roles & {Role.MANAGEMENT, Role.LEGAL}),
    Capability.LEGAL_HOLDS: lambda user, roles: Role.LEGAL in roles,
    # PIPL Art. 44-47: the security officer answers customers' requests about their data, with
    # legal. The access report names staff, so nobody else produces it.
    Capability.CUSTOMER_RIGHTS: lambda user, roles: bool(
        roles & {Role.SECURITY_OFFICER, Role.LEGAL}
    ),
    # R61: batches are seen by those who sign them: archivists, heads, the security officer.
    Capability.DISPOSAL_DESK: lambda user, roles: (
        bool(roles & {Role.ARCHIVIST, Role.SECURITY_OFFICER}) or bool(headed_department_ids(user))
    ),
    # R52, 001 §7: legal signs confidentiality agreements with third parties and keeps them.
    Capability.EXTERNAL_PARTIES: lambda user, roles: Role.LEGAL in roles,
    # R62: heads hand over the files of people leaving their department; management anyone's.
    Capability.OFFBOARDING: lambda user, roles: (
        bool(headed_department_ids(user)) or Role.MANAGEMENT in roles
    ),
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


# Mirrors records.classification.Tier and records.models.RecordStatus by value.
_TIER_TOP_SECRET = 1
_TIER_SENSITIVE = 3
_TIER_PUBLIC = 4
_EDITABLE = frozenset({"draft", "returned"})
_GONE = frozenset({"destroyed"})
_CATALOGUED = frozenset({"approved", "archived"})
# Who may ask to borrow files at all: people whose work is with customers or with the company's
# obligations. Archivists hand files out, auditors and the security officer read the log.
_BORROWERS = frozenset({Role.SALES, Role.DEPT_HEAD, Role.LEGAL, Role.MANAGEMENT})
# What may still happen to a restricted file: keep it, hold it, destroy it when allowed.
_STORAGE_ACTIONS = frozenset({"manage_paper", "dispose", "hold"})
# The guardian permission a read grant sets (access.models.GrantPermission.READ).
READ_PERMISSION = "view_customerrecord"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""
    # The refusal came from a grant that has run out: recorded as "grant.expired_use" (R71).
    expired_grant: bool = False

    def __bool__(self) -> bool:
        return self.allowed


_ALLOW = Decision(True)


class Denied(PermissionDenied):
    """A refusal with its reason; the 403 page shows the reason and records ``access.denied``."""

    def __init__(self, decision: Decision):
        super().__init__(str(decision.reason))
        self.reason = decision.reason
        self.expired_grant = decision.expired_grant


# What a refused capability says to the person (the 403 page shows it).
_CAPABILITY_REFUSALS: dict[Capability, str | Promise] = {
    Capability.RECORD_INTAKE: _("Only sales staff and department heads register files."),
    Capability.RECORD_REVIEW: _("Only department heads review client files."),
    Capability.PAPER_ARCHIVE: _("Only the archive department keeps the catalogue."),
    Capability.CUSTOMER_RIGHTS: _(
        "Customers' requests about their data are handled by the security officer and legal."
    ),
    Capability.REQUEST_ACCESS: _(
        "Borrowing and copying are for sales staff, department heads, legal and management."
    ),
    Capability.APPROVE_REQUESTS: _(
        "Only department heads, management and the security officer approve requests."
    ),
    Capability.LENDING_DESK: _("Only the archive department hands out and takes back files."),
    Capability.OFFBOARDING: _("Only department heads and management start a hand-over."),
    Capability.EXTERNAL_PARTIES: _("Only the legal department keeps external parties and NDAs."),
    Capability.ACCESS_REVIEW_ADMIN: _("Only the security officer runs access reviews."),
    Capability.RETENTION_POLICIES: _("Only management and legal set retention periods."),
    Capability.LEGAL_HOLDS: _("Only the legal department places or lifts legal holds."),
    Capability.DISPOSAL_DESK: _(
        "Disposal batches are for archivists, department heads and the security officer."
    ),
    Capability.ACCESS_REVIEW: _("Department heads and management review access."),
    Capability.BREAK_GLASS: _(
        "Only department heads and the security officer may use emergency access."
    ),
    Capability.BREAK_GLASS_REVIEW: _(
        "Only security officers and auditors review emergency access."
    ),
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


# --- Per-object grants ------------------------------------------------------------------------
# A grant works while its guardian row's ``expires_at`` lies ahead. The sweep deletes rows that
# ran out, but the policy never depends on it having run.


def grant_rows(user: object) -> QuerySet:
    """The guardian read-grant rows of ``user``, whatever their expiry."""
    from access.grants import permission_id
    from access.models import RecordUserObjectPermission

    return RecordUserObjectPermission.objects.filter(
        user_id=getattr(user, "pk", None), permission_id=permission_id(READ_PERMISSION)
    )


_GRANT_CACHE_ATTR = "_baomi_grant_expiry"


def decide_many(
    user: object, action: RecordAction | str, records: list[RecordLike]
) -> dict[Any, Decision]:
    """``decide`` for a page of files, with the grant expiries read in one query.

    The expiries are held only for this call, so a grant revoked a moment later is never
    honoured from a stale copy; each is compared with the clock as it is decided.
    """
    ids = [r.id for r in records]
    found = dict(
        grant_rows(user)
        .filter(content_object_id__in=ids)
        .values_list("content_object_id", "expires_at")
    )
    setattr(user, _GRANT_CACHE_ATTR, {rid: found.get(rid) for rid in ids})
    try:
        return {r.id: decide(user, action, r) for r in records}
    finally:
        delattr(user, _GRANT_CACHE_ATTR)


def _grant_expiry(user: object, record: RecordLike) -> Any:
    cache = getattr(user, _GRANT_CACHE_ATTR, None)
    if cache is not None and record.id in cache:
        return cache[record.id]
    # [:1], not .first(): the unique (user, permission, object) index answers it without the
    # ORDER BY id that .first() adds.
    found = list(
        grant_rows(user)
        .filter(content_object_id=record.id)
        .values_list("expires_at", flat=True)[:1]
    )
    return found[0] if found else None


def loan_until(user: object, record: RecordLike) -> Any:
    """When this person's access to the file ends, if they read it only through a grant."""
    from django.utils import timezone

    if _by_role(user, record):
        return None
    expiry = _grant_expiry(user, record)
    return expiry if expiry and expiry > timezone.now() else None


def _is_handler(user: object, record: RecordLike) -> bool:
    return record.handler_id == getattr(user, "pk", None)


def _heads(user: object, record: RecordLike) -> bool:
    return record.department_id in headed_department_ids(user)


def _same_department(user: object, record: RecordLike) -> bool:
    return getattr(user, "department_id", None) == record.department_id


def _by_role(user: object, record: RecordLike) -> bool:
    """Access that comes with the job, not with a grant: the handler and the head."""
    return _is_handler(user, record) or (_heads(user, record) and record.status != "draft")


def _granted(user: object, record: RecordLike) -> Decision:
    from django.utils import timezone
    from django.utils.formats import date_format

    expiry = _grant_expiry(user, record)
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
    return _ALLOW


def _may_view(user: object, record: RecordLike) -> Decision:
    if _by_role(user, record):
        return _ALLOW
    return _granted(user, record)


def _refuse_unless_catalogued(record: RecordLike) -> Decision | None:
    if record.status not in _CATALOGUED:
        return Decision(False, _("Only approved files in the archive can be lent or copied."))
    return None


def _decide_borrow(user: object, record: RecordLike) -> Decision:
    if not roles_of(user) & _BORROWERS:
        return Decision(
            False, _("Borrowing is for sales staff, department heads, legal and management.")
        )
    refused = _refuse_unless_catalogued(record)
    if refused:
        return refused
    if (
        record.tier == _TIER_TOP_SECRET
        and not (_same_department(user, record) or _by_role(user, record))
        and not roles_of(user) & {Role.LEGAL, Role.MANAGEMENT}
    ):
        return Decision(
            False,
            _(
                "Level 1 (绝密) files are lent only within their own department, to legal and to "
                "management."
            ),
        )
    return _ALLOW


def _decide_copy(user: object, record: RecordLike) -> Decision:
    refused = _refuse_unless_catalogued(record)
    if refused:
        return refused
    if _by_role(user, record):
        return _ALLOW
    granted = _granted(user, record)
    if not granted:
        return granted
    if record.tier == _TIER_TOP_SECRET:
        return Decision(False, _("A borrowed Level 1 (绝密) file may be read, not copied."))
    return _ALLOW


def _decide_share(user: object, record: RecordLike) -> Decision:
    refused = _refuse_unless_catalogued(record)
    if refused:
        return refused
    if not _by_role(user, record):
        return Decision(
            False,
            _(
                "Only the handler of this file or the head of its department can provide it to "
                "an external party."
            ),
        )
    if record.tier == _TIER_TOP_SECRET:
        return Decision(
            False,
            _("Level 1 (绝密) files never leave the company. Provide a less sensitive excerpt."),
        )
    return _ALLOW


def _decide_record(user: object, action: RecordAction, record: RecordLike) -> Decision:
    if record.status in _GONE:
        return Decision(False, _("This client file was destroyed; its content no longer exists."))
    roles = roles_of(user)
    if getattr(record, "restricted_at", None) and action not in _STORAGE_ACTIONS:
        # PIPL Art. 47 (2): purpose ended, kept only because the law requires it.
        if action in (RecordAction.VIEW, RecordAction.REVEAL) and Role.LEGAL in roles:
            return _ALLOW
        return Decision(
            False,
            _(
                "This file is restricted: it is kept only because the law requires it. Only the "
                "legal department can open it."
            ),
        )
    if action == RecordAction.MANAGE_PAPER:
        # Archivists handle the folder, not the content: they never need to open the file.
        if Role.ARCHIVIST not in roles:
            return Decision(False, _("Only the archive department manages paper files."))
        if record.status not in _CATALOGUED:
            return Decision(False, _("Only approved files are kept in the archive."))
        return _ALLOW
    if action == RecordAction.DISPOSE:
        if Role.ARCHIVIST not in roles:
            return Decision(False, _("Only the archive department proposes files for destruction."))
        if record.status not in _CATALOGUED:
            return Decision(False, _("Only approved files in the archive can be destroyed."))
        if getattr(record, "on_hold", False):
            return Decision(False, _("This file is under a legal hold and cannot be destroyed."))
        return _ALLOW
    if action == RecordAction.HOLD:
        if Role.LEGAL not in roles:
            return Decision(False, _("Only the legal department places or lifts legal holds."))
        return _ALLOW
    if action in (RecordAction.VIEW, RecordAction.REVEAL):
        return _may_view(user, record)
    if action == RecordAction.BORROW:
        return _decide_borrow(user, record)
    if action == RecordAction.COPY:
        return _decide_copy(user, record)
    if action == RecordAction.SHARE_EXTERNAL:
        return _decide_share(user, record)
    if action in (RecordAction.MANAGE_CONSENT, RecordAction.TRANSFER, RecordAction.SET_OUTCOME):
        if not _by_role(user, record):
            return Decision(
                False,
                _(
                    "Only the handler of this client file and the head of its department can do "
                    "this."
                ),
            )
        return _ALLOW
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

    Mirrors ``_may_view``; tests compare the two on every role x relation x status. People with
    no live grant (most of them) keep the plain handler / department filter, which the indexes
    answer directly; with grants, the granted ids join in by the guardian row's foreign key.
    """
    from django.utils import timezone

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return records.none()
    scope = Q(handler_id=user.pk)  # type: ignore[attr-defined]
    headed = headed_department_ids(user)
    if headed:
        scope |= Q(department_id__in=headed) & ~Q(status="draft")
    live = grant_rows(user).filter(expires_at__gt=timezone.now())
    if live.exists():
        scope |= Q(pk__in=live.values("content_object_id"))
    if Role.LEGAL in roles_of(user):
        return records.filter(scope | Q(restricted_at__isnull=False)).exclude(status__in=_GONE)
    return records.filter(scope, restricted_at__isnull=True).exclude(status__in=_GONE)


def granted_records(user: object, records: QuerySet) -> QuerySet:
    """Files this person may open only through a live grant."""
    from django.utils import timezone

    live = grant_rows(user).filter(expires_at__gt=timezone.now())
    return records.filter(pk__in=live.values("content_object_id")).exclude(status__in=_GONE)


def loans(user: object, limit: int = 50) -> list[tuple[Any, Any]]:
    """(file, access ends) for this person's live grants, soonest ending first: read from the
    (user, expires_at) index, so it costs the same with 10 or 10,000 grants."""
    from django.utils import timezone

    rows = (
        grant_rows(user)
        .filter(expires_at__gt=timezone.now())
        .exclude(content_object__status__in=_GONE)
        .select_related("content_object", "content_object__department")
        .order_by("expires_at")[:limit]
    )
    return [(row.content_object, row.expires_at) for row in rows]


# --- Requests and approvals -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    step: int
    role: Role
    department_id: int | None = None


def approval_chain(kind: str, records: list[Any], requester: object) -> list[Step]:
    """Who signs a request, in order (R41, R42, R52): the head of every department whose files
    are asked for (management instead, where the requester heads it), in parallel; then the
    security officer for anything leaving the company and for copies of Level 1 files."""
    own = headed_department_ids(requester)
    steps = [
        Step(1, Role.MANAGEMENT if d in own else Role.DEPT_HEAD, d)
        for d in sorted({r.department_id for r in records})
    ]
    if kind == "external_share" or (
        kind == "copy" and any(r.tier == _TIER_TOP_SECRET for r in records)
    ):
        steps.append(Step(2, Role.SECURITY_OFFICER))
    return steps


class ApprovalLike(Protocol):
    role: str
    department_id: int | None
    decision: str


def decide_approval(user: object, approval: ApprovalLike, requester_id: int) -> Decision:
    """May ``user`` sign this approval step? Nobody approves their own request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Decision(False, _("Please sign in."))
    if requester_id == getattr(user, "pk", None):
        return Decision(False, _("Nobody may approve their own request."))
    if approval.role == Role.DEPT_HEAD:
        if approval.department_id not in headed_department_ids(user):
            return Decision(False, _("Only the head of the files' department approves this step."))
        return _ALLOW
    if approval.role == Role.MANAGEMENT:
        if Role.MANAGEMENT not in roles_of(user):
            return Decision(False, _("Management approves the requests of department heads."))
        return _ALLOW
    if approval.role == Role.SECURITY_OFFICER:
        if Role.SECURITY_OFFICER not in roles_of(user):
            return Decision(False, _("Only the information-security officer approves this step."))
        return _ALLOW
    return Decision(False, _("This step cannot be approved here."))


def approvals_for(user: object, approvals: QuerySet) -> QuerySet:
    """Approval rows this person could sign (whatever their state): by department or by role."""
    scope = Q(role=Role.DEPT_HEAD.value, department_id__in=headed_department_ids(user))
    if Role.SECURITY_OFFICER in roles_of(user):
        scope |= Q(role=Role.SECURITY_OFFICER.value)
    if Role.MANAGEMENT in roles_of(user):
        scope |= Q(role=Role.MANAGEMENT.value)
    return approvals.filter(scope).exclude(request__requester_id=getattr(user, "pk", None))


def visible_requests(user: object, requests: QuerySet) -> QuerySet:
    """Requests a person may open: their own, those they approve, and at the lending desk the
    borrow requests the archive hands out. Auditors follow requests through the audit log."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return requests.none()
    from access.models import Approval

    mine = approvals_for(user, Approval.objects.all()).values("request_id")
    scope = Q(requester_id=user.pk) | Q(pk__in=mine)  # type: ignore[attr-defined]
    if Role.ARCHIVIST in roles_of(user):
        scope |= Q(kind="borrow") & ~Q(state__in=["pending", "rejected", "cancelled"])
    return requests.filter(scope)


def decide_request(user: object, request: Any, action: str) -> Decision:
    """Actions on a whole request: "view", "cancel" and "requester" (only the person who asked),
    "lend" (the desk)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Decision(False, _("Please sign in."))
    from access.models import AccessRequest

    if action == "view":
        if visible_requests(user, AccessRequest.objects.filter(pk=request.pk)).exists():
            return _ALLOW
        return Decision(False, _("This request is not yours, and you do not approve it."))
    if action == "cancel":
        if request.requester_id != getattr(user, "pk", None):
            return Decision(False, _("Only the person who asked can withdraw a request."))
        return _ALLOW
    if action == "requester":  # making or destroying a copy, creating a delivery link
        if request.requester_id != getattr(user, "pk", None):
            return Decision(False, _("Only the person who asked can do this."))
        return _ALLOW
    if action == "lend":
        if Role.ARCHIVIST not in roles_of(user):
            return Decision(False, _("Only the archive department hands out and takes back files."))
        if request.requester_id == getattr(user, "pk", None):
            return Decision(False, _("Nobody hands files out to themselves."))
        return _ALLOW
    raise ValueError(f"unknown request action {action!r}")


def require_request(user: object, request: Any, action: str) -> None:
    decision = decide_request(user, request, action)
    if not decision.allowed:
        raise Denied(decision)


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


# --- Custody: transfers (R51) and hand-overs (R62) ---------------------------------------------

_CUSTODIANS_OF_FILES = frozenset({Role.SALES, Role.DEPT_HEAD})


def may_receive(user: object, record: RecordLike) -> Decision:
    """May ``user`` become the handler of ``record``? Files stay within their department, with
    someone whose work is with customers."""
    if not getattr(user, "is_active", False):
        return Decision(False, _("The receiver's account is not active."))
    if not roles_of(user) & _CUSTODIANS_OF_FILES:
        return Decision(False, _("Only sales staff and department heads hold client files."))
    if getattr(user, "department_id", None) != record.department_id:
        return Decision(False, _("Files are handed only to someone of their own department."))
    return _ALLOW


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


def decide_offboarding(user: object, person: Any) -> Decision:
    """May ``user`` hand over everything ``person`` holds (leaving or changing role)?"""
    if not can(user, Capability.OFFBOARDING):
        return Decision(False, _CAPABILITY_REFUSALS[Capability.OFFBOARDING])
    if getattr(person, "pk", None) == getattr(user, "pk", None):
        return Decision(
            False, _("Nobody hands over their own files; your head or management does.")
        )
    if Role.MANAGEMENT in roles_of(user):
        return _ALLOW
    if getattr(person, "department_id", None) not in headed_department_ids(user):
        return Decision(False, _("Heads hand over the files of their own department's staff."))
    return _ALLOW


def offboarding_candidates(user: object) -> QuerySet:
    """People whose files this person may hand over."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True).exclude(pk=getattr(user, "pk", None))
    if Role.MANAGEMENT in roles_of(user):
        return people
    return people.filter(department_id__in=headed_department_ids(user))


# --- Emergency access ("break-glass") ----------------------------------------------------------


def decide_break_glass(user: object, record: RecordLike) -> Decision:
    if not can(user, Capability.BREAK_GLASS):
        return Decision(False, _CAPABILITY_REFUSALS[Capability.BREAK_GLASS])
    if record.status in _GONE:
        return Decision(False, _("This client file was destroyed; its content no longer exists."))
    if _by_role(user, record):
        return Decision(False, _("You can open this file already; no emergency access is needed."))
    return _ALLOW


def decide_break_glass_review(user: object, grantee_id: int) -> Decision:
    """Security officers and auditors close emergency accesses, never their own."""
    if not can(user, Capability.BREAK_GLASS_REVIEW):
        return Decision(False, _CAPABILITY_REFUSALS[Capability.BREAK_GLASS_REVIEW])
    if grantee_id == getattr(user, "pk", None):
        return Decision(False, _("Nobody reviews their own emergency access."))
    return _ALLOW


def break_glass_watchers() -> list[str]:
    """Who hears about an emergency access at once: security officers and auditors."""
    from django.contrib.auth import get_user_model

    people = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.SECURITY_OFFICER.value, Role.AUDITOR.value]
        )
        .exclude(email="")
    )
    return sorted(set(people.values_list("email", flat=True)))


# --- Annual access review (R72) -----------------------------------------------------------------


def review_items_for(user: object, items: QuerySet) -> QuerySet:
    """Review items this person decides: their departments' staff, or (management) the heads;
    never their own."""
    scope = Q(reviewer_role=Role.DEPT_HEAD.value, department_id__in=headed_department_ids(user))
    if Role.MANAGEMENT in roles_of(user):
        scope |= Q(reviewer_role=Role.MANAGEMENT.value)
    return items.filter(scope).exclude(person_id=getattr(user, "pk", None))


def decide_review_item(user: object, item: Any) -> Decision:
    from access.models import ReviewItem

    if not review_items_for(user, ReviewItem.objects.filter(pk=item.pk)).exists():
        return Decision(False, _("This item is reviewed by the person's own head or management."))
    return _ALLOW


def reviewer_role_for(person: Any) -> str:
    """Heads (and people outside any headed department) are reviewed by management."""
    department = getattr(person, "department", None)
    if department is None or department.head_id in (None, person.pk):
        return Role.MANAGEMENT.value
    return Role.DEPT_HEAD.value


# --- Disposal (R60, R61) --------------------------------------------------------------------------

DISPOSAL_SIGNATURES = ("head", "archivist", "officer")


def disposal_batches(user: object, batches: QuerySet) -> QuerySet:
    """Batches a person sees: archivists and the security officer all, heads their
    departments'."""
    if not can(user, Capability.DISPOSAL_DESK):
        return batches.none()
    if roles_of(user) & {Role.ARCHIVIST, Role.SECURITY_OFFICER}:
        return batches
    return batches.filter(department_id__in=headed_department_ids(user))


def decide_disposal_edit(user: object, department_id: int) -> Decision:
    """Taking files out of a proposed batch: the archive, or the head of its department."""
    if Role.ARCHIVIST in roles_of(user) or department_id in headed_department_ids(user):
        return _ALLOW
    return Decision(False, _("Only the archive and the department head edit a batch."))


def decide_disposal_signature(
    user: object, role: str, department_id: int, already_signed: list[int]
) -> Decision:
    """May ``user`` sign a disposal batch as ``role`` ("head", "archivist", "officer")? Two
    different people at least: nobody signs a batch twice, whatever roles they hold."""
    if getattr(user, "pk", None) in already_signed:
        return Decision(False, _("You signed this batch already: a second person must sign."))
    roles = roles_of(user)
    if role == "head" and department_id not in headed_department_ids(user):
        return Decision(False, _("Only the head of the files' department signs here."))
    if role == "archivist" and Role.ARCHIVIST not in roles:
        return Decision(False, _("Only an archivist signs here."))
    if role == "officer" and Role.SECURITY_OFFICER not in roles:
        return Decision(False, _("Only the information-security officer signs here."))
    if role not in DISPOSAL_SIGNATURES:
        raise ValueError(f"unknown disposal signature {role!r}")
    return _ALLOW


def approvers(role: str, department_id: int | None) -> QuerySet:
    """The active people who can sign an approval step (for reminders)."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True)
    if role == Role.DEPT_HEAD:
        return people.filter(
            headed_departments__id=department_id, groups__name=Role.DEPT_HEAD.value
        )
    return people.filter(groups__name=role)
