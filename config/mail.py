"""Mail settings: every message goes through the sealed outbox (records/ops/outbox.py); the
backend ``EMAIL_URL`` names (SMTP in production, the console when embedded) is the one the
worker delivers with (issue 18 §7); the group-chat robots' endpoints (issue 21 §3)."""

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
    # Group-chat robots (issue 21 §3): the only two addresses the worker posts alerts to (a
    # private WeCom deployment sets its own), and the site's address for the links they carry.
    found["BAOMI_WECOM_WEBHOOK_URL"] = env.str(
        "BAOMI_WECOM_WEBHOOK_URL", default="https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    )
    found["BAOMI_DINGTALK_WEBHOOK_URL"] = env.str(
        "BAOMI_DINGTALK_WEBHOOK_URL", default="https://oapi.dingtalk.com/robot/send"
    )
    found["BAOMI_PUBLIC_URL"] = env.str("BAOMI_PUBLIC_URL", default="")
    found["DEFAULT_FROM_EMAIL"] = env.str("DEFAULT_FROM_EMAIL", default="baomi@localhost")
    found["SERVER_EMAIL"] = found["DEFAULT_FROM_EMAIL"]
    return found
