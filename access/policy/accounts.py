"""Who may reset whose sign-in (issue 17 §4, §20). An account administrator issues enrolment
links, never passwords, and never for themselves; for anyone holding a role above sales a
security officer who is neither the person nor the issuer approves the link first."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision
from access.policy.roles import Person, roles_of, signed_in
from access.roles import Role


def needs_second_approver(person: Any) -> bool:
    """Anyone holding a role other than sales: their account opens more than their own files."""
    held = set(person.groups.values_list("name", flat=True))
    return bool(held - {Role.SALES.value})


def decide_enrolment_issue(admin: Person, person: Any) -> Decision:
    if not signed_in(admin) or not admin.is_staff or not admin.has_perm("access.change_user"):
        return Decision(False, _("Only account administrators reset sign-ins."))
    if admin.pk == person.pk:
        return Decision(
            False,
            _("Nobody resets their own sign-in here; use “My account security” instead."),
        )
    if not person.is_active:
        return Decision(False, _("This account is closed."))
    return ALLOW


def decide_enrolment_approval(officer: Person, link: Any) -> Decision:
    if Role.SECURITY_OFFICER not in roles_of(officer):
        return Decision(False, _("Only the information-security officer approves this."))
    if officer.pk in (link.user_id, link.created_by_id):
        return Decision(
            False,
            _("The person concerned and the administrator who asked cannot approve it."),
        )
    if not link.awaiting_approval:
        return Decision(False, _("This reset is not awaiting approval."))
    return ALLOW


def decide_own_device(person: Person, device: Any) -> Decision:
    """A second factor (a passkey) is changed or removed by its owner only (issue 21 §1)."""
    if not signed_in(person) or getattr(device, "user_id", None) != person.pk:
        return Decision(False, _("Only its owner can change or remove a passkey."))
    return ALLOW
