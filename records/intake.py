"""Registering a client file (R10-R12): save a draft, change it, submit it for review.

Every rule that can refuse a save is checked before anything is written, and refusals come back
as ``Refused`` with a message per form field, so the form can show them beside what the
person typed and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import User
from access.policy import Capability, RecordAction
from core.refusals import Message, Refused
from core.text import clean_text
from records import attachments, classification, consents
from records import content as record_content
from records.fields import BY_NAME, Category, categories_present
from records.models import Attachment, CustomerRecord, RecordStatus


@dataclass
class Metadata:
    kind: str
    source: str
    acquired_at: date
    tier: int | None = None  # None: the minimum the content requires


@dataclass
class Upload:
    kind: str
    file: UploadedFile


def clean_content(kind: str, content: dict[str, str]) -> dict[str, str]:
    """Only fields of the template that apply to this kind of customer, cleaned by the one text
    rule (core.text: the API and imports come here without a form)."""
    person = kind == "person"
    cleaned = {name: clean_text(value or "", multiline=True) for name, value in content.items()}
    return {
        name: value
        for name, value in cleaned.items()
        if name in BY_NAME and value and (BY_NAME[name].person if person else BY_NAME[name].company)
    }


def check_content(
    meta: Metadata,
    content: dict[str, str],
    terms: consents.ConsentTerms | None,
    attachment_kinds: Sequence[str] = (),
) -> tuple[classification.Derivation, int]:
    errors: dict[str, list[Message]] = {}
    missing = consents.missing_separate_consent(content, terms, attachment_kinds)
    for name, message in missing.items():
        errors.setdefault(name, []).append(message)
    if not content.get("full_name"):
        errors.setdefault("full_name", []).append(_("Enter the customer's name."))
    derivation = classification.derive(
        content,
        public_authorised=bool(terms and terms.public_disclosure),
        attachment_kinds=attachment_kinds,
    )
    tier = meta.tier if meta.tier is not None else derivation.minimum
    if not classification.is_allowed(tier, derivation.minimum):
        why = " ".join(str(reason) for reason in derivation.reasons)
        errors.setdefault("tier", []).append(
            _("This file must be at least %(tier)s. %(why)s")
            % {"tier": classification.Tier(derivation.minimum).label, "why": why}
        )
    if errors:
        raise Refused(errors)
    return derivation, tier


def create(
    user: User,
    meta: Metadata,
    content: dict[str, str],
    terms: consents.ConsentTerms,
    evidence: UploadedFile | None = None,
    uploads: Sequence[Upload] = (),
    *,
    registered_by: User | None = None,
    evidence_reference: str = "",
) -> CustomerRecord:
    """Save a new draft in the registering person's department, with its consent.

    ``user`` is the handler whose draft it becomes (and who must be allowed to register);
    ``registered_by`` the one who typed it when that is someone else: an integration client's
    service identity (the CRM through the API), which the audit log then names."""
    policy.require_can(user, Capability.RECORD_INTAKE)
    actor = registered_by or user
    content = clean_content(meta.kind, content)
    kinds = [upload.kind for upload in uploads]
    derivation, tier = check_content(meta, content, terms, kinds)
    with transaction.atomic():
        record, cipher = record_content.new_record(
            kind=meta.kind,
            source=meta.source,
            acquired_at=meta.acquired_at,
            tier=tier,
            minimum_tier=derivation.minimum,
            handler=user,
            department_id=user.department_id,
            status=RecordStatus.DRAFT,
            public_authorised=terms.public_disclosure,
        )
        record_content.write(record, cipher, content)
        record.categories = sorted(categories_present(content, attachment_kinds=kinds))
        record.save()
        evidence_row = (
            attachments.store(user, record, cipher, evidence, "consent") if evidence else None
        )
        consents.record_consent(actor, record, terms, evidence_row, evidence_reference)
        for upload in uploads:
            attachments.store(user, record, cipher, upload.file, upload.kind)
        audit.record(
            actor,
            "record.create",
            target=record,
            kind=record.kind,
            tier=record.tier,
            minimum_tier=record.minimum_tier,
            categories=record.categories,
        )
    return record


@dataclass
class Editing:
    """What the change form starts from: the file's metadata, content and current consent."""

    meta: Metadata
    content: dict[str, str]
    terms: consents.ConsentTerms | None


def editing(user: User, record: CustomerRecord) -> Editing:
    """Open a draft or returned file for its handler to change."""
    policy.require(user, RecordAction.EDIT, record)
    current = consents.current(record)
    return Editing(
        meta=Metadata(
            kind=record.kind,
            source=record.source,
            acquired_at=record.acquired_at,
            # "Automatic" unless the handler raised the tier above the content's minimum.
            tier=record.tier if record.tier != record.minimum_tier else None,
        ),
        content=record_content.read(record),
        terms=consents.ConsentTerms.of(current) if current else None,
    )


def update(
    user: User,
    record: CustomerRecord,
    meta: Metadata,
    content: dict[str, str],
    terms: consents.ConsentTerms,
    evidence: UploadedFile | None = None,
    uploads: Sequence[Upload] = (),
) -> CustomerRecord:
    """Change a draft or returned file; a changed consent is recorded as a new consent."""
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.EDIT, record)
        content = clean_content(meta.kind, content)
        kinds = _attachment_kinds(record) + [upload.kind for upload in uploads]
        derivation, tier = check_content(meta, content, terms, kinds)
        cipher = record_content.cipher_of(record)
        before = record_content.read(record, cipher)
        changed = sorted(
            name for name in set(before) | set(content) if before.get(name) != content.get(name)
        )
        record.kind, record.source, record.acquired_at = meta.kind, meta.source, meta.acquired_at
        record.tier, record.minimum_tier = tier, derivation.minimum
        record.public_authorised = terms.public_disclosure
        record_content.write(record, cipher, content)
        record.categories = sorted(
            categories_present(content, bool(record.sealed_communications), kinds)
        )
        record.save()
        current = consents.current(record)
        if (
            evidence
            or current is None
            or not current.is_active
            or not terms.same_as(consents.ConsentTerms.of(current))
        ):
            evidence_row = (
                attachments.store(user, record, cipher, evidence, "consent")
                if evidence
                else (current.evidence if current and current.is_active else None)
            )
            kept = current.evidence_reference if current and current.is_active else ""
            consents.record_consent(user, record, terms, evidence_row, kept if not evidence else "")
        for upload in uploads:
            attachments.store(user, record, cipher, upload.file, upload.kind)
        audit.record(
            user,
            "record.update",
            target=record,
            fields=changed,  # names of changed fields, never their values
            tier=record.tier,
        )
    return record


def _attachment_kinds(record: CustomerRecord) -> list[str]:
    return list(record.attachments.values_list("kind", flat=True))


def attach(user: User, record: CustomerRecord, upload: UploadedFile, kind: str) -> Attachment:
    """Attach a file to a draft or returned file. The kind counts like the field it stands for
    (an ID scan like the ID number): it needs the same separate consent and may raise the
    file's minimum level, and with it the level itself."""
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.EDIT, record)
        cipher = record_content.cipher_of(record)
        content = record_content.read(record, cipher)
        current = consents.current(record)
        terms = consents.ConsentTerms.of(current) if current and current.is_active else None
        kinds = [*_attachment_kinds(record), kind]
        missing = consents.missing_separate_consent({}, terms, [kind])
        if missing:
            raise Refused({consents.ATTACHMENT_FIELD: list(missing.values())})
        derivation = classification.derive(
            content, public_authorised=record.public_authorised, attachment_kinds=kinds
        )
        attachment = attachments.store(user, record, cipher, upload, kind)
        raised = derivation.minimum < record.tier
        record.minimum_tier = derivation.minimum
        record.tier = min(record.tier, derivation.minimum)
        record.categories = sorted(
            categories_present(content, bool(record.sealed_communications), kinds)
        )
        record.save(update_fields=["minimum_tier", "tier", "categories", "updated_at"])
        if raised:
            audit.record(
                user, "record.update", target=record, fields=["attachment"], tier=record.tier
            )
    return attachment


def submit(user: User, record: CustomerRecord) -> None:
    """Send a complete, consented file to the department head (R14)."""
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.SUBMIT, record)
        problems = consents.submission_problems(record)
        if problems:
            raise Refused({"__all__": [str(p) for p in problems]})
        record.status = RecordStatus.SUBMITTED
        record.submitted_at = timezone.now()
        record.save(update_fields=["status", "submitted_at", "updated_at"])
        audit.record(
            user,
            "record.submit",
            target=record,
            tier=record.tier,
        )


def add_communication(
    user: User,
    record: CustomerRecord,
    *,
    occurred_at: date,
    channel: str,
    summary: str,
) -> None:
    """Append an entry to the file's communication log (sealed with the rest of its content)."""
    with transaction.atomic():
        record = CustomerRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(user, RecordAction.LOG_COMMUNICATION, record)
        cipher = record_content.cipher_of(record)
        entries = record_content.read_communications(record, cipher)
        entries.append(
            {
                "at": occurred_at.isoformat(),
                "channel": channel,
                "summary": summary.strip(),
                "by": user.get_full_name(),
                "recorded_at": timezone.now().isoformat(timespec="minutes"),
            }
        )
        record_content.write_communications(record, cipher, entries)
        record.categories = sorted(set(record.categories) | {Category.COMMUNICATIONS.value})
        record.save(update_fields=["sealed_communications", "categories", "updated_at"])
        audit.record(
            user,
            "record.communication_add",
            target=record,
            channel=channel,
        )
