"""Production refuses to start on missing or placeholder keys and on mail that goes nowhere
(issue 18 §3): each problem names its variable and how to make a value. Before, production
started with ``BAOMI_RECORD_KEKS=1:`` from .env.example (the first intake then failed), without
``BAOMI_BACKUP_KEY`` (the 03:15 backup failed) and with console mail (security alerts went
nowhere). Checked when settings load, so web, worker, beat and every command stop alike;
``manage.py genkeys`` prints fresh values and runs without them."""

from __future__ import annotations

import base64
import binascii

MAKE = "Make one with `python manage.py genkeys`."
NOWHERE_MAIL = ("consolemail", "dummymail", "memorymail")


def _key(text: str) -> bytes | None:
    """32 bytes from base64 (standard or URL-safe), else None."""
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(
            text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
        )
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def key_problems(values: dict[str, str]) -> list[str]:
    """What is wrong with the production key and mail settings in ``values`` (by variable)."""
    problems: list[str] = []
    keks: list[bytes] = []
    entries = [e.strip() for e in values.get("BAOMI_RECORD_KEKS", "").split(",") if e.strip()]
    if not entries:
        problems.append(f"BAOMI_RECORD_KEKS must be set when BAOMI_MODE=production. {MAKE}")
    for entry in entries:
        version, _, text = entry.partition(":")
        key = _key(text) if version.isdigit() else None
        if key is None:
            problems.append(
                f"BAOMI_RECORD_KEKS entry {entry[:12]!r}… is not '<version>:<base64 of 32 "
                f"bytes>' (the .env.example placeholder '1:' is not a key). {MAKE}"
            )
        else:
            keks.append(key)
    for name in ("BAOMI_INDEX_KEY", "BAOMI_BACKUP_KEY"):
        text = values.get(name, "")
        if not text.strip():
            problems.append(f"{name} must be set when BAOMI_MODE=production. {MAKE}")
        elif _key(text) is None:
            problems.append(f"{name} must be base64 of 32 bytes. {MAKE}")
    backup = _key(values.get("BAOMI_BACKUP_KEY", ""))
    if backup is not None and backup in keks:
        problems.append(
            "BAOMI_BACKUP_KEY must not be one of the record keys: a stolen backup would carry "
            f"its own key. {MAKE}"
        )
    if len(values.get("BAOMI_ANCHOR_SIGNING_KEY", "").strip()) < 32:
        problems.append(
            "BAOMI_ANCHOR_SIGNING_KEY must be set (at least 32 characters) when "
            f"BAOMI_MODE=production; keep it off the database host. {MAKE}"
        )
    mail = values.get("EMAIL_URL", "").strip()
    if not mail or mail.split(":", 1)[0] in NOWHERE_MAIL:
        problems.append(
            "EMAIL_URL must name a real mail server when BAOMI_MODE=production (e.g. "
            "smtp+tls://user:password@smtp.example.com:587): security alerts, incident "
            "reports and enrolment links are sent by mail."
        )
    token = values.get("BAOMI_METRICS_TOKEN", "").strip()
    if token and len(token) < 32:
        problems.append(
            "BAOMI_METRICS_TOKEN must be at least 32 characters (or unset: no /metrics at all). "
            f"{MAKE}"
        )
    return problems
