"""Consent rules (R11, P1): what must be consented before a file is saved or submitted.

Two rules, one module: sensitive data (ID number, bank account, health / religion / political
status) cannot even be saved without the customer's *separate* consent for that category; a file
cannot be submitted unless its current consent is in force, covers every category the file
holds, and its evidence is attached. Withdrawal flags the file for disposal review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import audit
from access import policy, workflow
from access.models import User
from access.policy import Capability, RecordAction
from records.fields import (
    BY_NAME,
    CATEGORY_LABELS,
    SENSITIVE_CATEGORIES,
    Category,
    fields_of_attachments,
)
from records.models import Attachment, Consent, CustomerRecord
from records.signals import retention_inputs_changed


@dataclass
class ConsentTerms:
    """What the intake form says the customer agreed to."""

    purpose: str
    scope: list[str]
    sensitive_scope: list[str] = field(default_factory=list)
    method: str = "paper"
    obtained_at: date | None = None
    public_disclosure: bool = False

    @classmethod
    def of(cls, consent: Consent) -> ConsentTerms:
        return cls(
            purpose=consent.purpose,
            scope=list(consent.scope),
            sensitive_scope=list(consent.sensitive_scope),
            method=consent.method,
            obtained_at=consent.obtained_at,
            public_disclosure=consent.public_disclosure,
        )

    def same_as(self, other: ConsentTerms) -> bool:
        return (
            self.purpose == other.purpose
            and sorted(self.scope) == sorted(other.scope)
            and sorted(self.sensitive_scope) == sorted(other.sensitive_scope)
            and self.method == other.method
            and self.obtained_at == other.obtained_at
            and self.public_disclosure == other.public_disclosure
        )


def current(record: CustomerRecord) -> Consent | None:
    """The latest consent recorded for the file (older ones are its history)."""
    return record.consents.order_by("-recorded_at", "-id").first()


# Where the registration form takes an upload: a refusal about an attachment is shown there.
ATTACHMENT_FIELD = "attachment"


def missing_separate_consent(
    content: dict[str, str], terms: ConsentTerms | None, attachment_kinds: Iterable[str] = ()
) -> dict[str, str]:
    """Field name -> message for each sensitive value (typed, or shown by an attachment) without
    the separate consent it needs."""
    allowed = set(terms.sensitive_scope) if terms else set()
    problems = {}
    for name, value in content.items():
        category = BY_NAME[name].category
        if value and category in SENSITIVE_CATEGORIES and category not in allowed:
            problems[name] = str(
                _(
                    "This is sensitive personal data: it can be saved only with the customer's "
                    "separate consent for “%(category)s”. Tick it under Consent, or leave this "
                    "field empty."
                )
                % {"category": CATEGORY_LABELS[Category(category)]}
            )
    for name, why in fields_of_attachments(attachment_kinds).items():
        category = BY_NAME[name].category
        if category in SENSITIVE_CATEGORIES and category not in allowed:
            problems[ATTACHMENT_FIELD] = str(
                _(
                    "%(attachment)s: it shows sensitive personal data and can be kept only with "
                    "the customer's separate consent for “%(category)s”. Tick it under Consent, "
                    "or choose another kind of attachment if this is not one."
                )
                % {"attachment": why, "category": CATEGORY_LABELS[Category(category)]}
            )
    return problems


def uncovered(categories: Iterable[str], terms: ConsentTerms) -> list[str]:
    """Categories the file holds that its consent does not cover."""
    general = set(terms.scope) | set(terms.sensitive_scope)
    missing = []
    for category in categories:
        needed = set(terms.sensitive_scope) if category in SENSITIVE_CATEGORIES else general
        if category not in needed:
            missing.append(category)
    return sorted(missing)


def submission_problems(record: CustomerRecord) -> list[str | Promise]:
    """Why the file's consent does not yet allow submission (empty when it does)."""
    return problems_of(record, current(record))


def problems_of(record: CustomerRecord, consent: Consent | None) -> list[str | Promise]:
    """``submission_problems`` for a consent already read (the file page shows it too)."""
    if consent is None:
        return [_("No consent is recorded for this file.")]
    if not consent.is_active:
        return [_("The customer withdrew consent; this file cannot be submitted.")]
    problems: list[str | Promise] = []
    missing = uncovered(record.categories, ConsentTerms.of(consent))
    if missing:
        names = "、".join(str(CATEGORY_LABELS[Category(c)]) for c in missing)
        problems.append(
            _("The consent does not cover: %(categories)s. Record a consent that does.")
            % {"categories": names}
        )
    if consent.evidence_id is None and not consent.evidence_reference:
        problems.append(
            _("Attach the consent evidence (the signed form, the e-signature or the recording).")
        )
    return problems


def consent_row(
    user: User,
    record: CustomerRecord,
    terms: ConsentTerms,
    evidence: Attachment | None = None,
    evidence_reference: str = "",
) -> Consent:
    """The consent row of ``terms``, unsaved (an import saves thousands in one statement)."""
    return Consent(
        record=record,
        purpose=terms.purpose,
        scope=sorted(set(terms.scope)),
        sensitive_scope=sorted(set(terms.sensitive_scope)),
        public_disclosure=terms.public_disclosure,
        method=terms.method,
        obtained_at=terms.obtained_at or timezone.localdate(),
        evidence=evidence,
        evidence_reference=evidence_reference,
        recorded_by=user,
    )


def record_consent(
    user: User,
    record: CustomerRecord,
    terms: ConsentTerms,
    evidence: Attachment | None,
    evidence_reference: str = "",
) -> Consent:
    """A new consent row (the previous one stays as history); the caller checked the rights.
    ``evidence_reference`` says where an imported file's signed paper consent is kept."""
    consent = consent_row(user, record, terms, evidence, evidence_reference)
    consent.save()
    if record.consent_withdrawn_at is not None:  # the customer consents again
        record.consent_withdrawn_at = None
        record.save(update_fields=["consent_withdrawn_at", "updated_at"])
    audit.record(
        user,
        "record.consent_recorded",
        target=record,
        categories=consent.scope,
        separate_categories=consent.sensitive_scope,
        method=consent.method,
        with_evidence=evidence is not None or bool(evidence_reference),
    )
    return consent


def withdraw(user: User, record: CustomerRecord) -> Consent | None:
    """The customer withdrew consent: recorded, and the file is flagged for disposal review."""
    policy.require(user, RecordAction.MANAGE_CONSENT, record)
    return _withdraw(user, record)


def withdraw_for_customer(user: User, record: CustomerRecord) -> Consent | None:
    """The same, when the customer tells the security officer (a data-subject request)."""
    policy.require_can(user, Capability.CUSTOMER_RIGHTS)
    return _withdraw(user, record)


def _withdraw(user: User, record: CustomerRecord) -> Consent | None:
    with transaction.atomic():
        consent = current(record)
        if consent is None or not consent.is_active:
            return consent
        now = timezone.now()
        consent.withdrawn_at, consent.withdrawn_by = now, user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record.disposal_review_requested_at = now
        record.consent_withdrawn_at = now
        record.save(
            update_fields=["disposal_review_requested_at", "consent_withdrawn_at", "updated_at"]
        )
        audit.record(
            user,
            "record.consent_withdrawn",
            target=record,
        )
        # Processing stops now: requests not handed out are called off, electronic loans end,
        # unused delivery links die (the policy refuses anything new).
        workflow.close_for_files(
            [record], workflow.Cause.CONSENT_WITHDRAWN, by=user, reason="consent withdrawn"
        )
        retention_inputs_changed.send(sender=CustomerRecord, record=record)
    return consent
