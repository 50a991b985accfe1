"""One import of a client register: the uploaded file (sealed until the import ends), what the
check found and how far the commit has come."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    REFUSED = "refused", _("Not a register that can be read")
    CHECKED = "checked", _("Checked, not yet imported")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported, awaiting approval")
    APPROVING = "approving", _("Being approved")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Not imported in time")


STATUS_MEANINGS = {
    ImportStatus.CHECKING: _(
        "Every row is being checked in the background; nothing is saved. This page follows it."
    ),
    ImportStatus.REFUSED: _("Nothing was saved and the uploaded file is destroyed."),
    ImportStatus.CHECKED: _(
        "Every row was checked and nothing is saved yet. Import the valid rows, or cancel and "
        "upload a corrected register."
    ),
    ImportStatus.IMPORTING: _(
        "The valid rows are being saved in the background. You may leave this page; the import "
        "carries on and picks up where it stopped if the server restarts."
    ),
    ImportStatus.IMPORTED: _(
        "The files are saved and waiting for the department head's approval, which numbers them. "
        "Rows without consent evidence are drafts with their handlers until evidence is attached."
    ),
    ImportStatus.APPROVING: _(
        "The files are being approved and numbered one by one in the background. This page "
        "follows it."
    ),
    ImportStatus.APPROVED: _("The department head approved the imported files."),
    ImportStatus.CANCELLED: _(
        "Cancelled before anything was saved; the uploaded file is destroyed."
    ),
    ImportStatus.EXPIRED: _(
        "The checked rows were not imported within %(days)s days, so the import was cancelled "
        "and the uploaded file destroyed; nothing was saved. Upload the register again to "
        "import it."
    ),
}


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    department = models.ForeignKey(
        "access.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_format = models.CharField(max_length=10)  # "xlsx" or "csv"
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    refusal = models.CharField(max_length=300, blank=True)  # why the file could not be read
    # The uploaded register, sealed (records.crypto.seal_blob); blanked when the import ends.
    sealed_upload = models.BinaryField(default=b"")
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    known_rows = models.PositiveIntegerField(default=0)  # already in Baomi: skipped
    done_rows = models.PositiveIntegerField(default=0)  # rows the commit has been through
    next_chunk = models.PositiveIntegerField(default=0)  # the commit's progress mark
    check_run = models.PositiveIntegerField(default=0)  # which run of the check owns the chunks
    created_files = models.PositiveIntegerField(default=0)
    awaiting_consent = models.PositiveIntegerField(default=0)
    # Files the commit gave the head (or the importer): their handler left or moved since.
    reassigned_rows = models.PositiveIntegerField(default=0)
    # What the check found, to show without reading the upload again: per rejected row its
    # sheet, row number and problems (column names and rules, never a cell's value); what will
    # be created, by level; header cells that are not the template's (not read).
    problems = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_files = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"import {str(self.id)[:8]}"

    def status_meaning(self) -> str:
        meaning = str(STATUS_MEANINGS.get(ImportStatus(self.status), ""))
        if self.status == ImportStatus.EXPIRED:
            return meaning % {"days": settings.BAOMI_KEEP_UNSTARTED_IMPORTS_DAYS}
        return meaning

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100
        return min(100, round(100 * self.done_rows / self.total_rows))


class ImportChunk(models.Model):
    """The rows of one chunk of the upload that passed the check, sealed (they are customer
    data): what the commit saves, one chunk per transaction. Deleted when the import ends."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    rows = models.PositiveIntegerField()  # rows of the upload it covers, rejected ones too
    sealed = models.BinaryField()
    # Its rejected rows as lines of the rejects CSV, sealed: the download needs no new check.
    sealed_rejects = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch.audit_label()} / {self.number}"


class DeclaredLocation(models.Model):
    """Where the register said an imported file's paper folder is kept. Not a placement: the
    archive checks the folder is there and places it through the folder's page (records.paper),
    which starts from these values; placing it removes this row."""

    record = models.OneToOneField(
        "records.CustomerRecord", on_delete=models.CASCADE, related_name="declared_location"
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+")
    room = models.CharField(_("archive room"), max_length=60)
    cabinet = models.CharField(_("cabinet"), max_length=30)
    shelf = models.CharField(_("shelf"), max_length=30)

    def __str__(self) -> str:
        return f"{self.room} / {self.cabinet} / {self.shelf}"
