"""Which files each list shows (R15, issue 20 §1): one filter per scope, each the shape of one
partial index, so a page at any depth reads the page and not the rows before it.

``visible_records`` answers "may this person open it" for any query; its OR of every way a file
can be visible is right but no one index fits it, and a list that added its own scope on top
repeated the department filter (PostgreSQL then misjudged the row count by 20x). A list names
its scope, so it gets that scope's filter alone. tests/access/test_list_scopes.py proves each
equal to ``visible_records`` narrowed to the scope, for every role and status.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from access.policy.roles import Person, headed_department_ids, roles_of, signed_in
from access.policy.terms import GONE
from access.roles import Role

# The statuses no list shows, written once for the queries and the partial indexes that must
# match them word for word (records/models.py): PostgreSQL uses a partial index only when it
# can prove the query's filter implies the index's.
NOT_IN_OWN_LIST = tuple(sorted(GONE))
# A department's drafts are their handlers' own until submitted (``_may_view``).
NOT_IN_DEPARTMENT_LIST = tuple(sorted(GONE | {"draft"}))
OWN_LIST = ~Q(status__in=NOT_IN_OWN_LIST)
DEPARTMENT_LIST = ~Q(status__in=NOT_IN_DEPARTMENT_LIST)


def _unrestricted(user: Person, records: QuerySet) -> QuerySet:
    """Files under a legal restriction show only to legal staff (``visible_records``)."""
    if Role.LEGAL in roles_of(user):
        return records
    return records.filter(restricted_at__isnull=True)


def own_files(user: Person, records: QuerySet) -> QuerySet:
    """ "My files": the files this person handles that they may still open."""
    if not signed_in(user):
        return records.none()
    return _unrestricted(user, records.filter(OWN_LIST, handler_id=user.pk))


def department_files(user: Person, records: QuerySet, department_id: int) -> QuerySet:
    """One department's files for its head: everything past the draft stage. A head's own
    drafts are in their own list, as anyone's are."""
    if department_id not in headed_department_ids(user):
        return records.none()
    return _unrestricted(user, records.filter(DEPARTMENT_LIST, department_id=department_id))
