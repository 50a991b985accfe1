"""The database: PostgreSQL from ``DATABASE_URL`` in production, SQLite under ``var/`` embedded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ


def database(env: environ.Env, var_dir: Path) -> dict[str, Any]:
    db: dict[str, Any] = env.db_url(
        "DATABASE_URL", default=f"sqlite:///{var_dir / 'baomi.sqlite3'}"
    )
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the demo server read while a request writes; IMMEDIATE avoids upgrade
        # deadlocks. secure_delete overwrites deleted and replaced content with zeros, so a
        # destroyed file's data key does not linger in free pages of the database file
        # (crypto-shredding, R60).
        db.setdefault("OPTIONS", {}).update(
            {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    else:
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        db["CONN_HEALTH_CHECKS"] = True
    db.setdefault("TEST", {})["NAME"] = env.str("DATABASE_TEST_NAME", default=None)
    return db
