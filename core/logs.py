"""What log lines may not carry: the token of an external delivery link (the link and its
passcode are the recipient's only key) or of a one-time enrolment link (it sets a password).
One rule for Django's log lines and the web server's access log (config/gunicorn_logs.py)."""

from __future__ import annotations

import json
import logging
import re

_SHARE_TOKEN = re.compile(r"(/share/|/enrol/)[^/\s?#\"']+")


def redact(text: str) -> str:
    """``text`` with every delivery- or enrolment-link token replaced by an ellipsis."""
    return _SHARE_TOKEN.sub(r"\1…", text)


class RedactShareTokens(logging.Filter):
    """Rewrites a record's message so that no delivery-link token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class ExpectedAnswersWithoutTraceback(logging.Filter):
    """Drops the traceback from a logged 4xx answer (a refusal, a missing page, a bad request).

    Django logs ``PermissionDenied`` with its traceback; a refusal is the system working as
    meant, and dozens of tracebacks a day hide the one real error. The line itself stays: who was
    refused where is still in the log (and in the audit trail). 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the traceback of
    an error. The message is the redacted one (the filters ran before)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "correlation_id", None) or "",
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
