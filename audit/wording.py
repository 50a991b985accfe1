"""How the audit trail reads to a person (issue 16 §4): action areas, object types and event
details in the reader's language.

Events keep their codes (``record.reveal``, ``records.customerrecord``, ``tier=1``): they are
hashed into the chain and verified outside Baomi, so they never change. Every page and the CSV
export show them through here instead, so no code reaches an auditor. The apps above audit/
register the labels of their own vocabularies (``register_values``) from their ``ready()``:
audit/ may not import them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import actions
from audit.words import COUNTS, DETAILS, JOBS, REMINDERS

AREAS: dict[str, Promise] = {
    "auth": gettext_lazy("Sign-in and accounts"),
    "access": gettext_lazy("Permissions, reviews and hand-overs"),
    "admin": gettext_lazy("Administration"),
    "record": gettext_lazy("Client files"),
    "request": gettext_lazy("Borrowing, copies and external sharing"),
    "backup": gettext_lazy("Backups"),
    "retention": gettext_lazy("Records of processing"),
    "disposal": gettext_lazy("Retention and destruction"),
    "incident": gettext_lazy("Incidents"),
    "audit": gettext_lazy("Audit log"),
}

FILTER_PREFIX = "filter_"

# Value labels by detail key, filled by the apps that own the vocabularies.
_VALUES: dict[str, dict[str, Any]] = {
    "rule": {},  # filled below from the anomaly rules' words
    "page": {
        "events": gettext_lazy("Audit log"),
        "person": gettext_lazy("Events of a person"),
        "target": gettext_lazy("Events of an object"),
    },
    "factor": {
        "totp": gettext_lazy("Authenticator app"),
        "backup": gettext_lazy("Backup code"),
        "backup_code": gettext_lazy("Backup code"),
        "passkey": gettext_lazy("Passkey"),
    },
}
_VALUES["job"] = dict(JOBS)
_VALUES["reminder"] = dict(REMINDERS)
_VALUES["count"] = dict(COUNTS)
_SAME_VOCABULARY = {
    "record_tier": "tier",
    "minimum_tier": "tier",
    "separate_categories": "categories",
    "roles": "role",
    "reason_code": "reason",
    "moved": "state",
}

RULES: dict[str, tuple[Promise, Promise]] = {
    "many_reveals": (
        gettext_lazy("Many sensitive values revealed"),
        gettext_lazy("%(count)s sensitive values revealed within one hour, above the usual."),
    ),
    "outside_office_hours": (
        gettext_lazy("Access outside office hours"),
        gettext_lazy("%(count)s client-file accesses outside office hours."),
    ),
    "other_department": (
        gettext_lazy("Files of another department"),
        gettext_lazy("%(count)s accesses to client files of another department."),
    ),
    "bulk_exports": (
        gettext_lazy("Bulk exports"),
        gettext_lazy("%(count)s exports within one hour, above the limit."),
    ),
    "repeated_break_glass": (
        gettext_lazy("Repeated emergency access"),
        gettext_lazy("%(count)s emergency accesses on one day, above the limit."),
    ),
}
_VALUES["rule"] = {code: words[0] for code, words in RULES.items()}


_RESOLVERS: dict[str, Callable[[str], str | None]] = {}


def register_values(key: str, labels: Iterable[tuple[Any, Any]], scope: str = "") -> None:
    """Add the labels of a vocabulary (``TextChoices.choices``) to the values of ``key``.

    ``scope`` names where the code means this: a workflow ("transfer": its "pending" waits for
    a receipt, not an approval) or an action ("record.reveal": its "other" is not an emergency's
    "other"). Scoped words win over the shared ones, which remain the fallback."""
    if scope:
        _VALUES.setdefault(f"{key}@{scope}", {}).update({str(v): label for v, label in labels})
        labels = _VALUES[f"{key}@{scope}"].items()
    known = _VALUES.setdefault(key, {})
    for value, label in labels:
        known.setdefault(str(value), label)


def register_resolver(key: str, resolve: Callable[[str], str | None]) -> None:
    """For values named by data rather than by code (a retention policy's ``code vN``):
    ``resolve`` returns the words, or None to show the value as it is."""
    _RESOLVERS[key] = resolve


def grouped_actions() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every action, by area, each with its label: the console's action filter."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in actions.ACTIONS.values():
        groups.setdefault(action.category, []).append((action.code, str(action.label)))
    return [(str(AREAS.get(area, area)), items) for area, items in groups.items()]


def object_type(code: str) -> str:
    """The name of an object type (``records.customerrecord`` -> 客户档案)."""
    try:
        model = apps.get_model(code)
    except (LookupError, ValueError):
        return _("Other object")
    return capfirst(str(model._meta.verbose_name))


def object_types() -> list[tuple[str, str]]:
    """The object types an event may name, by name: the console's object-type filter."""
    found = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
        for app in ("access", "records", "disposal", "audit")
        for model in apps.get_app_config(app).get_models()
        if "verbose_name" in model._meta.original_attrs
    ]
    return sorted(found, key=lambda pair: pair[1])


def rule(code: str) -> str:
    words = RULES.get(code)
    return str(words[0]) if words else _("Other rule")


def rule_summary(code: str, count: int) -> str:
    words = RULES.get(code)
    return str(words[1]) % {"count": count} if words else ""


def _label(key: str) -> str:
    if key.startswith(FILTER_PREFIX):
        name = key.removeprefix(FILTER_PREFIX)
        return _("Filter: %(name)s") % {"name": _label(name) if name in DETAILS else name}
    label = DETAILS.get(key)
    return str(label) if label else _("Other")


def _one(key: str, value: Any, scope: str = "") -> str:
    if isinstance(value, bool) or value in ("True", "False"):
        return _("yes") if value in (True, "True") else _("no")
    text = str(value)
    if key == "moved" and ">" in text:
        before, after = text.split(">", 1)
        return f"{_one('state', before, scope)} → {_one('state', after, scope)}"
    if key == "workflow" and ":" in text:
        kind, number = text.rsplit(":", 1)
        return f"{_one('workflow', kind)} #{number}"
    if key == "url_name" and ":" in text:
        try:
            return reverse(text)
        except NoReverseMatch:
            return text.split(":", 1)[1].replace("_", " ")
    if key.startswith(FILTER_PREFIX):
        return _one(key.removeprefix(FILTER_PREFIX), value)
    if key == "action" and actions.is_known(text):
        return actions.label(text)
    if key == "target_type":
        return object_type(text)
    if key.endswith("_at") and "T" in text:
        try:
            return timezone.localtime(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return text
    if key in _RESOLVERS:
        return _RESOLVERS[key](text) or text
    shared = _SAME_VOCABULARY.get(key, key)
    scoped = _VALUES.get(f"{shared}@{scope}", {}) if scope else {}
    if text in scoped:
        return str(scoped[text])
    if key == "reason" and text not in _VALUES["reason"]:
        return _reason(text) or text
    vocabulary: Mapping[str, Any] = _VALUES.get(shared, {})
    label = vocabulary.get(text)
    return str(label) if label is not None else text


def value(key: str, raw: Any, scope: str = "") -> str:
    """One detail's value as a person reads it (a list joined with the Chinese comma);
    ``scope`` is the workflow or action whose words apply (``register_values``)."""
    if isinstance(raw, list):
        return "、".join(_one(key, item, scope) for item in raw) if raw else "—"
    return _one(key, raw, scope)


# How objects without a number are named in the log (``audit_label()`` of each model), and how
# a page says it. The stored label stays as it was hashed.
_LABELS: list[tuple[re.Pattern[str], Promise]] = [
    (re.compile(r"^draft (?P<x>[0-9a-f]+)$"), gettext_lazy("Draft %(x)s")),
    (re.compile(r"^grant (?P<x>\d+)$"), gettext_lazy("Grant %(x)s")),
    (re.compile(r"^break-glass (?P<x>\d+)$"), gettext_lazy("Emergency access %(x)s")),
    (re.compile(r"^transfer (?P<x>\d+)$"), gettext_lazy("File hand-over %(x)s")),
    (re.compile(r"^handover (?P<x>\d+)$"), gettext_lazy("Hand-over on leaving %(x)s")),
    (re.compile(r"^hold (?P<x>.+)$"), gettext_lazy("Legal hold %(x)s")),
    (re.compile(r"^share link (?P<x>.+)$"), gettext_lazy("Delivery link of %(x)s")),
    (
        re.compile(r"^processing record v(?P<x>\d+)$"),
        gettext_lazy("Record of processing, version %(x)s"),
    ),
    (re.compile(r"^consent (?P<x>\d+)$"), gettext_lazy("Consent %(x)s")),
    (re.compile(r"^import (?P<x>[0-9a-f]+)$"), gettext_lazy("Register import %(x)s")),
    (re.compile(r"^inventory round (?P<x>\d+)$"), gettext_lazy("Inventory round %(x)s")),
    (re.compile(r"^training (?P<x>\d+)$"), gettext_lazy("Training session %(x)s")),
    (re.compile(r"^pledge (?P<x>\d+)$"), gettext_lazy("Exit pledge %(x)s")),
    (re.compile(r"^paper$"), gettext_lazy("Paper folder")),
    (re.compile(r"^v(?P<x>\d+)$"), gettext_lazy("Version %(x)s")),
]


# Reasons written by the services as text with a code and a reference.
_REASONS: list[tuple[re.Pattern[str], Promise]] = [
    (re.compile(r"^returned \((?P<x>.+)\)$"), gettext_lazy("Returned with request %(x)s")),
    (re.compile(r"^access review: (?P<x>.*)$"), gettext_lazy("Access review: %(x)s")),
    (re.compile(r"^hand-over \((?P<x>.+)\)$"), gettext_lazy("Hand-over (%(x)s)")),
    (re.compile(r"^restricted: (?P<x>.+)$"), gettext_lazy("Kept for the law only: %(x)s")),
    (re.compile(r"^sign-in incomplete \((?P<x>.+)\)$"), gettext_lazy("Sign-in not finished")),
    (re.compile(r"^legal hold (?P<x>.+)$"), gettext_lazy("Legal hold %(x)s")),
]
_VALUES["reason"] = {
    "user": gettext_lazy("Signed out by the person"),
    "idle": gettext_lazy("Idle for too long"),
    "absolute": gettext_lazy("Longest session reached"),
    "locked_out": gettext_lazy("Locked out after failed sign-ins"),
    "legal_hold": gettext_lazy("Legal hold"),
    "statutory_retention": gettext_lazy("Kept as the law requires"),
    "consent withdrawn": gettext_lazy("Consent withdrawn"),
    "draft purged": gettext_lazy("Abandoned draft purged"),
    "emergency access reviewed": gettext_lazy("Emergency access reviewed"),
}


def _reason(text: str) -> str | None:
    for pattern, words in _REASONS:
        found = pattern.match(text)
        if found:
            inner = found.group("x")
            return str(words) % {"x": _one("reason", inner) if inner != text else inner}
    code, sep, rest = text.partition(": ")
    if sep and code in _VALUES["reason"]:
        return f"{_VALUES['reason'][code]}{_colon()}{rest}"
    return None


def target_label(label: str) -> str:
    """A stored object label as a page shows it (``draft 5f820b75`` -> 草稿 5F820B75)."""
    if " / " in label:
        return " / ".join(target_label(part) for part in label.split(" / "))
    for pattern, words in _LABELS:
        found = pattern.match(label)
        if found:
            part = found.groupdict().get("x", "")
            # A draft's id reads better in capitals; a case or request reference keeps its own.
            return str(words) % {"x": part.upper() if label.startswith("draft ") else part}
    rule_code, _sep, hour = label.partition(" ")
    if rule_code in RULES:
        return f"{rule(rule_code)} {hour}"
    if key_policy := _RESOLVERS.get("policy"):
        return key_policy(label) or label
    return label


def counts(raw: Mapping[str, Any]) -> str:
    """A job run's counts on one line ("已封存 12 · 区块 1"), in the reader's language."""
    colon = _colon()
    return " · ".join(f"{value('count', key)}{colon}{item}" for key, item in raw.items())


def _scope(key: str, raw: Mapping[str, Any], action: str) -> str:
    """Where a detail's code is meant: a state in its workflow, a reason in its action."""
    if key in ("moved", "state") and ":" in str(raw.get("workflow", "")):
        return str(raw["workflow"]).rsplit(":", 1)[0]
    return action


def details(raw: Mapping[str, Any], action: str = "") -> list[tuple[str, str]]:
    """An event's details as (label, value) pairs, in the reader's language."""
    return [(_label(key), value(key, item, _scope(key, raw, action))) for key, item in raw.items()]


def details_text(raw: Mapping[str, Any], action: str = "") -> str:
    """The details on one line, for the CSV export: ``标签：值；标签：值``."""
    colon = _colon()
    return _("; ").join(f"{label}{colon}{text}" for label, text in details(raw, action))


def _colon() -> str:
    """The colon between a label and its value: full width in Chinese."""
    return _(": ")
