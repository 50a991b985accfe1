"""The yearly access review (R72)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.models.grants import Grant
from access.models.people import Department


class ReviewCampaign(models.Model):
    """The annual access review (R72): every role membership and live grant is confirmed or
    revoked by the person's department head (management for heads themselves)."""

    name = models.CharField(_("name"), max_length=100)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField(_("deadline"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class ReviewItem(models.Model):
    class Kind(models.TextChoices):
        ROLE = "role", _("Role membership")
        GRANT = "grant", _("Grant")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        CONFIRMED = "confirmed", _("Confirmed")
        REVOKED = "revoked", _("Revoked")

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_items"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_role = models.CharField(max_length=32)  # access.roles.Role value
    kind = models.CharField(max_length=8, choices=Kind.choices)
    role = models.CharField(max_length=32, blank=True)
    grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access review item")
        verbose_name_plural = _("access review items")
        ordering = ["department__code", "person__username", "kind", "role"]
        indexes = [
            models.Index(
                fields=["campaign", "decision", "reviewer_role", "department"],
                name="review_open_by_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.person} / {self.kind}"
