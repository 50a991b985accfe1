"""Log lines go to the console (the container's log); secrets and customer data never reach them."""

from __future__ import annotations

from typing import Any

import environ


def logging_from(env: environ.Env) -> dict[str, Any]:
    return logging_config(
        env.str("BAOMI_LOG_LEVEL", default="INFO"), env.str("BAOMI_LOG_FORMAT", default="plain")
    )


def logging_config(level: str, log_format: str = "plain") -> dict[str, Any]:
    """``log_format`` "json" (BAOMI_LOG_FORMAT=json): one JSON object per line, for a log
    collector. Either way each line names its request (or task) id (issue 18 §10)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"
            },
            "json": {"()": "core.logs.JsonLines"},
        },
        "filters": {
            "redact_share_tokens": {"()": "core.logs.RedactShareTokens"},
            "expected_answers": {"()": "core.logs.ExpectedAnswersWithoutTraceback"},
            "correlation_id": {"()": "django_guid.log_filters.CorrelationId"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                # On the handler, not only on django.request: Django logs a bad Host or too
                # many fields on django.security.<Name>, below any logger filter.
                "filters": ["correlation_id", "redact_share_tokens", "expected_answers"],
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
            # django-guid says at INFO for every request whether the proxy sent an id.
            "django_guid": {"level": "WARNING"},
        },
    }


def request_ids() -> dict[str, Any]:
    """django-guid's settings (issue 18 §10): the request id is taken from the proxy's
    X-Request-ID when it is a UUID, made here otherwise; returned in the response, written into
    every log line and audit event of the request, and handed to the Celery tasks it starts
    (their log lines carry it too)."""
    from django_guid.integrations import CeleryIntegration

    return {
        "GUID_HEADER_NAME": "X-Request-ID",
        "VALIDATE_GUID": True,
        "RETURN_HEADER": False,  # core.middleware.RequestIdMiddleware sets it, in one form
        "EXPOSE_HEADER": False,
        "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=False)],
    }
