"""External parties and their NDAs (R52), kept by legal. The signed NDA is checked like any
upload (type and size by content) before it is stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import ExternalParty, User
from access.policy import Capability
from records import crypto
from records.attachments import check_upload, sniff
from records.crypto import sealed


def save(
    user: User,
    party: ExternalParty | None,
    *,
    name: str,
    kind: str,
    contact_name: str,
    contact_email: str,
    nda_signed_on: date | None,
    nda_expires_on: date | None,
    nda_document: UploadedFile | None = None,
) -> ExternalParty:
    """Raises ``ValidationError`` keyed by field (a name already in use, an NDA upload of the
    wrong kind) so that the form shows it where it belongs."""
    policy.require_can(user, Capability.EXTERNAL_PARTIES)
    if nda_document is not None:
        try:
            check_upload(nda_document)  # the type by content; _store_sealed asks again
        except ValidationError as error:
            raise ValidationError({"nda_document": error.error_list}) from None
    name = name.strip()
    # A new party: None, read by Django as IS NULL, which excludes nothing.
    own_pk: Any = party.pk if party else None
    taken = ExternalParty.objects.filter(name=name).exclude(pk=own_pk)
    in_use = ValidationError({"name": _("Another external party already has this name.")})
    if taken.exists():
        raise in_use
    try:
        return _save(user, party, name, kind, contact_name, contact_email,
                     nda_signed_on, nda_expires_on, nda_document)  # fmt: skip
    except IntegrityError:  # the same name saved by someone else a moment ago
        raise in_use from None


def _save(
    user: User,
    party: ExternalParty | None,
    name: str,
    kind: str,
    contact_name: str,
    contact_email: str,
    nda_signed_on: date | None,
    nda_expires_on: date | None,
    nda_document: UploadedFile | None,
) -> ExternalParty:
    with transaction.atomic():
        created = party is None
        # An existing party is read again under its lock: the NDA's stored name may have
        # changed since the page was loaded (a key rotation writes the scan anew), and only
        # the fields of this form are written back.
        party = (
            ExternalParty()
            if party is None
            else ExternalParty.objects.select_for_update().get(pk=party.pk)
        )
        party.name, party.kind = name, kind
        party.contact_name, party.contact_email = contact_name.strip(), contact_email.strip()
        party.nda_signed_on, party.nda_expires_on = nda_signed_on, nda_expires_on
        party.updated_by = user
        edited = ["name", "kind", "contact_name", "contact_email", "nda_signed_on",
                  "nda_expires_on", "updated_by", "updated_at"]  # fmt: skip
        # A new party needs its id: the sealed scan is bound to it.
        party.save() if created else party.save(update_fields=edited)
        if nda_document is not None:
            _store_sealed(party, nda_document)
            party.save(update_fields=["nda_document", "nda_content_type", "nda_sealed"])
        details: dict[str, Any] = {
            "nda_valid_until": nda_expires_on.isoformat() if nda_expires_on else "",
            "nda_document": bool(party.nda_document),
        }
        audit.record(user, "party.created" if created else "party.updated", party, **details)
    return party


def _context(party: ExternalParty) -> str:
    return f"nda:{party.pk}"


sealed.stored_file(ExternalParty, "nda_document", _context, flag="nda_sealed")


def _store_sealed(party: ExternalParty, upload: UploadedFile) -> None:
    """Seal the scan under a key of its own (records.crypto) and store only the sealed bytes,
    under a random name; the scan it replaces is deleted."""
    content_type = check_upload(upload)
    upload.seek(0)
    sealed = crypto.seal_blob(_context(party), upload.read())
    store = storages["default"]
    previous = party.nda_document.name if party.nda_document else ""
    party.nda_document.name = store.save(f"nda/{uuid.uuid4().hex}.bin", ContentFile(sealed))
    party.nda_content_type, party.nda_sealed = content_type, True
    if previous:
        transaction.on_commit(lambda: store.delete(previous))


@dataclass(frozen=True)
class NdaScan:
    content_type: str
    data: bytes


def open_nda(user: User, party: ExternalParty) -> NdaScan:
    """The signed NDA for legal to read, opened and audited; ``None`` parts are refused by the
    caller (a party without a scan)."""
    policy.require_can(user, Capability.EXTERNAL_PARTIES)
    if not party.nda_document:
        raise FileNotFoundError("no NDA scan on file")
    with storages["default"].open(str(party.nda_document.name), "rb") as handle:
        raw = handle.read()
    data = crypto.open_blob(_context(party), raw) if party.nda_sealed else raw
    audit.record(user, "party.nda_viewed", party)
    return NdaScan(party.nda_content_type or "application/pdf", data)


def seal_existing(party: ExternalParty) -> bool:
    """Seal a scan stored in clear before issue 17 §17 (the migration runs this for each)."""
    if not party.nda_document or party.nda_sealed:
        return False
    store = storages["default"]
    old_name = str(party.nda_document.name)
    with store.open(old_name, "rb") as handle:
        data = handle.read()
    party.nda_document.name = store.save(
        f"nda/{uuid.uuid4().hex}.bin", ContentFile(crypto.seal_blob(_context(party), data))
    )
    party.nda_content_type = sniff(data[:16]) or "application/pdf"
    party.nda_sealed = True
    ExternalParty.objects.filter(pk=party.pk).update(
        nda_document=party.nda_document.name,
        nda_content_type=party.nda_content_type,
        nda_sealed=True,
    )
    store.delete(old_name)
    return True
