"""The archive catalogue (R15, R33; issue 19 §2): every catalogued file, searchable by number,
location, level, status and department, in pages of any depth.

Pages are keyset pages on the archive number (unique and indexed), not offsets: the thousandth
page costs what the first does, and a file numbered while someone pages does not shift the rows
under them. The catalogue never shows customer content (policy.catalogue: metadata only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from access import policy
from access.models import User
from records.models import CustomerRecord

PAGE_SIZE = 50
# Counted exactly up to here; beyond it the page says "more than 1,000".
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Criteria:
    """What the archivist searches by; empty means "any"."""

    number: str = ""  # a part of the archive number or of the old one, e.g. "2019-0001"
    room: str = ""
    cabinet: str = ""
    shelf: str = ""
    tier: int | None = None
    status: str = ""
    department_id: int | None = None
    placed: str = ""  # "", "yes" (has a location) or "no" (not yet placed)


@dataclass
class Page:
    rows: list[CustomerRecord] = field(default_factory=list)
    total: int = 0
    after: str = ""  # the cursor of the next page ("" on the last)
    before: str = ""  # the cursor of the previous page ("" on the first)
    more_than: int = 0  # set (to COUNT_LIMIT) when more files match than were counted


# A page cursor is an archive number ("KH-2026-000123"); anything else (an edited address, a NUL
# byte PostgreSQL refuses) starts from the first page instead.
CURSOR = re.compile(r"[A-Za-z0-9-]{1,20}")


def cursor(raw: str) -> str:
    return raw if CURSOR.fullmatch(raw) else ""


def _matching(user: User, criteria: Criteria) -> QuerySet[CustomerRecord]:
    found = policy.catalogue(user, CustomerRecord.objects.all())
    number = criteria.number.strip()
    if number:  # the number Baomi gave it, or the one an imported register had
        found = found.filter(Q(archive_number__icontains=number) | Q(old_number__icontains=number))
    text: dict[str, Any] = {
        "paper__room__icontains": criteria.room.strip(),
        "paper__cabinet__iexact": criteria.cabinet.strip(),
        "paper__shelf__iexact": criteria.shelf.strip(),
        "status": criteria.status,
    }
    found = found.filter(**{key: value for key, value in text.items() if value})
    if criteria.tier is not None:
        found = found.filter(tier=criteria.tier)
    if criteria.department_id is not None:
        found = found.filter(department_id=criteria.department_id)
    if criteria.placed in ("yes", "no"):
        found = found.filter(paper__isnull=criteria.placed == "no")
    return found


def _rows_of(user: User, criteria: Criteria) -> QuerySet[CustomerRecord]:
    return _matching(user, criteria).select_related(
        "department", "handler", "paper__custodian", "declared_location"
    )


def page_query(
    user: User, criteria: Criteria, *, after: str = "", size: int = PAGE_SIZE
) -> QuerySet[CustomerRecord]:
    """The query of the page after ``after`` (one more row than the page, to tell if another
    follows): a range of the archive-number index (tests EXPLAIN it on PostgreSQL)."""
    query = _rows_of(user, criteria)
    query = query.filter(archive_number__gt=after) if after else query
    return query.order_by("archive_number")[: size + 1]


def count_matching(user: User, criteria: Criteria) -> int:
    """How many files match, counted up to ``COUNT_LIMIT + 1``: past that the page says "more
    than" rather than count the whole archive on every page (issue 20 §1)."""
    return _matching(user, criteria)[: COUNT_LIMIT + 1].count()


def search(
    user: User, criteria: Criteria, *, after: str = "", before: str = "", size: int = PAGE_SIZE
) -> Page:
    """One page of the files matching ``criteria``, in archive-number order: the page after the
    cursor ``after``, or the page before ``before``, or the first page."""
    if before:
        rows = list(
            _rows_of(user, criteria)
            .filter(archive_number__lt=before)
            .order_by("-archive_number")[: size + 1]
        )
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        more_after = True
    else:
        rows = list(page_query(user, criteria, after=after, size=size))
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = bool(after)
    total = count_matching(user, criteria)
    return Page(
        rows=rows,
        total=total,
        more_than=COUNT_LIMIT if total > COUNT_LIMIT else 0,
        after=rows[-1].archive_number or "" if rows and more_after else "",
        before=rows[0].archive_number or "" if rows and more_before else "",
    )
