"""Attachments (ID scans, contracts, plans, consent evidence), encrypted before storage.

The file's type is decided from its first bytes, not from its name or the browser's claim, and
anything else is refused with a reason. The stored object is a ciphertext under the record's
data key, named by random ids only; the original file name is sealed too.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import audit
from access import policy
from access.models import User
from access.policy import RecordAction
from core.text import clean_text
from records import content as record_content
from records import watermark
from records.crypto import RecordCipher
from records.models import Attachment, CustomerRecord

log = logging.getLogger("baomi.records")

# (magic prefix, offset, content type, what people call it)
_SIGNATURES = [
    (b"%PDF-", 0, "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "PNG"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "JPEG"),
    (b"ID3", 0, "audio/mpeg", "MP3"),
    (b"\xff\xfb", 0, "audio/mpeg", "MP3"),
    (b"ftyp", 4, "audio/mp4", "M4A"),
    (b"WAVE", 8, "audio/wav", "WAV"),
]
ALLOWED_DESCRIPTION = "PDF, JPEG, PNG, MP3, M4A, WAV"
_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a",),
    "audio/wav": (".wav",),
}


def sniff(head: bytes) -> str | None:
    for magic, offset, content_type, _name in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    return None


def upload_limit() -> int:
    """The largest file accepted, in bytes (``BAOMI_ATTACHMENT_MAX_MB``)."""
    return settings.BAOMI_ATTACHMENT_MAX_MB * 1024 * 1024


def check_upload(upload: UploadedFile) -> str:
    """The file's real content type; ``ValidationError`` with the reason when refused."""
    limit = upload_limit()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("This file is %(size).1f MB; files may be at most %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": settings.BAOMI_ATTACHMENT_MAX_MB},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _("This kind of file is not accepted. Accepted: %(kinds)s.")
            % {"kinds": ALLOWED_DESCRIPTION},
            code="type",
        )
    return content_type


class StorageUnavailable(Exception):
    """The file store could not be written. Raised inside the caller's transaction, so nothing
    of the file (record, consent, other attachments) is saved; a ciphertext already written for
    another upload of the same form stays behind unreadable, its data key rolled back with it."""

    message = gettext_lazy(
        "The file store cannot be written at the moment, so nothing was saved. Please try again "
        "in a few minutes; if it keeps happening, tell the administrator."
    )


def clean_name(name: str | None, content_type: str) -> str:
    """The name to keep and to offer on download: no folders, no control or direction characters
    (a right-to-left override makes "invoice\u202efdp.exe" look like "invoiceexe.pdf"), at most
    100 characters, and an extension that says what the content really is."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = clean_text(base).strip(" .")[:100]
    extensions = _EXTENSIONS[content_type]
    if not base.lower().endswith(extensions):
        base = (base or "file") + extensions[0]
    return base


def _purpose(attachment_id: uuid.UUID) -> str:
    return f"attachment:{attachment_id}"


def store(
    user: User,
    record: CustomerRecord,
    cipher: RecordCipher,
    upload: UploadedFile,
    kind: str,
) -> Attachment:
    """Encrypt and store one upload. The caller has checked the right to change the file."""
    content_type = check_upload(upload)
    data = upload.read()
    attachment = Attachment(record=record, kind=kind, content_type=content_type, size=len(data))
    original = clean_name(upload.name, content_type).encode()
    attachment.sealed_name = cipher.seal(f"{_purpose(attachment.id)}:name", original)
    attachment.uploaded_by = user
    name = f"records/{record.id}/{attachment.id}.bin"
    try:
        attachment.storage_name = storages["default"].save(
            name, ContentFile(cipher.seal(_purpose(attachment.id), data))
        )
    except OSError as error:
        log.error("file store not writable: %s", type(error).__name__)
        raise StorageUnavailable from None
    attachment.save()
    audit.record(
        user,
        "record.attachment_add",
        target=record,
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
    )
    return attachment


@dataclass(frozen=True)
class Opened:
    name: str
    content_type: str
    data: bytes


def original(attachment: Attachment) -> Opened:
    """The decrypted original. Callers have decided it may leave: an approved copy of the
    original attachments (records.circulation.copies), never a page view."""
    cipher = record_content.cipher_of(attachment.record)
    with storages["default"].open(attachment.storage_name, "rb") as handle:
        data = cipher.open(_purpose(attachment.id), handle.read())
    name = cipher.open(f"{_purpose(attachment.id)}:name", attachment.sealed_name).decode()
    return Opened(name=name, content_type=attachment.content_type, data=data)


class NotViewable(Exception):
    """The attachment cannot be drawn for the browser (audio, damaged, too large)."""


def view(user: User, attachment: Attachment, reason: str, note: str = "") -> watermark.Rendered:
    """Show an attachment as a watermarked rendering (issue 17 §1): a reveal-level right and a
    reason, like any hidden value; the viewer's name, the time and the archive number across
    every page. Audited with the reason."""
    from records.disclosure import RevealReason

    record = attachment.record
    policy.require(user, RecordAction.REVEAL, record)
    if reason not in RevealReason.values:
        raise ValueError("unknown reveal reason")
    number = getattr(user, "employee_number", "") or ""
    lines = [
        f"{user.get_full_name()} {number}".strip(),
        timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        record.archive_number or _("unnumbered draft"),
        _("confidential: do not photograph or pass on"),
    ]
    try:
        rendered = watermark.render(attachment.content_type, original(attachment).data, lines)
    except watermark.CannotRender as problem:
        log.info("attachment %s not viewable: %s", attachment.pk, problem)
        raise NotViewable from None
    audit.record(
        user,
        "record.attachment_view",
        target=record,
        kind=attachment.kind,
        reason=reason,
        note=note.strip()[:200],
        pages=rendered.pages,
        tier=record.tier,
    )
    return rendered


def shred_many(record_ids: list) -> dict:
    """Delete every attachment blob of these files from storage and their rows (destruction,
    R60); consent rows keep their metadata but lose the link to the evidence file. Returns the
    number deleted per file id (files without attachments cost one query in all)."""
    from records.models import Consent

    found = list(
        Attachment.objects.filter(record_id__in=record_ids).only("pk", "record_id", "storage_name")
    )
    if not found:
        return {}
    Consent.objects.filter(record_id__in=record_ids, evidence__isnull=False).update(evidence=None)
    storage = storages["default"]
    counts: dict = {}
    for attachment in found:
        storage.delete(attachment.storage_name)
        counts[attachment.record_id] = counts.get(attachment.record_id, 0) + 1
    Attachment.objects.filter(pk__in=[a.pk for a in found]).delete()
    return counts
