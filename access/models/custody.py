"""Who holds a file: transfers between colleagues (R51) and hand-overs (R62)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transfer(models.Model):
    """An internal hand-over of one file's custody (R51): authorised, recorded, and complete only
    when the receiver confirms receipt. Until then the sender stays the handler."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting receipt")
        CONFIRMED = "confirmed", _("Received")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Withdrawn")

    record = models.ForeignKey(
        "records.CustomerRecord", on_delete=models.PROTECT, related_name="transfers"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("file hand-over to a colleague")
        verbose_name_plural = _("file hand-overs to colleagues")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(state="pending"),
                name="one_open_transfer_per_file",
            )
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"transfer {self.pk}"


class Handover(models.Model):
    """Off-boarding or a role change (R62): everything a person held, handed to a named receiver
    in one transaction, with the written hand-over sheet (PDF) generated from this row."""

    class Reason(models.TextChoices):
        LEAVING = "leaving", _("Leaving the company")
        ROLE_CHANGE = "role_change", _("Changing role or department")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    record_ids = models.JSONField(default=list)  # the files handed over (UUID strings)
    grants_revoked = models.PositiveIntegerField(default=0)
    requests_cancelled = models.PositiveIntegerField(default=0)
    devices_removed = models.PositiveIntegerField(default=0)
    sessions_ended = models.PositiveIntegerField(default=0)
    account_disabled = models.BooleanField(default=False)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hand-over on leaving")
        verbose_name_plural = _("hand-overs on leaving")
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"handover {self.pk}"
