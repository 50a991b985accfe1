"""What the operations wing keeps in the database: the verified backup archives, the sealed
outbox (mail and group-chat messages) and the group-robot channels."""

from __future__ import annotations

import uuid

from django.conf import settings
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


class ChatChannel(models.Model):
    """A WeCom or DingTalk group robot the security officer connected (issue 21 §3). Its key,
    access token and signing secret are sealed: whoever holds them can post into the group.
    Removing a channel drops them and keeps the row, which the delivery log still names."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sealed = models.BinaryField(null=True)
    # The key's last characters: enough to tell two robots apart, useless to post with.
    hint = models.CharField(max_length=8, blank=True)
    topics = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["created_at"]

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
    # A group-chat message goes to this robot; a row without one is an e-mail.
    channel = models.ForeignKey(
        ChatChannel, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    topic = models.CharField(max_length=20, blank=True)
    # A notification to an integration client's webhook (records/api/webhooks.py). Named by
    # its label: the API wing registers how to send it, the outbox never imports the wing.
    client = models.ForeignKey(
        "records.IntegrationClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at"]
        # What is still to send: the sender's due rows and the waiting count (/metrics), read
        # without walking every message ever sent.
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at=None, gave_up_at=None),
                name="outbox_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"mail {self.pk}"

    def audit_label(self) -> str:
        return f"mail {str(self.pk)[:8]}"

    @property
    def sealing_context(self) -> str:
        """What its message is sealed under, whoever sent it (mail, chat robot, webhook)."""
        return f"outbox:{self.pk}"
