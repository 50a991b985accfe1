"""What log lines may not carry: the token of an external delivery link (the link and its
passcode are the recipient's only key) or of a one-time enrolment link (it sets a password).
One rule for Django's log lines and the web server's access log (config/gunicorn_logs.py)."""

from __future__ import annotations

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
