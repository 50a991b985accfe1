"""The audit log and what auditors work with: events, verification runs, alerts, incidents.

``audit`` imports none of our other apps: events keep the target's type, id and a safe label,
not a foreign key, and the actor's name, employee number and department as a snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every way the ORM offers to change or remove rows in bulk."""

    def _refuse(self, operation: str) -> AppendOnlyError:
        return AppendOnlyError(f"{self.model.__name__} rows are append-only: {operation} refused")

    def update(self, **kwargs: object) -> int:
        raise self._refuse("update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise self._refuse("delete()")

    def _raw_delete(self, using: str | None) -> int:
        raise self._refuse("delete")

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        raise self._refuse("bulk_update()")

    def update_or_create(self, *args: object, **kwargs: object) -> tuple:
        raise self._refuse("update_or_create()")


class AppendOnlyModel(models.Model):
    """A row is written once: saving it again or deleting it raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{type(self).__name__} rows are append-only: save() of an existing row refused"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: delete() refused")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs: object, *args: object, **kwargs: object) -> list:
        raise AppendOnlyError("audit events are written through audit.record() or record_many()")

    def append_checked(self, events: list[Any]) -> list[Any]:
        """Insert events that audit.api.record_many has built and checked (nothing else may)."""
        return list(models.QuerySet.bulk_create(self, events))


class AuditEvent(AppendOnlyModel):
    """One thing somebody (or the system) did. Never changed, never deleted.

    Writers only insert. The sealer (audit/chain.py) later chains events in ``SealBlock`` rows;
    the event row itself is never touched again. Database triggers (audit/dbguard.py) refuse
    every UPDATE, DELETE and TRUNCATE.
    """

    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    actor_number = models.CharField(_("employee number"), max_length=32, blank=True)
    actor_department = models.CharField(_("department"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    if TYPE_CHECKING:
        # Not columns: what the console attaches to the events it shows (audit/console.py's
        # page(), audit/views.py's _prepare_rows()).
        seq: int | None
        action_label: str
        when: str
        person_url: str
        target_url: str
        target_type_label: str
        detail_pairs: list[tuple[str, str]]

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="audit_time_idx"),
            models.Index(fields=["actor", "occurred_at", "id"], name="audit_actor_idx"),
            models.Index(fields=["action", "occurred_at", "id"], name="audit_action_idx"),
            models.Index(
                fields=["target_type", "target_id", "occurred_at", "id"], name="audit_target_idx"
            ),
            models.Index(
                fields=["actor_department", "occurred_at", "id"], name="audit_department_idx"
            ),
        ]
        # Decided by access/policy/ (through User.has_perm), never granted by hand.
        permissions = [
            ("view_console", "Use the audit console"),
            ("export_events", "Export audit events"),
            ("view_kpis", "See the KPI dashboard"),
            ("report_incidents", "Report incidents"),
            ("triage_incidents", "Triage incident reports"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_name or 'system'}"


class SealBlock(AppendOnlyModel):
    """One pass of the sealer: which events, in which order, and the hash of each.

    The events of block n have sequence numbers ``first_seq`` .. ``first_seq + count - 1`` in
    the order of ``event_ids``. The hash of each event is
    ``SHA-256(hash of the previous event || canonical JSON of the event with its seq)``; the
    32-byte digests are packed in ``hashes`` (the per-event ``prev_hash``/``hash`` of the design,
    stored together instead of in each event row, so that sealing never rewrites an event).
    """

    number = models.BigIntegerField(unique=True)
    first_seq = models.BigIntegerField(unique=True)
    count = models.IntegerField()
    event_ids = models.BinaryField()  # count x 8 bytes, big-endian signed
    hashes = models.BinaryField()  # count x 32 bytes
    prev_hash = models.CharField(max_length=64)
    head_hash = models.CharField(max_length=64)
    min_event_id = models.BigIntegerField()
    max_event_id = models.BigIntegerField(db_index=True)
    sealed_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["min_event_id"], name="audit_block_min_idx")]

    def __str__(self) -> str:
        return f"block {self.number}: seq {self.first_seq}-{self.first_seq + self.count - 1}"


class ChainState(models.Model):
    """The sealer's bookkeeping (not evidence): below ``floor_id`` every event is sealed.

    On PostgreSQL, ids are handed out before commit, so an event with a small id can become
    visible after larger ones. The sealer only raises the floor to a point that every
    transaction which could still hold a smaller id has finished (a snapshot horizon, see
    audit/chain.py). Tampering with this row can only make sealing slower, never skip events
    unnoticed: verification counts every unsealed event.
    """

    floor_id = models.BigIntegerField(default=0)
    mark_last_id = models.BigIntegerField(null=True, blank=True)
    mark_xmax = models.BigIntegerField(null=True, blank=True)
    mark_at = models.DateTimeField(null=True, blank=True)
    # The newest anchor written (audit/anchors.py): a store holding fewer has lost anchors.
    anchor_number = models.BigIntegerField(null=True, blank=True)
    anchor_seq = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chain state (floor {self.floor_id})"


class VerificationRun(models.Model):
    """One run of the chain verification, shown on the chain status page."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Chain intact")
        BROKEN = "broken", _("Chain broken")
        FAILED = "failed", _("Verification failed to run")

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    checked = models.BigIntegerField(default=0)
    head_seq = models.BigIntegerField(null=True, blank=True)
    anchors_checked = models.IntegerField(default=0)
    unsealed = models.BigIntegerField(default=0)
    problem = models.TextField(blank=True)
    broken_event_id = models.BigIntegerField(null=True, blank=True)
    broken_seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"verification {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class ScanCursor(models.Model):
    """How far an incremental scan has read the chain (by seal block), so reruns do no double work.

    Scans follow the seal blocks rather than event ids: the sealer only seals committed events,
    so no event can appear later behind the cursor.
    """

    name = models.CharField(max_length=64, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class Alert(models.Model):
    """An anomaly rule's hit (R71 "abnormal accesses"), for the security officer."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status: not yet finished", "Open")
        CLOSED = "closed", _("Closed")

    rule = models.CharField(_("rule"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("person"), max_length=150, blank=True)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    count = models.IntegerField(_("events"))
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    summary = models.CharField(_("summary"), max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("anomaly alert")
        verbose_name_plural = _("anomaly alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "actor", "window_start"], name="one_alert_per_rule_actor_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.summary}"

    def summary_text(self) -> str:
        """The summary in the reader's language (the stored one is the scan's, in English)."""
        from audit.wording import rule_summary

        return rule_summary(self.rule, self.count) or self.summary

    def audit_label(self) -> str:
        return f"{self.rule} {timezone.localtime(self.window_start):%Y-%m-%d %H:00}"


class Incident(models.Model):
    """A reported suspected leak or misuse (R73), triaged by the security officer."""

    class Kind(models.TextChoices):
        LEAK = "leak", _("Suspected leak of customer data")
        MISUSE = "misuse", _("Misuse of access")
        LOSS = "loss", _("Lost or damaged file or device")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        UNRATED = "unrated", _("Not yet rated")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Investigating")
        CONTAINED = "contained", _("Contained")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    archive_numbers = models.JSONField(_("client files concerned"), default=list, blank=True)
    description = models.TextField(_("description"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.UNRATED
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    actions_taken = models.TextField(_("actions taken"), blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # By when the security officer must have responded (R73, issue 17 §14): set from the
    # severity (audit.incidents.deadline); past it, management is told once.
    due_at = models.DateTimeField(_("respond by"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to management at"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.reference

    def audit_label(self) -> str:
        return self.reference
