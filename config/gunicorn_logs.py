"""gunicorn's access log without delivery-link tokens (``--logger-class``, docker-compose.yml):
the request line, the path and the referrer all pass through core.logs.redact."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

from core.logs import redact


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict, request_time: timedelta) -> dict:
        found = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in found.items()
        }
