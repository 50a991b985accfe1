"""Capabilities: which parts of the system a person may use at all (menus, pages, desks).

Each capability has exactly one rule; a refused capability has one sentence that says why."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import Decision, Denied
from access.policy.roles import Person, headed_department_ids, roles_of, signed_in
from access.policy.terms import BORROWERS
from access.roles import Role

if TYPE_CHECKING:
    from access.models import User


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
    RECORD_IMPORT = "record_import"
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
    PROCESSING_RECORD = "processing_record"
    BREACH_RESPONSE = "breach_response"
    ENROLMENT_APPROVAL = "enrolment_approval"
    MANAGEMENT_REPORT = "management_report"
    TRAINING_REGISTER = "training_register"
    SIGN_EXIT_PLEDGE = "sign_exit_pledge"
    ALERT_CHANNELS = "alert_channels"
    INTEGRATION_CLIENTS = "integration_clients"


_PLEDGE_CACHE_ATTR = "_baomi_pledge_waiting"


def _pledge_waiting(user: User) -> bool:
    """Read once per request (the menu and the page both ask), cached on the user object as
    the roles are; signing the pledge redirects, so the next request reads it afresh."""
    cached = getattr(user, _PLEDGE_CACHE_ATTR, None)
    if cached is None:
        from access.models import ExitPledge

        cached = ExitPledge.objects.filter(person_id=user.pk, signed_at__isnull=True).exists()
        setattr(user, _PLEDGE_CACHE_ATTR, cached)
    return cached


_RULES: dict[Capability, Callable[[User, frozenset[Role]], bool]] = {
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
    # Issue 19 §1: heads bring in their departments' registers; the archive any department's.
    Capability.RECORD_IMPORT: lambda user, roles: (
        bool(headed_department_ids(user)) or Role.ARCHIVIST in roles
    ),
    # R14: heads review the files of the departments they head.
    # Management reviews the files heads register in the departments they head.
    Capability.RECORD_REVIEW: lambda user, roles: (
        bool(headed_department_ids(user)) or Role.MANAGEMENT in roles
    ),
    # R41, R42, R52: who may fill in a borrow, copy or external-share form at all.
    Capability.REQUEST_ACCESS: lambda user, roles: bool(roles & BORROWERS),
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
    # Issue 17 §4: a reset of anyone above sales waits for the security officer.
    Capability.ENROLMENT_APPROVAL: lambda user, roles: Role.SECURITY_OFFICER in roles,
    # R72: the security officer runs the annual review; heads (management for heads) decide.
    Capability.ACCESS_REVIEW_ADMIN: lambda user, roles: Role.SECURITY_OFFICER in roles,
    Capability.ACCESS_REVIEW: lambda user, roles: (
        bool(headed_department_ids(user)) or Role.MANAGEMENT in roles
    ),
    # R60: management and legal set how long files are kept; legal places holds.
    Capability.RETENTION_POLICIES: lambda user, roles: bool(roles & {Role.MANAGEMENT, Role.LEGAL}),
    # Issue 21 §3: the security officer decides which group chats hear the alerts.
    Capability.ALERT_CHANNELS: lambda user, roles: Role.SECURITY_OFFICER in roles,
    # Issue 21 §2: the security officer approves anything that leaves the company, and decides
    # which systems may hand files over and read their status.
    Capability.INTEGRATION_CLIENTS: lambda user, roles: Role.SECURITY_OFFICER in roles,
    Capability.LEGAL_HOLDS: lambda user, roles: Role.LEGAL in roles,
    # PIPL Art. 44-47: the security officer answers customers' requests about their data, with
    # legal. The access report names staff, so nobody else produces it.
    Capability.CUSTOMER_RIGHTS: lambda user, roles: bool(
        roles & {Role.SECURITY_OFFICER, Role.LEGAL}
    ),
    # PIPL Art. 54-56: the record of processing and its impact assessment; PIPL Art. 57: the
    # breach kit (who and what a leak touched, the notices). The same people as the customer
    # rights desk, each page with its own refusal.
    Capability.PROCESSING_RECORD: lambda user, roles: bool(
        roles & {Role.SECURITY_OFFICER, Role.LEGAL}
    ),
    Capability.BREACH_RESPONSE: lambda user, roles: bool(
        roles & {Role.SECURITY_OFFICER, Role.LEGAL}
    ),
    # R61: batches are seen by those who sign them: archivists, heads, the security officer.
    Capability.DISPOSAL_DESK: lambda user, roles: (
        bool(roles & {Role.ARCHIVIST, Role.SECURITY_OFFICER}) or bool(headed_department_ids(user))
    ),
    # R52, 001 §7: legal signs confidentiality agreements with third parties and keeps them.
    Capability.EXTERNAL_PARTIES: lambda user, roles: Role.LEGAL in roles,
    # Issue 19 §3: the figures of the archive, aggregates only; heads see their departments'.
    Capability.MANAGEMENT_REPORT: lambda user, roles: (
        bool(roles & {Role.MANAGEMENT, Role.SECURITY_OFFICER}) or bool(headed_department_ids(user))
    ),
    # R80, 000 §2.2: the security officer organises confidentiality training and keeps its
    # register (sessions, attendance, who is due).
    Capability.TRAINING_REGISTER: lambda user, roles: Role.SECURITY_OFFICER in roles,
    # R81: whoever is leaving and has an exit pledge to sign (prepared by their head).
    Capability.SIGN_EXIT_PLEDGE: lambda user, roles: _pledge_waiting(user),
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


def can(user: Person, capability: Capability) -> bool:
    """Whether ``user`` may use ``capability``. Inactive and anonymous users may use nothing."""
    if not signed_in(user):
        return False
    return _RULES[capability](user, roles_of(user))


def decides_permission(perm: str) -> bool:
    return perm in PERMISSION_CAPABILITIES


def has_permission(user: Person, perm: str) -> bool:
    return can(user, PERMISSION_CAPABILITIES[perm])


# What a refused capability says to the person (the 403 page shows it).
_CAPABILITY_REFUSALS: dict[Capability, str | Promise] = {
    Capability.RECORD_INTAKE: _("Only sales staff and department heads register files."),
    Capability.RECORD_REVIEW: _("Only department heads (and management) review client files."),
    Capability.PAPER_ARCHIVE: _("Only the archive department keeps the catalogue."),
    Capability.RECORD_IMPORT: _(
        "Only department heads and the archive department import existing client registers."
    ),
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
    Capability.ALERT_CHANNELS: _(
        "Only the information-security officer connects group chats to the alerts."
    ),
    Capability.INTEGRATION_CLIENTS: _(
        "Only the information-security officer lets other systems use the integration API."
    ),
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
    Capability.ENROLMENT_APPROVAL: _("Only the information-security officer approves this."),
    Capability.MANAGEMENT_REPORT: _(
        "The management report is for management, the security officer and department heads."
    ),
    Capability.TRAINING_REGISTER: _("The security officer keeps the training register."),
    Capability.SIGN_EXIT_PLEDGE: _("You have no exit pledge waiting for your signature."),
    Capability.PROCESSING_RECORD: _(
        "The record of processing activities is kept by the security officer and legal."
    ),
    Capability.BREACH_RESPONSE: _(
        "A breach kit names who and what a leak touched: only the security officer and legal "
        "prepare it."
    ),
}


def refusal(capability: Capability) -> Decision:
    """The refusal of ``capability``, with the sentence that explains it."""
    return Decision(False, _CAPABILITY_REFUSALS.get(capability, ""))


def require_can(user: Person, capability: Capability) -> None:
    """Raise ``Denied`` with the capability's reason unless ``can`` allows."""
    if not can(user, capability):
        raise Denied(refusal(capability))
