"""The anchor signing key (issue 17 §9): Ed25519, so that anyone holding the public key can
check an anchor and nobody without the private key (kept apart from the database host) can
make one. The public key is in every audit export and printed by ``manage.py audit_verify``."""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _private_key() -> Ed25519PrivateKey:
    text = (getattr(settings, "BAOMI_ANCHOR_SIGNING_KEY", "") or "").strip()
    if not text:
        raise ImproperlyConfigured("BAOMI_ANCHOR_SIGNING_KEY must be set in production")
    # Any text (a generated secret, or base64 of 32 bytes): the seed is its SHA-256.
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(text.encode()).digest())


def public_key_bytes() -> bytes:
    return _private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_text() -> str:
    return base64.b64encode(public_key_bytes()).decode()


def key_id() -> str:
    return hashlib.sha256(public_key_bytes()).hexdigest()[:16]


def sign(message: bytes) -> str:
    return base64.b64encode(_private_key().sign(message)).decode()


def verify(message: bytes, signature: str, public_key: bytes | None = None) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(public_key or public_key_bytes())
        key.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
