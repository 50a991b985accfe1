"""Secrets generated on first start for the embedded (no-configuration) mode.

A fresh checkout must start without anyone inventing a secret key by hand, yet the key must
survive restarts (sessions, signed tokens) and must never be world-readable. The file is
created atomically with mode 0600, so two processes starting together agree on one value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path, nbytes: int = 48) -> str:
    """Return the secret stored at ``path``, creating it (0600) with ``nbytes`` of randomness."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if not value:
            raise RuntimeError(f"secret file {path} is empty; delete it to regenerate") from None
        _tighten(path)
        return value
    value = secrets.token_urlsafe(nbytes)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def _tighten(path: Path) -> None:
    """Refuse to keep running on a secret that others can read: fix the mode if we own it."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(path, 0o600)
