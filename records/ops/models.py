"""What the operations wing keeps in the database: the list of verified backup archives."""

from __future__ import annotations

from django.db import models
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
