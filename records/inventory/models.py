"""Inventory (盘点): one archivist's check of one paper folder, and a round of checks with the
folders it covers (frozen when the round is planned)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")


class InventoryRound(models.Model):
    name = models.CharField(_("name"), max_length=100)
    rooms = models.JSONField(_("archive rooms"), default=list)  # empty: every room
    cabinets = models.JSONField(_("cabinets"), default=list)  # empty: every cabinet of them
    due_on = models.DateField(_("to be finished by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inventory round")
        verbose_name_plural = _("inventory rounds")
        ordering = ["-planned_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"inventory round {self.pk}"

    @property
    def is_open(self) -> bool:
        """Folders can still be recorded; closing it is still to come."""
        return self.status == RoundStatus.OPEN


class RoundItem(models.Model):
    """One folder to check in the round; ``settled_by`` is the check that settled it."""

    round = models.ForeignKey(InventoryRound, on_delete=models.CASCADE, related_name="items")
    paper_file = models.ForeignKey(
        "records.PaperFile", on_delete=models.CASCADE, related_name="round_items"
    )
    settled_by = models.OneToOneField(
        "records.InventoryCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "paper_file"], name="round_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.round.audit_label()} / {self.paper_file_id}"


class InventoryResult(models.TextChoices):
    FOUND = "found", _("Found intact")
    MISSING = "missing", _("Missing")
    DAMAGED = "damaged", _("Damaged")
    MISPLACED = "misplaced", _("Found in the wrong place")


class InventoryCheck(models.Model):
    """One archivist check (盘点) of one paper file."""

    paper_file = models.ForeignKey(
        "records.PaperFile", on_delete=models.CASCADE, related_name="checks"
    )
    result = models.CharField(_("result"), max_length=10, choices=InventoryResult.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.paper_file.audit_label()} / {self.get_result_display()}"

    @property
    def reported(self) -> bool:
        """Anything but found intact is a discrepancy, reported as an incident (R73)."""
        return self.result != InventoryResult.FOUND
