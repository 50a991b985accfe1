"""Customers' requests about their own data, and the working-day calendar their deadlines use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday, or a weekend day worked in
    exchange (调休), as the State Council publishes them each year. Legal deadlines counted in
    working days read these; the account administrator enters each year's list."""

    day = models.DateField(_("day"), unique=True)
    working = models.BooleanField(
        _("working day"), help_text=_("Ticked: a weekend day that is worked. Empty: a holiday.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {'workday' if self.working else 'holiday'}"


class SubjectRequest(models.Model):
    """A customer's request about their own data (PIPL Art. 44-47): to see or copy it, to
    correct it, to delete it, or to withdraw consent. It has a legal deadline in working days."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See or copy their data")
        CORRECT = "correct", _("Correct their data")
        DELETE = "delete", _("Delete their data")
        WITHDRAW = "withdraw", _("Withdraw consent")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telephone")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("E-mail")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("status: not yet finished", "Open")
        ANSWERED = "answered", _("Answered")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done as asked")
        SCHEDULED = "scheduled", _("Deletion scheduled (two-person sign-off)")
        RESTRICTED = "restricted", _("Kept, restricted to storage (legal reason)")
        NO_DATA = "no_data", _("No data held")

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=16, choices=Channel.choices)
    record = models.ForeignKey(
        "records.CustomerRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subject_requests",
        verbose_name=_("client file"),
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    identity_check = models.CharField(_("identity checked how"), max_length=300)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer to the customer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer's request")
        verbose_name_plural = _("customers' requests")
        ordering = ["state", "due_on", "number"]
        indexes = [models.Index(fields=["state", "due_on"], name="subject_request_due")]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number
