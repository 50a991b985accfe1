"""Issuing, revoking and sweeping per-object grants (DESIGN.md "access/": Grant ledger).

The ``Grant`` row is the record of why someone may open a file; the django-guardian row
(``RecordUserObjectPermission``) is what the policy reads. There is one guardian row per person,
file and permission, carrying the latest expiry of that person's live grants for it, so
overlapping grants (a borrow and an emergency access) neither collide nor cut each other short.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import audit
from access.models import AccessRequest, Grant, GrantPermission, RecordUserObjectPermission, User

_PERMISSION_IDS: dict[str, int] = {}


def permission_id(codename: str) -> int:
    """The auth Permission id for a records codename, looked up once per process."""
    if codename not in _PERMISSION_IDS:
        _PERMISSION_IDS[codename] = Permission.objects.get(
            content_type__app_label="records", codename=codename
        ).pk
    return _PERMISSION_IDS[codename]


def clear_permission_cache(**_kwargs: Any) -> None:
    """Permission ids change when a test database is flushed and rebuilt (post_migrate)."""
    _PERMISSION_IDS.clear()


def _materialise(user_id: int, record_id: Any, permission: str) -> None:
    """Make the guardian row say what the ledger says: present until the latest live expiry."""
    now = timezone.now()
    latest = (
        Grant.objects.active(now)
        .filter(grantee_id=user_id, record_id=record_id, permission=permission)
        .aggregate(latest=Max("expires_at"))["latest"]
    )
    rows = RecordUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id=record_id, permission_id=permission_id(permission)
    )
    if latest is None:
        rows.delete()
    elif not rows.update(expires_at=latest):
        RecordUserObjectPermission.objects.create(
            user_id=user_id,
            content_object_id=record_id,
            permission_id=permission_id(permission),
            expires_at=latest,
        )


def issue(
    *,
    grantee: User,
    record: Any,
    expires_at: datetime,
    reason: str,
    granted_by: User,
    source: str,
    source_request: AccessRequest | None = None,
    permission: str = GrantPermission.READ,
) -> Grant:
    """Give ``grantee`` ``permission`` on ``record`` until ``expires_at``. Callers have checked
    that the grant is due (an approved request, an emergency the policy allows)."""
    with transaction.atomic():
        grant = Grant.objects.create(
            grantee=grantee,
            record_id=record.pk,
            permission=permission,
            source=source,
            reason=reason,
            source_request=source_request,
            granted_by=granted_by,
            expires_at=expires_at,
        )
        _materialise(grantee.pk, record.pk, permission)
        audit.record(
            granted_by,
            "grant.issued",
            grant,
            grantee=grantee.audit_label(),
            record=record.audit_label(),
            permission=permission,
            source=source,
            request_number=source_request.number if source_request else "",
            expires_at=expires_at.isoformat(),
        )
    return grant


def revoke(grant: Grant, *, by: User | None, reason: str) -> bool:
    """End a grant now. Returns False if it had already ended (revoked or expired)."""
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None or locked.expires_at <= timezone.now():
            return False
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revoke_reason = reason[:200]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        _materialise(locked.grantee_id, locked.record_id, locked.permission)
        audit.record(
            by,
            "grant.revoked",
            locked,
            grantee=locked.grantee.audit_label(),
            record=locked.record.audit_label(),
            reason=reason[:200],
        )
    grant.revoked_at = locked.revoked_at
    return True


def revoke_all(grants: Any, *, by: User | None, reason: str) -> int:
    """Revoke every live grant in ``grants``; returns how many ended now."""
    return sum(revoke(g, by=by, reason=reason) for g in grants.active().select_related("record"))


def sweep_expired(now: datetime | None = None, chunk: int = 1000) -> int:
    """Delete guardian rows whose grants have all run out. Idempotent and chunked: safe to run
    twice or to stop halfway. The policy already refuses these rows; this keeps the table small."""
    now = now or timezone.now()
    removed = 0
    while True:
        ids = list(
            RecordUserObjectPermission.objects.filter(expires_at__lte=now).values_list(
                "pk", flat=True
            )[:chunk]
        )
        if not ids:
            break
        removed += RecordUserObjectPermission.objects.filter(
            pk__in=ids, expires_at__lte=now
        ).delete()[0]
    if removed:
        audit.record(None, "grant.expired_swept", rows=removed)
    return removed
