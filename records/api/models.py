"""What the integration API keeps: its clients (each with a service identity and a hashed
token), the clients' own references to the drafts they handed over, and the answers to calls
made with an idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrationClient(models.Model):
    """A system of the firm (the CRM, the ERP) that calls Baomi. It acts as its own service
    identity (``service_user``: an account that cannot sign in, named in the audit log), for
    the departments and with the scopes the security officer gave it. Only a SHA-256 hash of
    its token is kept: the token is shown once, when issued."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration_client"
    )
    scopes = models.JSONField(default=list)
    departments = models.ManyToManyField("access.Department", related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    rate_per_minute = models.PositiveIntegerField(default=60)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Where the client hears what happened to its departments' files (scope webhooks:receive),
    # and the HMAC key it checks our signature with: sealed, shown once when issued.
    webhook_url = models.URLField(max_length=300, blank=True)
    webhook_secret = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name

    def department_ids(self) -> frozenset[int]:
        cached: frozenset[int] | None = getattr(self, "_department_ids", None)
        if cached is None:
            cached = frozenset(self.departments.values_list("id", flat=True))
            self._department_ids = cached
        return cached


class ClientReference(models.Model):
    """The client's own number for a file it handed over (its CRM's customer id), so it can
    ask for the file's status without an archive number (drafts have none yet)."""

    client = models.ForeignKey(IntegrationClient, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=64)
    record = models.ForeignKey("records.CustomerRecord", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "reference"], name="client_reference_once")
        ]

    def __str__(self) -> str:
        return self.reference


class IdempotentCall(models.Model):
    """The answer to a create call made with an ``Idempotency-Key``: the same key again gets
    the same answer and creates nothing; the same key with another body is refused."""

    client = models.ForeignKey(IntegrationClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return self.key
