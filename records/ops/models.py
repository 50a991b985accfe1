"""What the operations wing keeps in the database: the verified backup archives and the sealed
mail outbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Backup(models.Model):
    """One encrypted backup archive (R31). A row is written only after the archive is complete
    and verified in its final place: a run killed halfway leaves no archive marked good."""

    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    manifest = models.JSONField()
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class OutboxMessage(models.Model):
    """One e-mail waiting for the worker (issue 18 §7): written in the transaction that decided
    to send it, so nothing is lost when the mail server is down and nothing is sent for work
    that was rolled back. The message (addresses, subject, body: an enrolment link, a person's
    name) is sealed like any secret that belongs to no client file, and dropped once delivered;
    the row stays as the record that a mail went out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sealed = models.BinaryField(null=True)
    recipients = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"mail {self.pk}"

    def audit_label(self) -> str:
        return f"mail {str(self.pk)[:8]}"
