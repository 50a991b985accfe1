"""External parties and their NDAs (R52), kept by legal. The signed NDA is checked like any
upload (type and size by content) before it is stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import ExternalParty, User
from access.policy import Capability
from records.attachments import check_upload


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
            check_upload(nda_document)
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
        party = party or ExternalParty()
        party.name, party.kind = name, kind
        party.contact_name, party.contact_email = contact_name.strip(), contact_email.strip()
        party.nda_signed_on, party.nda_expires_on = nda_signed_on, nda_expires_on
        party.updated_by = user
        if nda_document is not None:
            if nda_document.name is None:  # Django would fail joining None to the folder
                raise TypeError("an uploaded NDA without a file name")
            party.nda_document.save(nda_document.name, nda_document, save=False)
        party.save()
        details: dict[str, Any] = {
            "nda_valid_until": nda_expires_on.isoformat() if nda_expires_on else "",
            "nda_document": bool(party.nda_document),
        }
        audit.record(user, "party.created" if created else "party.updated", party, **details)
    return party
