"""Confidentiality agreements and their signatures (R3)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.models.people import User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Signed(TypedDict):
        signed_at: datetime | None  # when the person signed this version (None: not yet)


class AgreementQuerySet(models.QuerySet):
    def published(self) -> AgreementQuerySet:
        # The database's clock, as the per-request snapshot asks it (access/snapshot.py): the
        # gate and the agreement page agree on which version is current.
        return self.filter(published_at__lte=Now())

    def current(self) -> Agreement | None:
        return self.published().order_by("-version").first()

    def current_with_signature_of(self, user: User) -> WithAnnotations[Agreement, _Signed] | None:
        """The current agreement, annotated with when ``user`` signed it (``signed_at``, None if
        they have not), in one query: the gate's answer for a person the session did not load."""
        signed = AgreementSignature.objects.filter(agreement=OuterRef("pk"), user=user)
        return (
            self.published()
            .annotate(signed_at=Subquery(signed.values("signed_at")[:1]))
            .order_by("-version")
            .first()
        )


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
