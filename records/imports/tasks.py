"""The background halves of an import: its check, its commit and its approval."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

# ``acks_late``: a worker killed halfway leaves the message queued, and the next worker carries
# on (the commit from its progress mark; the check and the approval by what is left to do).


@shared_task(name="records.import_check", acks_late=True, ignore_result=True)
def check_register(batch_id: str, language: str) -> None:
    """Check an uploaded register; its problems are written in the uploader's language too."""
    from records.imports import service

    with translation.override(language):
        service.check_batch(batch_id)


@shared_task(name="records.import_register", acks_late=True, ignore_result=True)
def import_register(batch_id: str) -> None:
    from records.imports import service

    service.run(batch_id)


@shared_task(name="records.import_approve", acks_late=True, ignore_result=True)
def approve_import(batch_id: str) -> None:
    from records.imports import approval

    approval.run_approval(batch_id)


@shared_task(name="records.expire_imports", acks_late=True)
def expire_imports() -> int:
    """Daily: imports not started within BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS are cancelled and
    their uploads destroyed (records.imports.expiry)."""
    from core.jobs import job_run
    from records.imports import expiry

    with job_run("records.expire_imports", keep_idle=False) as counts:
        counts["expired"] = expiry.expire_unstarted()
    return counts["expired"]
