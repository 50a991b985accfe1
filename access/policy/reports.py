"""The management report (issue 19 §3): whose figures a person sees.

Management and the security officer see the whole company; a department head sees the
departments they head. The report holds counts only, never a customer value, so the rule is
about scope: a head must not read another department's figures, and the company-wide sections
(incidents, which name no department) are for the company-wide readers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from access.policy.capabilities import Capability, can
from access.policy.roles import Person, headed_department_ids, roles_of
from access.roles import Role

COMPANY_WIDE = frozenset({Role.MANAGEMENT, Role.SECURITY_OFFICER})


def report_departments(user: Person, departments: QuerySet) -> QuerySet:
    """The departments whose figures this person may read (none without the capability)."""
    if not can(user, Capability.MANAGEMENT_REPORT):
        return departments.none()
    if roles_of(user) & COMPANY_WIDE:
        return departments
    return departments.filter(id__in=headed_department_ids(user))


def reads_company_wide(user: Person) -> bool:
    """Whether the company-wide sections (incidents) are shown to this person."""
    return can(user, Capability.MANAGEMENT_REPORT) and bool(roles_of(user) & COMPANY_WIDE)
