"""Backup archives (R31, issue 7): one stream sealed in chunks under the backup key. Part of
records.crypto, which re-exports every name here."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from records.crypto import DecryptionFailed, _decode_key, _derive, _key_file_secret

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
