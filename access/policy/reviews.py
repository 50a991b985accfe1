"""The yearly access review (R72): who decides which review items."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from access.policy.decisions import ALLOW, Decision
from access.policy.roles import Person, headed_department_ids, roles_of
from access.roles import Role


def review_items_for(user: Person, items: QuerySet) -> QuerySet:
    """Review items this person decides: their departments' staff, or (management) the heads;
    never their own."""
    scope = Q(reviewer_role=Role.DEPT_HEAD.value, department_id__in=headed_department_ids(user))
    if Role.MANAGEMENT in roles_of(user):
        scope |= Q(reviewer_role=Role.MANAGEMENT.value)
    return items.filter(scope).exclude(person_id=getattr(user, "pk", None))


def decide_review_item(user: Person, item: Any) -> Decision:
    from access.models import ReviewItem

    if not review_items_for(user, ReviewItem.objects.filter(pk=item.pk)).exists():
        return Decision(False, _("This item is reviewed by the person's own head or management."))
    return ALLOW


def reviewer_role_for(person: Person) -> str:
    """Heads (and people outside any headed department) are reviewed by management."""
    department = getattr(person, "department", None)
    if department is None or department.head_id in (None, person.pk):
        return Role.MANAGEMENT.value
    return Role.DEPT_HEAD.value
