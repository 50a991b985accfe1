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


# Secrets that may come from a file instead (Docker/compose secrets mount them under
# /run/secrets): NAME_FILE holds the path, the file holds the value (issue 18 §4).
SECRET_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "BAOMI_DRILL_DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_URL",
    "BAOMI_RECORD_KEKS",
    "BAOMI_INDEX_KEY",
    "BAOMI_BACKUP_KEY",
    "BAOMI_ANCHOR_SIGNING_KEY",
    "BAOMI_S3_SECRET_ACCESS_KEY",
    "BAOMI_METRICS_TOKEN",
)


def load_secret_files(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """Copy each ``NAME_FILE``'s content into ``NAME``; the names it set. A missing or empty
    file, or both forms at once, is an error naming the variable (the start-up refuses)."""
    from django.core.exceptions import ImproperlyConfigured

    loaded = []
    for name in SECRET_VARIABLES:
        path = environ.get(f"{name}_FILE", "")
        if not path:
            continue
        if environ.get(name):
            raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE names {path}, which cannot be read ({error.strerror})"
            ) from None
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE names {path}, which is empty")
        environ[name] = value
        loaded.append(name)
    return loaded
