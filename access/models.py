"""People, departments, second factors and confidentiality agreements."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from guardian.models import UserObjectPermissionBase


class Department(models.Model):
    """An organisational unit. Its head is first responsible for its records (R1, 000 §2)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    head = models.ForeignKey(
        "access.User",
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One person, one account (R2). Chinese names are kept whole in ``full_name``."""

    class EmploymentStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        LEFT = "left", _("Left the company")

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    employee_number = models.CharField(
        _("employee number"), max_length=32, unique=True, null=True, blank=True
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=16,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def audit_label(self) -> str:
        """How the audit log names a person: name and employee number, no personal data."""
        return str(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Permissions that access/policy.py decides are answered there alone."""
        from access import policy

        if policy.decides_permission(perm):
            return policy.has_permission(self, perm)
        return super().has_perm(perm, obj)

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        if self.employee_number:
            return f"{self.get_full_name()} ({self.employee_number})"
        return self.get_full_name()


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time backup codes, stored only as keyed hashes.

    django-otp's StaticDevice keeps its codes in clear in the database; a database dump would
    then be a second factor for every user. Here only an HMAC (keyed by SECRET_KEY) is kept, and a
    used code is marked, not deleted, so its use stays visible.
    """

    class Meta(Device.Meta):
        verbose_name = _("backup code set")
        verbose_name_plural = _("backup code sets")

    @staticmethod
    def normalise(token: str) -> str:
        return "".join(ch for ch in str(token).lower() if ch.isalnum())

    @staticmethod
    def digest(token: str) -> str:
        return salted_hmac(
            "baomi.backup-code", BackupCodeDevice.normalise(token), algorithm="sha256"
        ).hexdigest()

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: str) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed or not self.normalise(token):
            return False
        # One UPDATE that only succeeds on an unused code: two requests racing with the same
        # code cannot both win.
        won = self.codes.filter(code_hash=self.digest(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if won:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self) -> str:
        return f"backup code #{self.pk} ({'used' if self.used_at else 'unused'})"


class AgreementQuerySet(models.QuerySet):
    def published(self) -> AgreementQuerySet:
        return self.filter(published_at__lte=timezone.now())

    def current(self) -> Agreement | None:
        return self.published().order_by("-version").first()

    def current_with_signature_of(self, user: User) -> Agreement | None:
        """The current agreement, annotated with ``signed`` for ``user``, in one query."""
        signed = AgreementSignature.objects.filter(agreement=OuterRef("pk"), user=user)
        return self.published().annotate(signed=Exists(signed)).order_by("-version").first()


class Agreement(models.Model):
    """A version of the confidentiality agreement every person signs before using data (R3).

    A published version is never edited in place: a changed text is a new version, which makes
    everyone sign again. The SHA-256 of the text is kept with each signature, so what was signed
    can be proven later.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"

    def audit_label(self) -> str:
        return f"v{self.version}"

    def text_sha256(self) -> str:
        payload = f"{self.version}\n{self.title}\n{self.body}\n{self.body_en}"
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AgreementSignature(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_signatures"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the signed text"), max_length=64)

    class Meta:
        verbose_name = _("agreement signature")
        verbose_name_plural = _("agreement signatures")
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} / v{self.agreement.version}"


# --- Requests, approvals and per-object grants (access issue: R40-R43, R51, R52) ----------------
# Records are referenced by the string "records.CustomerRecord": access never imports records.


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
    nda_document = models.FileField(_("signed NDA (PDF or scan)"), upload_to="nda/", blank=True)
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

    def nda_valid(self, on: object = None) -> bool:
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

    def audit_label(self) -> str:
        return self.serial


class GrantPermission(models.TextChoices):
    """What a grant allows. The value is the Django permission codename guardian stores."""

    READ = "view_customerrecord", _("Read the file")


class GrantQuerySet(models.QuerySet):
    def active(self, at: object = None) -> GrantQuerySet:
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=at, expires_at__gt=at)


class Grant(models.Model):
    """The ledger of per-object rights: who may do what to which file, why, until when.

    It drives django-guardian rows (RecordUserObjectPermission); the policy reads those rows
    with their expiry, so an expired grant never works even before the sweep removes its row.
    """

    class Source(models.TextChoices):
        BORROW = "borrow", _("Borrowing")
        BREAK_GLASS = "break_glass", _("Emergency access")

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted to"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    record = models.ForeignKey(
        "records.CustomerRecord", on_delete=models.PROTECT, related_name="grants"
    )
    permission = models.CharField(max_length=40, choices=GrantPermission.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=300)
    source_request = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=200, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["grantee", "expires_at"], name="grant_grantee_expiry"),
            models.Index(fields=["record", "expires_at"], name="grant_record_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="grant_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"grant {self.pk}"


class RecordUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's per-user object permission with a direct foreign key to the record
    (integer/UUID join, no text cast) and the latest expiry of the active grants behind it."""

    content_object = models.ForeignKey(
        "records.CustomerRecord", on_delete=models.CASCADE, related_name="user_object_permissions"
    )
    expires_at = models.DateTimeField()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("object permission")
        indexes = [
            models.Index(fields=["expires_at"], name="objperm_expiry"),
            # "Files on loan to me", soonest ending first, straight from the index.
            models.Index(fields=["user", "expires_at"], name="objperm_user_expiry"),
        ]


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
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"handover {self.pk}"


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


class BreakGlass(models.Model):
    """Emergency access without approval (issue 5 item 7): one file, 30 minutes, everyone who
    watches is told at once, and a review that must be closed."""

    class ReasonCode(models.TextChoices):
        CUSTOMER_EMERGENCY = "customer_emergency", _("Customer emergency (safety, urgent claim)")
        LEGAL_DEADLINE = "legal_deadline", _("Court, police or regulator deadline")
        SECURITY_INCIDENT = "security_incident", _("Investigating a security incident")
        OTHER = "other", _("Other urgent reason")

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified (follow up as misuse)")

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="break_glass")
    reason_code = models.CharField(_("reason"), max_length=24, choices=ReasonCode.choices)
    reason_text = models.CharField(_("what happened"), max_length=500)
    opened_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"break-glass {self.pk}"


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
        ordering = ["department__code", "person__username", "kind", "role"]
        indexes = [
            models.Index(
                fields=["campaign", "decision", "reviewer_role", "department"],
                name="review_open_by_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.person} / {self.kind}"
