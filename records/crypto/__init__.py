"""All encryption of client files (R30, R13; DESIGN.md "records/").

Envelope encryption: every record has its own random 256-bit data key (DEK). Content is sealed
with AES-256-GCM under that key, with associated data binding each ciphertext to its record id
and purpose (section, attachment id), so a ciphertext copied to another record or another field
fails to open. The DEK is stored only wrapped by a versioned key-encryption key (KEK) held by a
``KeyProvider``; rotation re-wraps DEKs without touching content, and deleting a record's wrapped
DEK makes its content unrecoverable (crypto-shredding, disposal issue).

Nothing here ever returns stored bytes as if they were plaintext: any authentication failure,
unknown format or missing key raises ``DecryptionFailed``. Messages never carry key material or
plaintext. Blind indexes (exact search on encrypted values) use a separate key.

No other module imports ``cryptography``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import struct
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

_FORMAT = b"\x01"  # first byte of every sealed value and wrapped key: the format version
_NONCE = 12
KEY_BYTES = 32
# Blind indexes keep 16 of HMAC-SHA256's 32 bytes (128 bits, 32 hex characters): collisions
# between different values are negligible at any realistic size, and matches are re-checked
# after decryption anyway, so a collision could never show a user the wrong file.
BLIND_INDEX_BYTES = 16


class DecryptionFailed(Exception):
    """A ciphertext or wrapped key did not authenticate, or its key is gone. Fail closed."""


class KeyShredded(DecryptionFailed):
    """The record's data key was destroyed (crypto-shredding): its content is gone for good."""


@dataclass(frozen=True)
class WrappedKey:
    version: int
    blob: bytes


class KeyProvider(Protocol):
    """What wraps data keys. A Vault transit or cloud-KMS provider implements the same three
    calls (``context`` maps to their associated-data / encryption-context parameter)."""

    def current_version(self) -> int: ...

    def wrap(self, dek: bytes, context: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> bytes: ...


class LocalKeyProvider:
    """KEKs held in process memory, from ``BAOMI_RECORD_KEKS`` or derived from the key file."""

    def __init__(self, keks: dict[int, bytes]):
        if not keks:
            raise ImproperlyConfigured("no key-encryption key is configured")
        for version, key in keks.items():
            if version < 1 or len(key) != KEY_BYTES:
                raise ImproperlyConfigured(
                    f"key-encryption key version {version} must be a positive version of 32 bytes"
                )
        self._keks = {version: AESGCM(key) for version, key in keks.items()}

    @classmethod
    def from_settings(cls) -> LocalKeyProvider:
        return cls(configured_keks())

    def current_version(self) -> int:
        return max(self._keks)

    def wrap(self, dek: bytes, context: bytes) -> WrappedKey:
        version = self.current_version()
        return WrappedKey(version, _seal(self._keks[version], dek, _kek_ad(version, context)))

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> bytes:
        kek = self._keks.get(wrapped.version)
        if kek is None:
            raise DecryptionFailed(f"key-encryption key version {wrapped.version} is not loaded")
        return _open(kek, wrapped.blob, _kek_ad(wrapped.version, context))


def _kek_ad(version: int, context: bytes) -> bytes:
    return b"baomi:kek:" + str(version).encode() + b":" + context


_NOT_AUTHENTIC = "authentication failed: wrong key, wrong record or altered"


def _seal(aead: AESGCM, plaintext: bytes, ad: bytes) -> bytes:
    """The one sealed format: format byte, 12-byte random nonce, ciphertext and tag."""
    nonce = os.urandom(_NONCE)
    return _FORMAT + nonce + aead.encrypt(nonce, plaintext, ad)


def _open(aead: AESGCM, blob: bytes | memoryview | None, ad: bytes) -> bytes:
    blob = bytes(blob or b"")
    if len(blob) < 1 + _NONCE + 16 or blob[:1] != _FORMAT:
        raise DecryptionFailed("not a sealed value of a known format")
    try:
        return aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], ad)
    except InvalidTag:
        raise DecryptionFailed(_NOT_AUTHENTIC) from None


# --- Key material from settings ---------------------------------------------------------------


def _key_file_secret() -> bytes:
    path = settings.BAOMI_KEY_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            "BAOMI_RECORD_KEKS is not set and there is no key file; see .env.example"
        ) from None
    return text.encode()


def _derive(secret: bytes, label: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"baomi-records", info=label.encode()
    ).derive(secret)


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise ImproperlyConfigured(f"{name} is not base64") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes")
    return key


def configured_keks() -> dict[int, bytes]:
    """``BAOMI_RECORD_KEKS="2:<base64>,1:<base64>"``; in embedded mode, without it, version 1 is
    derived from the key file so a new install works with no set-up."""
    raw = getattr(settings, "BAOMI_RECORD_KEKS", "") or ""
    if not raw.strip():
        if settings.PRODUCTION:
            raise ImproperlyConfigured("BAOMI_RECORD_KEKS must be set when BAOMI_MODE=production")
        return {1: _derive(_key_file_secret(), "kek:1")}
    keks: dict[int, bytes] = {}
    for item in raw.split(","):
        version, _, text = item.strip().partition(":")
        if not version.isdigit() or not text:
            raise ImproperlyConfigured("BAOMI_RECORD_KEKS entries look like '<version>:<base64>'")
        keks[int(version)] = _decode_key(text, f"BAOMI_RECORD_KEKS version {version}")
    return keks


def _index_key() -> bytes:
    raw = getattr(settings, "BAOMI_INDEX_KEY", "") or ""
    if raw.strip():
        return _decode_key(raw.strip(), "BAOMI_INDEX_KEY")
    if settings.PRODUCTION:
        raise ImproperlyConfigured("BAOMI_INDEX_KEY must be set when BAOMI_MODE=production")
    return _derive(_key_file_secret(), "blind-index")


@functools.cache
def key_provider() -> KeyProvider:
    dotted = getattr(settings, "BAOMI_KEY_PROVIDER", "records.crypto.LocalKeyProvider")
    return import_string(dotted).from_settings()


@functools.cache
def _cached_index_key() -> bytes:
    return _index_key()


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in {"BAOMI_RECORD_KEKS", "BAOMI_INDEX_KEY", "BAOMI_KEY_PROVIDER", "BAOMI_KEY_FILE"}:
        key_provider.cache_clear()
        _cached_index_key.cache_clear()


def generate_key_text() -> str:
    """A new random key in the form the settings expect (for operators and docs)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


# --- Per-record data keys ---------------------------------------------------------------------


class RecordCipher:
    """Seals and opens one record's content. ``purpose`` names the section or attachment and is
    bound into the associated data together with the record id."""

    __slots__ = ("_aead", "_record_id")

    def __init__(self, record_id: uuid.UUID, dek: bytes):
        self._record_id = record_id
        self._aead = AESGCM(dek)

    def _ad(self, purpose: str) -> bytes:
        return b"baomi:record:" + self._record_id.bytes + b":" + purpose.encode()

    def seal(self, purpose: str, plaintext: bytes) -> bytes:
        return _seal(self._aead, plaintext, self._ad(purpose))

    def open(self, purpose: str, blob: bytes | memoryview | None) -> bytes:
        return _open(self._aead, blob, self._ad(purpose))

    def seal_json(self, purpose: str, value: Any) -> bytes:
        return self.seal(purpose, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))

    def open_json(self, purpose: str, blob: bytes | memoryview | None) -> Any:
        return orjson.loads(self.open(purpose, blob))


def _dek_context(record_id: uuid.UUID) -> bytes:
    return b"record:" + record_id.bytes


def new_record_key(record_id: uuid.UUID) -> tuple[RecordCipher, WrappedKey]:
    """A fresh data key for a new record, and its wrapped form to store."""
    dek = os.urandom(KEY_BYTES)
    return RecordCipher(record_id, dek), key_provider().wrap(dek, _dek_context(record_id))


def record_cipher(record_id: uuid.UUID, version: int, wrapped: bytes | memoryview | None):
    """The cipher of a stored record; ``KeyShredded`` when its key was destroyed."""
    if not wrapped:
        raise KeyShredded("this record's key was destroyed")
    dek = key_provider().unwrap(WrappedKey(version, bytes(wrapped)), _dek_context(record_id))
    return RecordCipher(record_id, dek)


def rewrap(record_id: uuid.UUID, version: int, wrapped: bytes | memoryview) -> WrappedKey:
    """The same data key wrapped under the newest KEK (key rotation; content untouched)."""
    provider = key_provider()
    dek = provider.unwrap(WrappedKey(version, bytes(wrapped)), _dek_context(record_id))
    return provider.wrap(dek, _dek_context(record_id))


def current_kek_version() -> int:
    return key_provider().current_version()


# --- Sealed blobs: secrets that belong to no client file ------------------------------------

_BLOB_HEADER = struct.Struct(">HH")  # KEK version, length of the wrapped data key


def seal_blob(context: str, plaintext: bytes) -> bytes:
    """Seal something that is not part of a client file (an NDA scan, an authenticator seed)
    under its own data key, wrapped by the current KEK like a record's. ``context`` names the
    object it belongs to and is bound into both layers, so a sealed value copied onto another
    row does not open there."""
    dek = os.urandom(KEY_BYTES)
    wrapped = key_provider().wrap(dek, _blob_key_context(context))
    return _pack_blob(wrapped, _seal(AESGCM(dek), plaintext, b"baomi:blob:" + context.encode()))


def blob_version(blob: bytes | memoryview) -> int:
    """The KEK version a sealed value's data key is wrapped under (its first two bytes)."""
    return _unpack_blob(bytes(blob[: _BLOB_HEADER.size]))[0].version  # the header alone


def rewrap_blob(context: str, blob: bytes | memoryview) -> bytes:
    """The same sealed value with its data key wrapped under the newest KEK (key rotation; the
    body is untouched). ``DecryptionFailed`` for a wrong context or tampering."""
    wrapped, body = _unpack_blob(bytes(blob))
    provider = key_provider()
    dek = provider.unwrap(wrapped, _blob_key_context(context))
    return _pack_blob(provider.wrap(dek, _blob_key_context(context)), body)


def open_blob(context: str, blob: bytes | memoryview) -> bytes:
    """The plaintext of ``seal_blob``; ``DecryptionFailed`` for a wrong context or tampering."""
    wrapped, body = _unpack_blob(bytes(blob))
    dek = key_provider().unwrap(wrapped, _blob_key_context(context))
    return _open(AESGCM(dek), body, b"baomi:blob:" + context.encode())


def _blob_key_context(context: str) -> bytes:
    return b"blob:" + context.encode()


def _pack_blob(wrapped: WrappedKey, body: bytes) -> bytes:
    """A sealed value's layout: KEK version, length of the wrapped data key, that key, body."""
    return _BLOB_HEADER.pack(wrapped.version, len(wrapped.blob)) + wrapped.blob + body


def _unpack_blob(data: bytes) -> tuple[WrappedKey, bytes]:
    if len(data) < _BLOB_HEADER.size:
        raise DecryptionFailed("sealed value too short")
    version, length = _BLOB_HEADER.unpack_from(data)
    start = _BLOB_HEADER.size
    return WrappedKey(version, data[start : start + length]), data[start + length :]


# --- Authenticator seeds ---------------------------------------------------------------------

_SEED_PREFIX = "s1:"


def _seed_aead() -> AESGCM:
    return AESGCM(_derive(_cached_index_key(), "totp-seeds"))


def seal_seed(context: str, seed: bytes) -> str:
    """An authenticator's secret as stored text (issue 17 §19): AES-GCM under a key derived
    from the index key (kept outside the database, like the KEKs), bound to ``context`` (the
    person), short enough for django-otp's 80-character key column. A database dump alone no
    longer passes anyone's second factor."""
    nonce = os.urandom(12)
    body = _seed_aead().encrypt(nonce, seed, b"baomi:seed:" + context.encode())
    return _SEED_PREFIX + base64.urlsafe_b64encode(nonce + body).decode().rstrip("=")


def is_sealed_seed(text: str) -> bool:
    return text.startswith(_SEED_PREFIX)


def open_seed(context: str, text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text.removeprefix(_SEED_PREFIX) + "==")
    try:
        return _seed_aead().decrypt(raw[:12], raw[12:], b"baomi:seed:" + context.encode())
    except InvalidTag:
        raise DecryptionFailed("this authenticator secret does not open here") from None


# --- Blind indexes -------------------------------------------------------------------------


def blind_index(kind: str, normalised: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value, truncated (see ``BLIND_INDEX_BYTES``).

    ``kind`` is part of the message so equal strings in different fields never share an index.
    """
    digest = hmac.new(
        _cached_index_key(), kind.encode() + b"\x00" + normalised.encode(), hashlib.sha256
    ).digest()
    return digest[:BLIND_INDEX_BYTES].hex()


# Backup archives live in records/crypto/backups.py (same keys, same rules); re-exported here so
# that records.crypto stays the one name for every encryption in Baomi.
from records.crypto.backups import (  # noqa: E402
    BACKUP_CHUNK as BACKUP_CHUNK,
)
from records.crypto.backups import (  # noqa: E402
    BACKUP_MAGIC as BACKUP_MAGIC,
)
from records.crypto.backups import (  # noqa: E402
    BackupSealer as BackupSealer,
)
from records.crypto.backups import (  # noqa: E402
    WrongBackupKey as WrongBackupKey,
)
from records.crypto.backups import (  # noqa: E402
    backup_key as backup_key,
)
from records.crypto.backups import (  # noqa: E402
    open_backup as open_backup,
)
