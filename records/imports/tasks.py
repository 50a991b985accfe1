"""The background half of an import (records.imports.service.run)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="records.import_register", acks_late=True, ignore_result=True)
def import_register(batch_id: str) -> None:
    """Save an import's rows. ``acks_late``: a worker killed halfway leaves the message queued,
    and the next worker carries on from the import's progress mark."""
    from records.imports import service

    service.run(batch_id)
