"""Client files (客户档案) and what belongs to them (R10-R15, R22, R30, R33).

Customer content lives only in ``sealed_*`` columns (AES-256-GCM, records/crypto/) and in
encrypted attachment blobs; the clear columns hold metadata a list needs (archive number, tier,
status, handler, department, dates, the data categories present) and blind indexes for exact
search. The primary key is a UUID so the id exists before the first seal binds it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from access.policy.lists import DEPARTMENT_LIST, OWN_LIST
from records.classification import Tier


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved and stored")
    ARCHIVED = "archived", _("Archived")
    DESTROYED = "destroyed", _("Destroyed")


STATUS_MEANINGS = {
    RecordStatus.DRAFT: _("Being written by its handler; nobody else has seen it yet."),
    RecordStatus.SUBMITTED: _(
        "Submitted: the department head checks it, then numbers it or returns it with a comment."
    ),
    RecordStatus.RETURNED: _("Returned to its handler to correct; submit it again when fixed."),
    RecordStatus.APPROVED: _("Approved and numbered: in formal storage, encrypted."),
    RecordStatus.ARCHIVED: _("Archived: kept until its retention ends, then destroyed."),
    RecordStatus.DESTROYED: _("Destroyed: its content can never be read again."),
}


class Outcome(models.TextChoices):
    """How the business with the customer ended: decides which retention period applies."""

    OPEN = "open", _("Still in progress")
    DEAL_CLOSED = "deal_closed", _("Deal closed")
    NO_DEAL = "no_deal", _("No deal")


class CustomerKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("kind of customer", "Individual")
    COMPANY = "company", pgettext_lazy("kind of customer", "Company")


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in visit")
    PHONE = "phone", _("Phone enquiry")
    ONLINE = "online", _("Online enquiry")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event or open day")
    PARTNER = "partner", _("Partner agency")
    OTHER = "other", _("Other")


class CustomerRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    archive_number = models.CharField(
        _("archive number"), max_length=20, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("customer"), max_length=10, choices=CustomerKind.choices)
    tier = models.PositiveSmallIntegerField(_("classification"), choices=Tier.choices)
    minimum_tier = models.PositiveSmallIntegerField(
        _("minimum classification"), choices=Tier.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        related_name="handled_records",
    )
    department = models.ForeignKey(
        "access.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    acquired_at = models.DateField(_("acquired on"))
    retention_until = models.DateField(_("keep until"), null=True, blank=True, db_index=True)
    # Retention (disposal app): the outcome and contract end decide the period; the policy
    # version that computed ``retention_until`` is named here (disposal never imported).
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN
    )
    contract_ended_on = models.DateField(_("contract ended on"), null=True, blank=True)
    retention_policy = models.CharField(_("retention policy"), max_length=60, blank=True)
    # A legal hold (disposal.LegalHold) is on the file: it may not be destroyed.
    on_hold = models.BooleanField(_("under legal hold"), default=False, db_index=True)
    # Purpose ended but the file must be kept: storage only, legal alone may open it.
    restricted_at = models.DateTimeField(_("restricted since"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    # An abandoned draft's handler was told it will be purged (disposal.drafts).
    purge_notice_at = models.DateTimeField(null=True, blank=True)
    # Data categories present (records.fields.Category values): what consent must cover.
    categories = models.JSONField(default=list, blank=True)
    public_authorised = models.BooleanField(default=False)

    # Envelope encryption (records/crypto/)
    key_version = models.PositiveSmallIntegerField(db_index=True)
    wrapped_key = models.BinaryField()
    sealed_identity = models.BinaryField(default=b"")
    sealed_financial = models.BinaryField(default=b"")
    sealed_transaction = models.BinaryField(default=b"")
    sealed_other = models.BinaryField(default=b"")
    sealed_communications = models.BinaryField(default=b"")
    sealed_review_comment = models.BinaryField(default=b"")

    # Blind indexes (exact search): keyed HMAC of the normalised value; "" when absent.
    name_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    id_index = models.CharField(max_length=32, blank=True, db_index=True)

    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_records",
    )
    # Set when the customer withdraws consent; the disposal capability acts on it.
    disposal_review_requested_at = models.DateTimeField(null=True, blank=True)
    # The file's current consent was withdrawn (cleared when a new consent is recorded): the
    # policy stops processing (issue 17 §3, PIPL Art. 15).
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn on"), null=True, blank=True)
    # Brought in from an existing register (issue 19 §1): its number there, searchable.
    old_number = models.CharField(_("old archive number"), max_length=40, blank=True, db_index=True)
    import_batch = models.ForeignKey(
        "records.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )

    class Meta:
        verbose_name = _("client file")
        verbose_name_plural = _("client files")
        # One per list scope, partial on the list's own filter (access.policy.lists), ending
        # in the keyset's (updated_at, id): any page is one index range (issue 20 §1).
        indexes = [
            models.Index(
                fields=["handler", "-updated_at", "-id"], name="record_own_list", condition=OWN_LIST
            ),
            models.Index(
                fields=["department", "-updated_at", "-id"],
                name="record_department_list",
                condition=DEPARTMENT_LIST,
            ),
            models.Index(
                fields=["department", "status", "-updated_at", "-id"],
                name="record_dept_status_recent",
            ),
            models.Index(fields=["-updated_at"], name="record_recent"),
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        """How the audit log names this file: its archive number, never customer content."""
        return self.archive_number or f"draft {str(self.id)[:8]}"

    def status_meaning(self) -> str:
        """What the file's status means for the people working on it (issue 16 §6)."""
        if self.status == RecordStatus.DRAFT and self.import_batch_id:
            return gettext(
                "Imported from the department's old register, without the signed consent: "
                "attach the consent evidence, then submit it for review."
            )
        return str(STATUS_MEANINGS.get(RecordStatus(self.status), ""))

    def display_label(self) -> str:
        """How a page names this file: its archive number, or for a file not yet numbered the
        time it was registered ("草稿（2026-12-01 09:30 登记）"), never an internal id."""
        if self.archive_number:
            return self.archive_number
        registered = timezone.localtime(self.created_at) if self.created_at else None
        return gettext("Draft registered %(when)s") % {
            "when": registered.strftime("%Y-%m-%d %H:%M") if registered else "—"
        }

    @property
    def filed_number(self) -> str:
        """The archive number of a file that has one: every file from its approval on (only
        such files are catalogued on paper, lent, copied, shared or handed over). A draft has
        none; joining or searching None would fail with the same TypeError."""
        if self.archive_number is None:
            raise TypeError(f"{self.audit_label()} has no archive number")
        return self.archive_number

    def audit_context(self) -> dict[str, object]:
        """What every event about this file carries, taken from the file itself (never typed at
        the call site): its department, which the anomaly rules compare with the person's
        (audit/anomalies.py), and its level."""
        return {"record_department": self.department.name, "record_tier": self.tier}

    @property
    def raised_above_minimum(self) -> bool:
        """Its handler classified it higher than its content requires (R20)."""
        return self.tier < self.minimum_tier  # Level 1 is the most secret

    @property
    def returned_for_correction(self) -> bool:
        return self.status == RecordStatus.RETURNED

    @property
    def department_name(self) -> str:
        return self.department.name


class ArchiveCounter(models.Model):
    """The last archive number issued in a year (R15); rows are locked while numbering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class AttachmentKind(models.TextChoices):
    ID_SCAN = "id_scan", _("ID scan")
    CONTRACT = "contract", _("Contract")
    PLAN = "plan", _("Design plan")
    CONSENT = "consent", _("Consent evidence")
    OTHER = "other", _("Other")


class Attachment(models.Model):
    """An uploaded file, encrypted with its record's data key before it reaches storage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(CustomerRecord, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    sealed_name = models.BinaryField()  # the original file name may name the customer
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"{self.record.audit_label()} / {self.get_kind_display()}"

    def format_label(self) -> str:
        """What people call the file's format ("PDF 文档"), never a MIME type (issue 16 §2)."""
        return str(FILE_FORMATS.get(self.content_type, _("Other file")))


FILE_FORMATS = {
    "application/pdf": _("PDF document"),
    "image/png": _("PNG image"),
    "image/jpeg": _("JPEG image"),
    "audio/mpeg": _("MP3 recording"),
    "audio/mp4": _("M4A recording"),
    "audio/wav": _("WAV recording"),
}


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Signed paper form, scanned")
    ESIGN = "esign", _("Electronic signature")
    VERBAL = "verbal", _("Recorded verbal consent")


class Consent(models.Model):
    """What the customer agreed to (R11). Sensitive categories need ``sensitive_scope`` too."""

    record = models.ForeignKey(CustomerRecord, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.JSONField(_("data categories"), default=list)
    sensitive_scope = models.JSONField(_("separately consented sensitive categories"), default=list)
    public_disclosure = models.BooleanField(_("customer authorised disclosure"), default=False)
    method = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentMethod.choices
    )
    obtained_at = models.DateField(_("obtained on"))
    evidence = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An imported file's signed paper consent: where it is kept (its folder), not a scan.
    evidence_reference = models.CharField(
        _("where the signed consent is kept"), max_length=100, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"{self.record.audit_label()} / consent {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PaperFile(models.Model):
    """Where the paper dossier is kept (R22, R33)."""

    record = models.OneToOneField(CustomerRecord, on_delete=models.CASCADE, related_name="paper")
    room = models.CharField(_("archive room"), max_length=60)
    cabinet = models.CharField(_("cabinet"), max_length=30)
    shelf = models.CharField(_("shelf"), max_length=30)
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("custodian"),
        on_delete=models.PROTECT,
        related_name="kept_paper_files",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Out of the cabinet on a borrow request (R41) until the archive takes it back.
    checked_out_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lent to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("lent since"), null=True, blank=True)

    class Meta:
        verbose_name = _("paper folder")
        verbose_name_plural = _("paper folders")

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"{self.record.audit_label()} / paper"


# Models of the wings, imported here so that Django registers them with the records app.
from records.api.models import ClientReference, IdempotentCall, IntegrationClient  # noqa: E402, F401
from records.imports.models import ImportBatch, ImportChunk  # noqa: E402, F401
from records.inventory.models import (  # noqa: E402, F401
    InventoryCheck,
    InventoryResult,
    InventoryRound,
    RoundItem,
)
from records.ops.models import Backup, OutboxMessage  # noqa: E402, F401
from records.rights.models import CalendarDay, SubjectRequest  # noqa: E402, F401
