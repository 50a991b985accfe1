"""Showing a client file: masked by default, revealed field by field with a reason (R13, R21).

Opening a file is a ``record.view`` event; every reveal is a ``record.reveal`` event naming the
fields (never their values) and the reason. A reveal lasts for the page it is shown on only:
nothing about it is stored in the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import audit
from access import policy
from access.models import User
from access.policy import RecordAction
from records import classification, consents, masking
from records import content as record_content
from records.fields import BY_NAME, Masking
from records.models import Attachment, Consent, CustomerRecord

COMMUNICATIONS_FIELD = "communications"


class RevealReason(models.TextChoices):
    CUSTOMER_CONTACT = "customer_contact", _("Contacting the customer")
    CONTRACT = "contract", _("Preparing or checking a contract")
    VERIFICATION = "verification", _("Verifying identity or documents")
    REVIEW = "review", _("Reviewing the file's accuracy")
    COMPLAINT = "complaint", _("Handling a complaint or dispute")
    OTHER = "other", _("Other (explain in the note)")


@dataclass
class Dossier:
    record: CustomerRecord
    sections: list[masking.ShownSection]
    clear: frozenset[str]
    revealable: list[tuple[str, str | Promise]]  # masked fields: (name, label)
    revealed: frozenset[str]
    communications: list[dict] | None  # None: masked until revealed
    communications_count: int
    review_comment: str
    consent: Consent | None
    consent_problems: list[str | Promise]
    attachments: list[Attachment] = field(default_factory=list)
    # Why the file's content requires its minimum level: one sentence per field (issue 16 §6).
    level_reasons: list[str | Promise] = field(default_factory=list)

    def masking_note(self) -> str:
        """Why some values show as masked for this viewer (issue 16 §6), from what the policy
        cleared for them (``policy.clear_fields``): the rule itself stays in the policy."""
        if not self.revealable:
            return ""
        if {Masking.NAME, Masking.CONTACT} <= self.clear:
            note = _(
                "Names and contact details are shown to you. ID numbers, bank accounts and other "
                "secrets are masked for everyone until revealed with a reason; each reveal is "
                "recorded."
            )
        elif Masking.NAME in self.clear:
            note = _(
                "At this file's level you see names; contact details and secrets are masked "
                "until you reveal them with a reason; each reveal is recorded."
            )
        else:
            note = _(
                "At this file's level names, contact details and secrets are masked for you. If "
                "your work needs one, reveal it with a reason; each reveal is recorded."
            )
        return str(note)


def level_reasons(
    record: CustomerRecord, content: dict[str, str], attachments: list[Attachment] | None = None
) -> list[str | Promise]:
    """The fields (and attachments) that require the file's level; ``attachments`` when the
    caller has read them already."""
    attached = record.attachments.all() if attachments is None else attachments
    kinds = [attachment.kind for attachment in attached]
    return classification.derive(
        content, public_authorised=record.public_authorised, attachment_kinds=kinds
    ).reasons


@dataclass(frozen=True)
class _Shown:
    """What the person sees of the content, before the file's consent and attachments."""

    cipher: Any
    content: dict
    clear: frozenset[str]
    sections: list
    revealable: list[tuple[str, str | Promise]]
    entries: list
    show_log: bool


def _masked(user: User, record: CustomerRecord, revealed: frozenset[str]) -> _Shown:
    cipher = record_content.cipher_of(record)
    content = record_content.read(record, cipher)
    clear = policy.clear_fields(user, record)
    sections = masking.show(content, clear=clear, revealed=revealed)
    revealable: list[tuple[str, str | Promise]] = [
        (row.field.name, row.field.label) for s in sections for row in s.rows if row.masked
    ]
    entries = record_content.read_communications(record, cipher)
    show_log = Masking.CONTACT in clear or COMMUNICATIONS_FIELD in revealed
    if entries and not show_log:
        revealable.append((COMMUNICATIONS_FIELD, _("Communication records")))
    return _Shown(cipher, content, clear, sections, revealable, entries, show_log)


def _build(user: User, record: CustomerRecord, revealed: frozenset[str]) -> Dossier:
    shown = _masked(user, record, revealed)
    consent = consents.current(record)
    attachments = list(record.attachments.all())
    return Dossier(
        record=record,
        sections=shown.sections,
        clear=shown.clear,
        revealable=shown.revealable,
        revealed=revealed,
        communications=shown.entries if shown.show_log else None,
        communications_count=len(shown.entries),
        review_comment=record_content.read_review_comment(record, shown.cipher),
        consent=consent,
        consent_problems=consents.problems_of(record, consent),
        attachments=attachments,
        level_reasons=level_reasons(record, shown.content, attachments),
    )


def revealable(user: User, record: CustomerRecord) -> list[tuple[str, str | Promise]]:
    """The fields a reveal form offers (what is masked for this viewer); shows no content."""
    policy.require(user, RecordAction.REVEAL, record)
    return _masked(user, record, frozenset()).revealable


def view(user: User, record: CustomerRecord) -> Dossier:
    policy.require(user, RecordAction.VIEW, record)
    dossier = _build(user, record, frozenset())
    audit.record(
        user,
        "record.view",
        target=record,
        tier=record.tier,
    )
    return dossier


def reveal(
    user: User,
    record: CustomerRecord,
    fields: list[str],
    reason: str,
    note: str = "",
) -> Dossier:
    """Show the chosen masked fields in clear, for this response only."""
    policy.require(user, RecordAction.REVEAL, record)
    wanted = frozenset(
        name
        for name in fields
        if name == COMMUNICATIONS_FIELD
        or (name in BY_NAME and BY_NAME[name].masking != Masking.BUSINESS)
    )
    if not wanted:
        raise ValueError("choose at least one masked field to reveal")
    if reason not in RevealReason.values:
        raise ValueError("unknown reveal reason")
    dossier = _build(user, record, wanted)
    audit.record(
        user,
        "record.reveal",
        target=record,
        fields=sorted(wanted),
        reason=reason,
        note=note.strip()[:200],
        tier=record.tier,
    )
    return dossier


def masked_customer_name(record: CustomerRecord) -> str:
    """The customer's name as every document about them shows it, masked ("欧**"); empty when
    the file holds none (destroyed, or no name given)."""
    if not record.wrapped_key:
        return ""
    name = record_content.read(record).get("full_name", "")
    return masking.mask_name(name) if name else ""
