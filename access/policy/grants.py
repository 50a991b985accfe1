"""Per-object grants as the rules read them: a grant works while its guardian row's ``expires_at``
lies ahead. The sweep deletes rows that ran out, but no rule depends on it having run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from access.policy.roles import Person
from access.policy.terms import GONE

# The guardian permission a read grant sets (access.models.GrantPermission.READ).
READ_PERMISSION = "view_customerrecord"


def grant_rows(user: Person) -> QuerySet:
    """The guardian read-grant rows of ``user``, whatever their expiry."""
    from access.grants import permission_id
    from access.models import RecordUserObjectPermission

    # None for the anonymous visitor: Django reads "= None" as IS NULL, which no row matches.
    user_id: Any = getattr(user, "pk", None)
    return RecordUserObjectPermission.objects.filter(
        user_id=user_id, permission_id=permission_id(READ_PERMISSION)
    )


GRANT_CACHE_ATTR = "_baomi_grant_expiry"


class _GrantsOfPage:
    """The grant expiries of a page's files, read in one query the first time a decision needs
    one: a page of the person's own files (decided by role) never asks."""

    def __init__(self, user: Person, ids: list[Any]):
        self.user, self.ids, self.known = user, ids, set(ids)
        self.found: dict[Any, Any] | None = None

    def __contains__(self, record_id: Any) -> bool:
        return record_id in self.known

    def __getitem__(self, record_id: Any) -> Any:
        if self.found is None:
            self.found = dict(
                grant_rows(self.user)
                .filter(content_object_id__in=self.ids)
                .values_list("content_object_id", "expires_at")
            )
        return self.found.get(record_id)


@contextmanager
def grants_read_once(user: Person, records: list[Any]) -> Iterator[None]:
    """Read the person's grant expiries for these files in one query, for the decisions made
    inside the block, and only if one of them needs a grant. They are held only for the block,
    so a grant revoked a moment later is never honoured from a stale copy; each is compared
    with the clock as it is decided."""
    setattr(user, GRANT_CACHE_ATTR, _GrantsOfPage(user, [r.id for r in records]))
    try:
        yield
    finally:
        delattr(user, GRANT_CACHE_ATTR)


def grant_expiry(user: Person, record: Any) -> Any:
    cache = getattr(user, GRANT_CACHE_ATTR, None)
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


def granted_records(user: Person, records: QuerySet) -> QuerySet:
    """Files this person may open only through a live grant."""

    live = grant_rows(user).filter(expires_at__gt=timezone.now())
    return records.filter(pk__in=live.values("content_object_id")).exclude(status__in=GONE)


def loans(user: Person, limit: int = 50) -> list[tuple[Any, Any]]:
    """(file, access ends) for this person's live grants, soonest ending first: read from the
    (user, expires_at) index, so it costs the same with 10 or 10,000 grants."""

    rows = (
        grant_rows(user)
        .filter(expires_at__gt=timezone.now())
        .exclude(content_object__status__in=GONE)
        .select_related("content_object", "content_object__department")
        .order_by("expires_at")[:limit]
    )
    return [(row.content_object, row.expires_at) for row in rows]


def by_emergency(user: Person, record: Any) -> bool:
    """Whether this person reads the file now through emergency access (not a loan): the page
    says so for the whole 30 minutes (issue 16: it called it a loan)."""
    from access.models import Grant

    return (
        Grant.objects.active()
        .filter(grantee_id=user.pk, record_id=record.pk, source=Grant.Source.BREAK_GLASS)
        .exists()
    )
