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
    wrapped = key_provider().wrap(dek, b"blob:" + context.encode())
    body = _seal(AESGCM(dek), plaintext, b"baomi:blob:" + context.encode())
    return _BLOB_HEADER.pack(wrapped.version, len(wrapped.blob)) + wrapped.blob + body


def open_blob(context: str, blob: bytes | memoryview) -> bytes:
    """The plaintext of ``seal_blob``; ``DecryptionFailed`` for a wrong context or tampering."""
    data = bytes(blob)
    if len(data) < _BLOB_HEADER.size:
        raise DecryptionFailed("sealed value too short")
    version, length = _BLOB_HEADER.unpack_from(data)
    start = _BLOB_HEADER.size
    wrapped = WrappedKey(version, data[start : start + length])
    dek = key_provider().unwrap(wrapped, b"blob:" + context.encode())
    return _open(AESGCM(dek), data[start + length :], b"baomi:blob:" + context.encode())


# --- Blind indexes -------------------------------------------------------------------------


def blind_index(kind: str, normalised: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value, truncated (see ``BLIND_INDEX_BYTES``).

    ``kind`` is part of the message so equal strings in different fields never share an index.
    """
    digest = hmac.new(
        _cached_index_key(), kind.encode() + b"\x00" + normalised.encode(), hashlib.sha256
    ).digest()
    return digest[:BLIND_INDEX_BYTES].hex()


# --- Backup archives (R31, issue 7) -------------------------------------------------------------
# A backup is one stream sealed in 1 MiB chunks with AES-256-GCM under the backup key (separate
# from the record KEKs). Each chunk's nonce is a random 8-byte prefix plus its counter, and its
# associated data names the counter and whether it is the last chunk: reordered, dropped,
# truncated or altered archives fail to open. A key check value in the header tells a wrong key
# apart from a damaged archive.

BACKUP_MAGIC = b"BAOMIBK1"
BACKUP_CHUNK = 1 << 20
_CHECK = b"baomi:backup-key-check"


class WrongBackupKey(DecryptionFailed):
    """The archive was sealed with another backup key."""


def backup_key() -> bytes:
    raw = getattr(settings, "BAOMI_BACKUP_KEY", "") or ""
    if raw.strip():
        return _decode_key(raw.strip(), "BAOMI_BACKUP_KEY")
    if settings.PRODUCTION:
        raise ImproperlyConfigured("BAOMI_BACKUP_KEY must be set when BAOMI_MODE=production")
    return _derive(_key_file_secret(), "backup")


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, _CHECK, hashlib.sha256).digest()[:8]


def _chunk_ad(prefix: bytes, counter: int, final: bool) -> bytes:
    return BACKUP_MAGIC + prefix + counter.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


class BackupSealer:
    """A write-only binary stream that seals what is written to ``out`` in chunks."""

    def __init__(self, out: Any, key: bytes):
        self._out, self._aead = out, AESGCM(key)
        self._prefix = os.urandom(4)
        self._counter = 0
        self._buffer = bytearray()
        out.write(BACKUP_MAGIC + self._prefix + _key_check(key))

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) >= BACKUP_CHUNK:
            self._emit(bytes(self._buffer[:BACKUP_CHUNK]), final=False)
            del self._buffer[:BACKUP_CHUNK]
        return len(data)

    def _emit(self, plain: bytes, final: bool) -> None:
        nonce = self._prefix + self._counter.to_bytes(8, "big")
        sealed = self._aead.encrypt(nonce, plain, _chunk_ad(self._prefix, self._counter, final))
        self._out.write(len(sealed).to_bytes(4, "big") + sealed)
        self._counter += 1

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()


def open_backup(stream: Any, key: bytes):
    """Yield the plaintext chunks of a sealed archive; ``WrongBackupKey`` or
    ``DecryptionFailed`` (altered, reordered or truncated) before any bad byte is yielded."""
    header = stream.read(len(BACKUP_MAGIC) + 4 + 8)
    if len(header) < len(BACKUP_MAGIC) + 12 or not header.startswith(BACKUP_MAGIC):
        raise DecryptionFailed("not a Baomi backup archive")
    prefix, check = header[len(BACKUP_MAGIC) : -8], header[-8:]
    if not hmac.compare_digest(check, _key_check(key)):
        raise WrongBackupKey("this archive was made with another backup key")
    aead, counter = AESGCM(key), 0
    while True:
        size = stream.read(4)
        if len(size) < 4:
            raise DecryptionFailed("the archive is truncated: its last chunk is missing")
        sealed = stream.read(int.from_bytes(size, "big"))
        nonce = prefix + counter.to_bytes(8, "big")
        plain = None
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, _chunk_ad(prefix, counter, final))
            except InvalidTag:
                continue
            break
        if plain is None:
            raise DecryptionFailed(f"chunk {counter} of the archive is damaged or altered")
        yield plain
        counter += 1
        if final:
            if stream.read(1):
                raise DecryptionFailed("the archive has data after its last chunk")
            return
