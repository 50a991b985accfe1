"""Log lines go to the console (the container's log); secrets and customer data never reach them."""

from __future__ import annotations

from typing import Any


def logging_config(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "filters": {
            "redact_share_tokens": {"()": "core.logs.RedactShareTokens"},
            "expected_answers": {"()": "core.logs.ExpectedAnswersWithoutTraceback"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact_share_tokens"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Axes logs usernames and IPs at INFO; our audit log is the record of sign-in attempts.
            "axes": {"level": "WARNING"},
            # A refusal (403) or a missing page (404) is one line; a server error keeps its
            # traceback (issue 16 §9).
            "django.request": {"filters": ["expected_answers"]},
            "django.security": {"filters": ["expected_answers"]},
        },
    }
