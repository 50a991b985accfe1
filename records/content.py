"""Reading and writing a record's sealed content: the only code that touches ``sealed_*``.

Content is a flat ``{field name: text}`` mapping (records.fields); each section is sealed as one
JSON ciphertext whose associated data names the record and the section.
"""

from __future__ import annotations

from typing import Any

from records import crypto
from records.fields import FIELDS, Section
from records.models import CustomerRecord
from records.validators import normalise_mobile, normalise_name, normalise_resident_id

Content = dict[str, str]

_COLUMN = {section: f"sealed_{section.value}" for section in Section}
COMMUNICATIONS = "communications"
REVIEW_COMMENT = "review_comment"


def new_record(**metadata: Any) -> tuple[CustomerRecord, crypto.RecordCipher]:
    """An unsaved record with a fresh data key (its UUID exists before the first seal)."""
    record = CustomerRecord(**metadata)
    cipher, wrapped = crypto.new_record_key(record.id)
    record.key_version, record.wrapped_key = wrapped.version, wrapped.blob
    return record, cipher


def cipher_of(record: CustomerRecord) -> crypto.RecordCipher:
    return crypto.record_cipher(record.id, record.key_version, record.wrapped_key)


def write(record: CustomerRecord, cipher: crypto.RecordCipher, content: Content) -> None:
    """Seal every section and refresh the blind indexes (the caller saves the record)."""
    for section in Section:
        values = {
            f.name: content[f.name] for f in FIELDS if f.section == section and content.get(f.name)
        }
        setattr(
            record, _COLUMN[section], cipher.seal_json(section.value, values) if values else b""
        )
    keys = search_keys(content)
    for kind, column in INDEX_COLUMNS.items():
        setattr(record, column, crypto.blind_index(kind, keys[kind]) if keys[kind] else "")


def read_identity(record: CustomerRecord) -> Content:
    """The identity section alone: the name a list shows and every value a search compares
    (issue 20 §2). A list row never opens the financial, transaction or other sections."""
    return read(record, sections=(Section.IDENTITY,))


# The sealed columns a list or a search leaves in the database (``QuerySet.defer``): only the
# identity section is read for a row.
NOT_LISTED = (
    *(column for section, column in _COLUMN.items() if section != Section.IDENTITY),
    "sealed_communications",
    "sealed_review_comment",
)


# Blind-index kind -> column. The kind is part of the HMAC message (records/crypto/).
INDEX_COLUMNS = {"name": "name_index", "mobile": "phone_index", "id": "id_index"}


def search_keys(content: Content) -> dict[str, str]:
    """The normalised values behind each blind index: what indexing and re-checking compare."""
    identifier = content.get("id_number") or content.get("credit_code") or ""
    return {
        "name": normalise_name(content.get("full_name", "")),
        "mobile": normalise_mobile(content.get("mobile", "")),
        "id": normalise_resident_id(identifier),
    }


def read(
    record: CustomerRecord,
    cipher: crypto.RecordCipher | None = None,
    sections: tuple[Section, ...] = tuple(Section),
) -> Content:
    """The sections asked for (every one by default) opened; raises
    ``crypto.DecryptionFailed`` rather than return bad data."""
    cipher = cipher or cipher_of(record)
    content: Content = {}
    for section in sections:
        blob = getattr(record, _COLUMN[section])
        if blob:
            content.update(cipher.open_json(section.value, blob))
    return content


def read_communications(record: CustomerRecord, cipher: crypto.RecordCipher) -> list[dict]:
    blob = record.sealed_communications
    return cipher.open_json(COMMUNICATIONS, blob) if blob else []


def write_communications(
    record: CustomerRecord, cipher: crypto.RecordCipher, entries: list[dict]
) -> None:
    record.sealed_communications = cipher.seal_json(COMMUNICATIONS, entries)


def read_review_comment(record: CustomerRecord, cipher: crypto.RecordCipher) -> str:
    blob = record.sealed_review_comment
    return cipher.open(REVIEW_COMMENT, blob).decode() if blob else ""


def write_review_comment(record: CustomerRecord, cipher: crypto.RecordCipher, text: str) -> None:
    record.sealed_review_comment = cipher.seal(REVIEW_COMMENT, text.encode()) if text else b""


SHREDDED_FIELDS = [
    "wrapped_key",
    *_COLUMN.values(),
    "sealed_communications",
    "sealed_review_comment",
    *INDEX_COLUMNS.values(),
]


def shredded_values() -> dict[str, Any]:
    """Crypto-shredding (R60), as a queryset UPDATE over many files: the wrapped data key, every
    ciphertext and every blind index blanked. Without the data key no key-encryption key can
    open a copy of the old ciphertext either."""
    indexes = set(INDEX_COLUMNS.values())
    return {column: ("" if column in indexes else b"") for column in SHREDDED_FIELDS}
