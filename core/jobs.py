"""Bookkeeping for periodic jobs: every run leaves a row (start, end, outcome, counts)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from core.models import JobRun

log = logging.getLogger("baomi.jobs")


@contextmanager
def job_run(name: str, *, keep_idle: bool = True) -> Iterator[dict[str, int]]:
    """Run a job body and record its outcome. The body fills the yielded ``counts`` dict.

    With ``keep_idle=False`` a run that did nothing and failed nowhere leaves no row (the sealer
    runs every few seconds; its idle runs would bury the interesting ones).
    """
    counts: dict[str, int] = {}
    started = timezone.now()
    try:
        yield counts
    except Exception as error:
        JobRun.objects.create(
            name=name,
            started_at=started,
            finished_at=timezone.now(),
            ok=False,
            counts=counts,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.exception("job %s failed", name)
        raise
    if keep_idle or any(counts.values()):
        JobRun.objects.create(
            name=name, started_at=started, finished_at=timezone.now(), ok=True, counts=counts
        )


def latest_runs(limit: int = 20) -> list[JobRun]:
    return list(JobRun.objects.order_by("-started_at")[:limit])
