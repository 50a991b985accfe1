"""Rows the background machinery leaves: one per periodic job run, one heartbeat per process, one
per operations problem while it lasts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class OpsAlert(models.Model):
    """One operations problem, from the moment the watch saw it until it saw it gone (issue 18
    §7): people are mailed once when it opens and once when it closes, not at every check."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("The background worker stopped reporting")
        BACKUP = "backup", _("The backup failed or is overdue")
        DRILL = "drill", _("The restore drill failed or is overdue")
        CHAIN = "chain", _("The audit chain did not verify")
        SEALER = "sealer", _("Audit events are not being sealed")
        DISK = "disk", _("The disk is nearly full")
        MAIL = "mail", _("Mail could not be delivered")
        CHAT = "chat", _("Group chat messages or notifications to other systems failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("operations alert")
        verbose_name_plural = _("operations alerts")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_ops_alert_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.opened_at:%Y-%m-%d %H:%M}"

    def audit_label(self) -> str:
        return f"ops alert {self.pk}"
