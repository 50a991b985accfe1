"""Confidentiality training (保密培训, R80) and the exit pledge (离职保密承诺书, R81).

Training: the sessions held (date, topic, trainer, materials) and who attended; a person is due
again a year after the last session they attended, and at once when they never attended (new
staff are listed for the next session). The pledge: generated when someone leaves, signed by
them in Baomi or on paper (the scan is sealed like an NDA), and kept with the hand-over.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.models.custody import Handover


class TrainingSession(models.Model):
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=100)
    materials = models.CharField(
        _("materials"),
        max_length=300,
        blank=True,
        help_text=_("What was handed out or shown, and where it is kept."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def audit_label(self) -> str:
        return f"training {self.pk}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainings"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="attended_once")]

    def __str__(self) -> str:
        return f"{self.session} / {self.person}"


class TrainingReminder(models.Model):
    """One reminder per person and due date: the unique row is the claim, so a sweep that runs
    every hour, or two at once, mails each person once for each year."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "due_on"], name="training_reminded_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} / {self.due_on:%Y-%m-%d}"


class ExitPledge(models.Model):
    class Method(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("Confirmed in Baomi by the person leaving")
        SCAN = "scan", _("Signed on paper; the scan is kept")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exit_pledges"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    # The pledge as it was put to the person (Chinese, as signed), and its digest: what they
    # signed can be shown again word for word.
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    sealed_scan = models.BinaryField(default=b"")
    scan_content_type = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handover = models.OneToOneField(
        Handover, null=True, blank=True, on_delete=models.PROTECT, related_name="pledge"
    )

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        # One pledge waits per person: preparing twice (a double click) cannot make two.
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(handover__isnull=True),
                name="one_open_pledge_per_person",
            )
        ]
        verbose_name = _("exit confidentiality pledge")
        verbose_name_plural = _("exit confidentiality pledges")

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"pledge {self.pk}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None
