"""Second factors Baomi adds to django-otp's: hashed backup codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time backup codes, stored only as keyed hashes.

    django-otp's StaticDevice keeps its codes in clear in the database; a database dump would
    then be a second factor for every user. Here only an HMAC (keyed by SECRET_KEY) is kept, and a
    used code is marked, not deleted, so its use stays visible.
    """

    if TYPE_CHECKING:
        # django-otp has no types, so its DeviceManager (this model's default manager) is named
        # here: the reverse relation User.backupcodedevice_set is built from it.
        _default_manager: ClassVar[models.Manager[BackupCodeDevice]]

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
