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
