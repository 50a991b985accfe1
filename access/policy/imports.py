"""Bringing an existing register in (issue 19 §1): who may import for which department.

A department head imports their own departments' registers; the archive department, which
keeps every department's paper folders, may import for any. The files then go through the
ordinary review: the head of the department approves them, never the person who handles them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision
from access.policy.roles import Person, headed_department_ids, roles_of, signed_in
from access.roles import Role


def import_departments(user: Person, departments: QuerySet) -> QuerySet:
    """The departments whose registers this person may import."""
    if not signed_in(user):
        return departments.none()
    if Role.ARCHIVIST in roles_of(user):
        return departments
    return departments.filter(id__in=headed_department_ids(user))


def decide_import(user: Person, batch: Any) -> Decision:
    """Whether this person may see and carry on an import (the department's importers may)."""
    from access.models import Department

    if not import_departments(user, Department.objects.filter(pk=batch.department_id)).exists():
        return Decision(
            False,
            _(
                "Only the head of the department and the archive department can see this "
                "department's imports."
            ),
        )
    return ALLOW


def decide_import_approval(user: Person, batch: Any) -> Decision:
    """Whether this person approves an import's files: the head of its department, or
    management (which approves the files a head handles); each file is still decided by the
    ordinary review rule."""
    if batch.department_id in headed_department_ids(user) or Role.MANAGEMENT in roles_of(user):
        return ALLOW
    return Decision(
        False,
        _(
            "Only the head of the department approves its imports (management, for the files "
            "the head handles)."
        ),
    )
