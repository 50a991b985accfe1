"""Menu entries of access/ and of the audit pages (audit imports no app, so access registers
them, from the same policy that guards the pages), and the yearly access review."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from access.models import User
from access.policy import Capability
from access.shell import NavItem, register_nav


def review_items(user: User) -> int:
    from access import reviews

    return reviews.my_items(user).count()


def review_deadline(user: User) -> date | None:
    from access import reviews

    found = reviews.my_items(user).order_by("campaign__deadline").first()
    return found.campaign.deadline if found else None


def operations_problems(user: User) -> int:
    """The security officer's count: operations problems the watch sees now (issue 18 §7)."""
    if not user.has_perm("audit.triage_incidents"):
        return 0
    from core import health

    return len(health.open_problems())


def open_incidents(user: User) -> int:
    """The security officer's count: incidents not closed yet (everyone else: none)."""
    if not user.has_perm("audit.triage_incidents"):
        return 0
    from audit import incidents

    return incidents.open_incidents().count()


def training_overdue(user: User) -> int:
    from django.utils import timezone

    from access import training

    today = timezone.localdate()
    return sum(1 for standing in training.standings() if standing.overdue(today))


def resets_to_approve(user: User) -> int:
    from access import enrolment

    return len(enrolment.awaiting_approval())


def register() -> None:
    for item in (
        NavItem(
            key="security",
            group="account",
            order=10,
            label=_("My account security"),
            url_name="access:security",
            capability=Capability.ACCOUNT_SECURITY,
            description=_("Change your password, replace your authenticator, backup codes."),
        ),
        NavItem(
            key="audit",
            group="audit",
            order=20,
            label=_("Audit log"),
            url_name="audit:events",
            capability=Capability.AUDIT_CONSOLE,
            description=_("Who did what, when: search, per person, per file, export."),
        ),
        NavItem(
            key="kpis",
            group="audit",
            order=30,
            label=_("KPIs and alerts"),
            url_name="audit:kpis",
            capability=Capability.KPI_DASHBOARD,
            description=_("Leak incidents, permission abuses and abnormal accesses per week."),
            count=operations_problems,
            todo=_(
                "Operations problems (backup, worker, audit chain, disk, mail): see the KPIs page."
            ),
        ),
        NavItem(
            key="incidents",
            group="audit",
            order=40,
            label=_("Incidents"),
            url_name="audit:incidents",
            capability=Capability.INCIDENT_REPORT,
            description=_("Report a suspected leak; follow what happens to your report."),
            count=open_incidents,
        ),
        NavItem(
            key="training",
            group="admin",
            order=48,
            label=_("Confidentiality training"),
            url_name="access:training",
            capability=Capability.TRAINING_REGISTER,
            description=_("Sessions held, who attended, who is due this year."),
            count=training_overdue,
            todo=_("People past their yearly confidentiality training."),
        ),
        NavItem(
            key="admin",
            group="admin",
            order=50,
            label=_("Administration"),
            url_name="admin:index",
            capability=Capability.ADMIN_SITE,
            description=_("Accounts, departments, roles and the agreement text."),
        ),
        NavItem(
            key="enrolment_approvals",
            group="admin",
            order=45,
            label=_("Sign-in resets"),
            url_name="access:enrolment_approvals",
            capability=Capability.ENROLMENT_APPROVAL,
            description=_("Approve resets of sign-in for people above sales."),
            count=resets_to_approve,
        ),
        NavItem(
            key="access_reviews",
            group="work",
            order=190,
            label=_("Access reviews"),
            url_name="access:reviews",
            capability=Capability.ACCESS_REVIEW,
            # Heads review their staff; management reviews the heads: "the people you review".
            description=_("Confirm or revoke the roles and grants of the people you review."),
            count=review_items,
            due=review_deadline,
        ),
        NavItem(
            key="access_review_admin",
            group="admin",
            order=200,
            label=_("Access reviews"),
            url_name="access:reviews",
            capability=Capability.ACCESS_REVIEW_ADMIN,
            description=_("Open the yearly review, follow progress, close with a report."),
        ),
    ):
        register_nav(item)
