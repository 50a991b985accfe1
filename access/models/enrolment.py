"""One-time enrolment links (issue 17 §4, §20): how a person sets their own password and
enrols their authenticator, at first sign-in and after an administrator's reset."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnrolmentLink(models.Model):
    """A link with a short life, stored only as a hash. The administrator who issues it never
    sees a password; for anyone holding a role above sales a security officer approves it
    before it is sent. Used once: the person sets a password and enrols a new authenticator."""

    class Purpose(models.TextChoices):
        FIRST = "first", _("First sign-in")
        RESET = "reset", _("Reset of password and second factor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links"
    )
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    reason = models.CharField(_("reason"), max_length=300)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.user}"

    def audit_label(self) -> str:
        return str(self.user)

    @property
    def awaiting_approval(self) -> bool:
        return self.needs_approval and self.approved_at is None and self.cancelled_at is None

    def usable(self) -> bool:
        return bool(
            self.token_hash
            and self.used_at is None
            and self.cancelled_at is None
            and self.expires_at
            and self.expires_at > timezone.now()
        )
