"""Imports left unstarted (R10, PIPL Art. 19): an upload never imported (checked, or still
being checked by a task that died) holds a whole register of customer data, sealed, and its
checked rows. It is kept for ``BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS`` from the upload, long enough
to correct the rejected rows and come back; then the daily job cancels it and destroys the
upload and the rows. An import under way or done is never touched: its upload is already gone
or goes when it ends."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import audit
from records.imports.models import ImportBatch, ImportStatus
from records.imports.service import destroy_upload

UNSTARTED = (ImportStatus.CHECKING, ImportStatus.CHECKED)


def expire_unstarted() -> int:
    """Cancel every import not started within the period; how many were."""
    days = settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS
    before = timezone.now() - timedelta(days=days)
    stale = ImportBatch.objects.filter(status__in=UNSTARTED, created_at__lt=before)
    expired = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # The person may press "import" at this moment: whoever locks first decides.
            batch = ImportBatch.objects.select_for_update().defer("sealed_upload").get(pk=pk)
            if batch.status not in UNSTARTED:
                continue
            batch.status, batch.finished_at = ImportStatus.EXPIRED, timezone.now()
            destroy_upload(batch)
            batch.save(update_fields=["status", "finished_at", "sealed_upload"])
            audit.record(None, "import.expired", target=batch, days=days)
            expired += 1
    return expired
