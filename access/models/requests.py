"""Borrow, copy and external-share requests, their approvals, the copy register and delivery
links (R41, R42, R52). Records are referenced by the string "records.CustomerRecord": access
never imports records."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models.people import Department


class RequestKind(models.TextChoices):
    BORROW = "borrow", _("Borrowing (借阅)")
    COPY = "copy", _("Copy or excerpt (复制/摘录)")
    EXTERNAL_SHARE = "external_share", _("Providing to an external party (对外提供)")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")
    FULFILLED = "fulfilled", _("Handed out")
    RETURNED = "returned", _("Returned")
    DESTROYED = "destroyed", _("Copies destroyed")
    CLOSED = "closed", _("Closed")


class Medium(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic (read in Baomi)")
    PAPER = "paper", _("Paper folder")


class ExternalParty(models.Model):
    """A supplier, design team or partner that may receive client data (R52), with its signed
    confidentiality agreement (NDA), managed by legal. No valid NDA, no external share."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        DESIGN_TEAM = "design_team", _("Design team")
        PARTNER = "partner", _("Partner agency")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The scan is sealed (records.crypto.seal_blob, bound to this party) before it is stored;
    # legal opens it on the party's page (issue 17 §17).
    nda_document = models.FileField(_("signed NDA (PDF or scan)"), upload_to="nda/", blank=True)
    nda_content_type = models.CharField(max_length=60, blank=True)
    nda_sealed = models.BooleanField(default=False)
    # The expiry date legal was last reminded of (once per NDA term).
    nda_reminded_for = models.DateField(null=True, blank=True)
    nda_signed_on = models.DateField(_("NDA signed on"), null=True, blank=True)
    nda_expires_on = models.DateField(_("NDA valid until"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("external party")
        verbose_name_plural = _("external parties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name

    def nda_valid(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return bool(
            self.nda_document
            and self.nda_signed_on
            and self.nda_expires_on
            and self.nda_signed_on <= on <= self.nda_expires_on
        )


class RequestCounter(models.Model):
    """The last request number issued per kind and year; rows are locked while numbering."""

    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class AccessRequest(models.Model):
    """One borrow, copy or external-share application (R41, R42, R52): the form on paper.

    States run pending -> approved | rejected | cancelled; approved -> fulfilled -> returned
    (borrow) or destroyed (copy) or closed. Transitions are functions in access/requests.py.
    """

    number = models.CharField(_("request number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    medium = models.CharField(
        _("form"), max_length=12, choices=Medium.choices, default=Medium.ELECTRONIC
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.PENDING
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    due_on = models.DateField(_("return or use until"))
    current_step = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # External share (R52): who receives it.
    external_party = models.ForeignKey(
        ExternalParty,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    # Copies (R42): the format and the sections asked for (an excerpt); empty for other kinds.
    copy_format = models.CharField(_("copy format"), max_length=8, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    # Reminders already sent, so a sweep that runs every hour sends each one once.
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    stale_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="request_requester_recent"),
            models.Index(fields=["state", "kind", "due_on"], name="request_state_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number

    def state_label(self) -> str:
        """The state as its requester reads it: a copy or a delivery handed over is "delivered",
        not "handed out" as a loan is (issue 16: a downloaded copy read 已借出)."""
        if self.state == RequestState.FULFILLED and self.kind == RequestKind.COPY:
            return str(_("Delivered"))
        if self.state == RequestState.FULFILLED and self.kind == RequestKind.EXTERNAL_SHARE:
            link = getattr(self, "share_link", None)
            if link is None or link.downloaded_at is None:
                return str(_("Link sent, not yet downloaded"))
            return str(_("Delivered"))
        return str(self.get_state_display())

    def audit_context(self) -> dict[str, object]:
        """The department of the request's first file (by archive number): an export of these
        files is compared with the exporter's department by the anomaly rules."""
        first = (
            self.items.select_related("record__department")
            .order_by("record__archive_number")
            .first()
        )
        return {"record_department": first.record.department.name} if first else {}


class AccessRequestItem(models.Model):
    """One file on a request, with its hand-out and return (R41: checked on return)."""

    class Condition(models.TextChoices):
        INTACT = "intact", _("Intact")
        DAMAGED = "damaged", _("Damaged")
        MISSING_PAGES = "missing_pages", _("Pages missing")

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(
        "records.CustomerRecord", on_delete=models.PROTECT, related_name="request_items"
    )
    handed_out_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_condition = models.CharField(
        _("condition on return"), max_length=16, choices=Condition.choices, blank=True
    )
    return_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("file in a request")
        verbose_name_plural = _("files in requests")
        constraints = [
            models.UniqueConstraint(fields=["request", "record"], name="file_once_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.request.number} / {self.record_id}"


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Not needed")


class Approval(models.Model):
    """One signature a request needs: a department head of one department, or the security
    officer. Steps run in order; approvals within a step (one per department) in any order."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="approvals")
    step = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=32)  # access.roles.Role value
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["step", "pk"]
        indexes = [
            models.Index(fields=["decision", "role", "department"], name="approval_open_by_role")
        ]

    def __str__(self) -> str:
        return f"{self.request.number} step {self.step} {self.role}"

    @property
    def role_label(self) -> str:
        from access.roles import Role

        return str(Role(self.role).label)


class CopyFormat(models.TextChoices):
    PDF = "pdf", _("PDF, watermarked")
    CSV = "csv", _("CSV table")
    # The uploaded originals (ID scans, contracts) as they were received: the only way they
    # leave Baomi besides an external share (issue 17 §1). Counted in the copy register.
    ORIGINALS = "original", _("Original attachments (ZIP)")


class CopyRegisterEntry(models.Model):
    """The copy register (复制登记, R42): one numbered copy per approved copy request.

    The copy itself is never stored: each download renders it afresh from the sealed file with
    the serial, the requester and the time on every page, so no decrypted copy rests on disk.
    """

    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="copy_entry"
    )
    serial = models.CharField(_("copy serial"), max_length=32, unique=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    downloads_allowed = models.PositiveSmallIntegerField(_("downloads allowed"))
    downloads = models.PositiveSmallIntegerField(_("downloads"), default=0)
    destroy_by = models.DateField(_("destroy by"))
    destroyed_at = models.DateTimeField(_("destruction confirmed at"), null=True, blank=True)
    destruction_note = models.CharField(_("how it was destroyed"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("copy register entry")
        verbose_name_plural = _("copy register")
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return self.serial

    @property
    def downloads_left(self) -> int:
        """Downloads the requester may still make (they lapse once destruction is confirmed)."""
        return max(0, self.downloads_allowed - self.downloads)

    def audit_label(self) -> str:
        return self.serial

    def audit_context(self) -> dict[str, object]:
        return self.request.audit_context()


class ShareLink(models.Model):
    """Delivery of an approved external share (R52): an expiring, single-use download link whose
    passcode travels out of band. Only hashes of the token and the passcode are kept."""

    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="share_link"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    passcode_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link valid until"))
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    receipt_confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    receipt_name = models.CharField(_("received by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("share link")

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"share link {self.request.number}"
