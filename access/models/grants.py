"""Per-object rights: the grant ledger, the guardian rows it drives, and emergency access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from access.models.requests import AccessRequest


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

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting review")
        REVIEWED = "reviewed", _("Reviewed")

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="break_glass")
    # Moves through access/workflow only (open -> reviewed).
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
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
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"break-glass {self.pk}"
