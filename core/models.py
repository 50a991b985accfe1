"""Rows the background machinery leaves: one per periodic job run, one heartbeat per process."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobRun(models.Model):
    """A periodic job's run: start, end, outcome, counts (DESIGN.md "Celery")."""

    name = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_recent")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M:%S}"


class Heartbeat(models.Model):
    """The last time a background process said it was alive (the Celery worker, every minute),
    for the security officer's dashboard: background jobs that silently stopped are a risk."""

    name = models.CharField(max_length=40, unique=True)
    host = models.CharField(max_length=100, blank=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
