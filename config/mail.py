"""Mail settings: every message goes through the sealed outbox (records/ops/outbox.py); the
backend ``EMAIL_URL`` names (SMTP in production, the console when embedded) is the one the
worker delivers with (issue 18 §7)."""

from __future__ import annotations

from typing import Any

import environ

OUTBOX = "records.ops.outbox.OutboxBackend"


def mail_settings(env: environ.Env) -> dict[str, Any]:
    found: dict[str, Any] = env.email_url("EMAIL_URL", default="consolemail://")
    found["BAOMI_MAIL_DELIVERY_BACKEND"] = found["EMAIL_BACKEND"]
    found["EMAIL_BACKEND"] = OUTBOX
    # A mail server that accepts the connection and then stalls must not hold a worker.
    found["EMAIL_TIMEOUT"] = env.int("EMAIL_TIMEOUT", default=30)
    return found
