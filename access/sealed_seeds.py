"""Authenticator seeds sealed at rest (issue 17 §19).

django-otp keeps a TOTP device's secret as hex in ``TOTPDevice.key``: a database dump plus a
password list would pass everyone's second factor. Here the column holds the sealed seed
instead (core.sealing, implemented by records.crypto, bound to the person), and the one place
django-otp reads the secret, ``TOTPDevice.bin_key``, opens it. Every path that verifies a code,
ours or django-otp's, goes through ``bin_key``, so none can work on the stored text itself.

A device saved with a clear hex key (a new enrolment, the demo, a test) is sealed on save; the
data migration records/0009 seals the seeds stored before.
"""

from __future__ import annotations

import logging
import os
from binascii import unhexlify
from typing import Any

from django.db.models.signals import pre_save
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import sealing

log = logging.getLogger(__name__)


def _context(device: TOTPDevice) -> str:
    return f"totp:{device.user_id}"


def _bin_key(device: TOTPDevice) -> bytes:
    key = device.key or ""
    if not sealing.sealer().is_sealed(key):
        return unhexlify(key.encode())  # not saved yet: still the clear default
    try:
        return sealing.sealer().open(_context(device), key)
    except Exception:  # moved to another person's row, or altered: no code may match it
        log.warning("the authenticator secret of device %s does not open", device.pk)
        return os.urandom(20)


def seal_key(device: TOTPDevice) -> bool:
    """Replace a clear hex key by its sealed form; False when it was sealed already."""
    key = device.key or ""
    if not key or sealing.sealer().is_sealed(key):
        return False
    try:
        seed = unhexlify(key.encode())
    except ValueError:  # not a key django-otp could use either; nothing to protect
        return False
    device.key = sealing.sealer().seal(_context(device), seed)
    return True


def _seal_before_save(sender: type, instance: TOTPDevice, **kwargs: Any) -> None:
    seal_key(instance)


def install() -> None:
    TOTPDevice.bin_key = property(_bin_key)
    pre_save.connect(_seal_before_save, sender=TOTPDevice, dispatch_uid="baomi-seal-totp-seed")
