"""Retention, legal holds, disposal batches and destruction certificates (R60, R61, P4).

Records are referenced as "records.CustomerRecord"; disposal sits above records and may import
it, records never imports disposal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    LAST_ACTIVITY = "last_activity", _("Last activity on the file")
    CONTRACT_END = "contract_end", _("End of the contract")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")


class RetentionCategory(models.TextChoices):
    OPEN = "open", _("Business still in progress")
    DEAL_CLOSED = "deal_closed", _("Deal closed")
    NO_DEAL = "no_deal", _("No deal")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")


class EndAction(models.TextChoices):
    DESTROY = "destroy", _("Destroy")
    REVIEW = "review", _("Review first")


class RetentionPolicyQuerySet(models.QuerySet):
    def current(self) -> RetentionPolicyQuerySet:
        return self.filter(superseded_at__isnull=True)


class RetentionPolicy(models.Model):
    """How long files of a category (and optionally a tier) are kept after a trigger (R60).

    A version is never edited: a change is a new version, and the old one is marked superseded,
    so every computed due date can name the exact rule it came from.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=RetentionCategory.choices)
    tier = models.PositiveSmallIntegerField(
        _("only for classification"), null=True, blank=True
    )  # None: every tier
    trigger = models.CharField(_("counted from"), max_length=20, choices=Trigger.choices)
    months = models.PositiveSmallIntegerField(_("kept for (months)"))
    end_action = models.CharField(_("then"), max_length=10, choices=EndAction.choices)
    note = models.CharField(_("legal basis or note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RetentionPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["category", "tier", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_row_per_policy_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_version_per_policy",
            ),
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"{self.code} v{self.version}"

    def display_name(self) -> str:
        """What people call this version: its name and version ("成交客户档案（第 1 版）")."""
        return gettext("%(name)s (version %(version)s)") % {
            "name": self.name,
            "version": self.version,
        }

    @classmethod
    def words_for(cls, label: str) -> str | None:
        """The display name of the version an ``audit_label`` (``deal-closed v1``) names, as a
        file's keep-until date and a disposal item store it; None if no such version."""
        code, _sep, version = label.rpartition(" v")
        if not code or not version.isdigit():
            return None
        found = cls.objects.filter(code=code, version=int(version)).first()
        return found.display_name() if found else None


class LegalHold(models.Model):
    """Legal keeps files from destruction (litigation, investigation, regulator request)."""

    reference = models.CharField(_("case or reference"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    records = models.ManyToManyField("records.CustomerRecord", related_name="legal_holds")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(_("why released"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"hold {self.reference}"


TOP_SECRET = 1  # records.classification.Tier.TOP_SECRET


class BatchState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Destroyed")
    CANCELLED = "cancelled", _("Cancelled")


class DisposalBatch(models.Model):
    """Files of one department due for destruction, proposed by the sweep, approved by two
    people (the head and the archivist; the security officer too for Level 1), executed once."""

    number = models.CharField(_("batch number"), max_length=20, unique=True)
    department = models.ForeignKey(
        "access.Department", on_delete=models.PROTECT, related_name="disposal_batches"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default=BatchState.PROPOSED
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    head_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_signed_at = models.DateTimeField(null=True, blank=True)
    archivist_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archivist_signed_at = models.DateTimeField(null=True, blank=True)
    officer_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer_signed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    first_event_id = models.BigIntegerField(null=True, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("disposal batch")
        verbose_name_plural = _("disposal batches")
        ordering = ["-proposed_at"]
        constraints = [
            # The sweep adds to the department's open proposal instead of opening a second one.
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(state="proposed"),
                name="one_open_proposal_per_department",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number

    def needs_officer(self) -> bool:
        """Level 1 files in the batch: the security officer signs too (R61). A list of batches
        asks it once for all of them (``batches.desk`` annotates ``has_top_secret``)."""
        known = getattr(self, "has_top_secret", None)
        if known is not None:
            return bool(known)
        return self.items.filter(active=True, record__tier=TOP_SECRET).exists()

    def needed_signatures(self) -> list[str]:
        """Signatures still missing: "head", "archivist" and, for Level 1 files, "officer"."""
        roles = ["head", "archivist", *(["officer"] if self.needs_officer() else [])]
        return [role for role in roles if getattr(self, f"{role}_signed_by_id") is None]

    def signers(self) -> list[int]:
        """Who signed so far (nobody signs twice, whatever roles they hold)."""
        signed = (self.head_signed_by_id, self.archivist_signed_by_id, self.officer_signed_by_id)
        return [pk for pk in signed if pk]


class DisposalItem(models.Model):
    """One file in a batch. A file is in at most one active item, so re-running the sweep never
    proposes it twice; removing it from a batch (with a reason) makes it inactive."""

    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="items")
    record = models.ForeignKey(
        "records.CustomerRecord", on_delete=models.PROTECT, related_name="disposal_items"
    )
    policy = models.CharField(max_length=60)
    due_on = models.DateField()
    # The policy says "review first": the approvers look at this file before signing.
    review_first = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField(max_length=200, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    had_paper = models.BooleanField(default=False)
    paper_shredded_at = models.DateTimeField(null=True, blank=True)
    paper_shredded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paper_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("file in a disposal batch")
        verbose_name_plural = _("files in disposal batches")
        ordering = ["batch", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(active=True), name="file_in_one_active_batch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch.number} / {self.record_id}"

    @property
    def waits_for_shredding(self) -> bool:
        """Its file was destroyed and its paper folder still waits for the shredder (R61)."""
        return bool(self.had_paper and self.executed_at and not self.paper_shredded_at)


class DestructionCertificate(models.Model):
    """The evidence of a destruction (R61, 凭证): what, why, who, how, when, which audit events,
    and the SHA-256 of its content; the PDF is kept with it."""

    batch = models.OneToOneField(
        DisposalBatch, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()

    class Meta:
        verbose_name = _("destruction certificate")
        verbose_name_plural = _("destruction certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number


class SweepRun(models.Model):
    """Progress of a disposal sweep, for the archivists' page: keyset position and counts, so a
    run killed halfway resumes where it stopped."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField()
    last_id = models.CharField(max_length=36, blank=True)
    scanned = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"sweep {self.as_of} ({self.proposed} proposed)"


class ProcessingRecord(models.Model):
    """One version of the record of processing activities and its impact assessment (PIPL Art.
    54-56, GB/T 35273 §11.3), generated from the system's own metadata. A new version is made
    whenever what is processed, why, for whom or for how long changes; versions are never
    deleted by the application (kept at least 3 years)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why a new version"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.JSONField()

    class Meta:
        verbose_name = _("record of processing activities")
        verbose_name_plural = _("records of processing activities")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"ROPA v{self.version}"

    def audit_label(self) -> str:
        return f"processing record v{self.version}"
