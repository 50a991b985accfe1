"""The one way to write an audit event: ``audit.record(actor, action, target, **details)``.

The request it came from is read from core.request_context (set for every request by its
middleware), and what the target says about itself (``audit_context()``: a client file's
department and level) is added: no call site passes either.

It refuses unknown actions and detail keys that look like secrets or customer data, so that
the log can be shown to auditors (who never see customer content) and kept for years. Targets
are named by type, id and a *safe* label: an object provides ``audit_label()`` (for a client
file, its archive number) or is named by type and id only, never by ``str()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.http import HttpRequest

from audit import actions
from audit.models import AuditEvent
from core import identifiers
from core.request_context import client_ip, current_request, user_agent

MAX_DETAIL_TEXT = 500
MAX_DETAIL_DEPTH = 4

# Words that name a secret or a customer's personal data. Details hold facts about the action
# (counts, reasons, versions, URL names), never the data itself.
_SECRET_WORDS = frozenset(
    [
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "otp",
        "totp",
        "pin",
        "credential",
        "credentials",
        "session",
        "cookie",
        "csrf",
        "apikey",
        "privatekey",
        "backupcode",
        "idnumber",
        "idcard",
        "phone",
        "mobile",
        "telephone",
        "tel",
        "email",
        "mail",
        "address",
        "bank",
        "card",
        "iban",
        "credit",
        "salary",
        "income",
        "health",
        "religion",
        "political",
        "politics",
        "birth",
        "birthday",
        "identity",
        "ssn",
        "accountnumber",
        "身份证",
        "手机",
        "电话",
        "银行卡",
        "地址",
        "密码",
    ]
)
_SECRET_PAIRS = frozenset(
    {
        ("backup", "code"),
        ("api", "key"),
        ("private", "key"),
        ("id", "number"),
        ("id", "no"),
        ("id", "card"),
        ("account", "number"),
        ("account", "no"),
    }
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def looks_secret(key: str) -> bool:
    """Whether a detail key names a secret or personal data (word by word, not substrings)."""
    tokens = [token for token in _TOKEN_SPLIT.split(key.lower()) if token]
    if any(token in _SECRET_WORDS for token in tokens):
        return True
    return any(pair in _SECRET_PAIRS for pair in pairwise(tokens))


class AuditError(ValueError):
    """An event that must not be written as asked (unknown action, secret-looking detail)."""


@dataclass(frozen=True)
class Target:
    type: str
    id: str
    label: str = ""


def target_of(obj: object) -> Target | None:
    if obj is None or isinstance(obj, Target):
        return obj
    if isinstance(obj, models.Model):
        meta = obj._meta
        label_source = getattr(obj, "audit_label", None)
        label = str(label_source() if callable(label_source) else label_source or "")
        return Target(type=f"{meta.app_label}.{meta.model_name}", id=str(obj.pk), label=label)
    raise AuditError(f"cannot name {type(obj).__name__} as an audit target")


def context_of(obj: object) -> dict[str, Any]:
    """Details an object adds to every event about it (``audit_context()``, e.g. a client file's
    department and level), so that no call site has to remember them."""
    method = getattr(obj, "audit_context", None)
    return dict(method()) if callable(method) else {}


def _check_details(value: Any, path: str = "", depth: int = 0) -> Any:
    if depth > MAX_DETAIL_DEPTH:
        raise AuditError(f"audit details nested too deeply at {path or 'top'}")
    if isinstance(value, dict):
        checked = {}
        for key, item in value.items():
            key = str(key)
            if looks_secret(key):
                raise AuditError(
                    f"audit detail key {path + key!r} looks like a secret or personal data"
                )
            checked[key] = _check_details(item, f"{path}{key}.", depth + 1)
        return checked
    if isinstance(value, list | tuple):
        return [_check_details(item, path, depth + 1) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise AuditError("audit detail text may not contain NUL characters")
        # Forms refuse identifiers in free text; whatever still arrives is masked, because the
        # log outlives the file (crypto-shredding cannot reach it).
        return identifiers.mask(value)[:MAX_DETAIL_TEXT]
    raise AuditError(
        f"audit detail {path.rstrip('.') or 'value'} must be text, an integer, true/false, "
        f"a list or a mapping, not {type(value).__name__}"
    )


def _actor_snapshot(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_number": "", "actor_department": ""}
    department = getattr(actor, "department", None)
    return {
        "actor": actor,
        "actor_name": actor.get_full_name()[:150],
        "actor_number": (getattr(actor, "employee_number", "") or "")[:32],
        "actor_department": (str(department) if department is not None else "")[:100],
    }


def _request_context() -> dict[str, Any]:
    """Where the event came from: the request being served (core.request_context holds it for
    the whole request, set by its middleware), or nothing for a background job."""
    request = current_request()
    if request is None:
        return {"ip_address": None, "user_agent": "", "request_id": ""}
    return {
        "ip_address": client_ip(request),
        "user_agent": user_agent(request),
        "request_id": getattr(request, "request_id", "")[:32],
    }


def _event(
    actor: Any,
    action: str,
    target: object | None,
    details: dict[str, Any],
    origin: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, checked: a known action, safe details, the target's own context.
    ``origin``: who and where from, when many events share it (``record_many``)."""
    if not actions.is_known(action):
        raise AuditError(f"unknown audit action {action!r}: add it to audit/actions.py")
    named = target_of(target)
    context = context_of(target)
    repeated = sorted(context.keys() & details.keys())
    if repeated:
        raise AuditError(f"{repeated} come from the target's audit_context(); do not pass them")
    details = {**context, **details}
    return AuditEvent(
        action=action,
        target_type=named.type if named else "",
        target_id=named.id[:64] if named else "",
        target_label=named.label[:200] if named else "",
        details=_check_details(details),
        **(origin or {**_actor_snapshot(actor), **_request_context()}),
    )


def record(
    actor: Any,
    action: str,
    target: object | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction: if that rolls back, so does this."""
    event = _event(actor, action, target, details)
    event.save()
    _seal_soon()
    if recorded.receivers:
        recorded.send(sender=AuditEvent, event=event)
    return event


# Sent with ``event=`` after each ``record`` (in the caller's transaction): what other systems
# hear about (records/api/webhooks.py) follows the one log of what happened, instead of a call
# in every service. ``record_many`` (bulk imports) sends nothing.
recorded = Signal()


def record_many(
    actor: Any, action: str, targets: list[tuple[object, dict[str, Any]]]
) -> list[AuditEvent]:
    """One event per (target, details), written in one statement: a bulk operation (an import
    of thousands of files) still leaves one event per file, checked like any other."""
    origin = {**_actor_snapshot(actor), **_request_context()}
    events = AuditEvent.objects.append_checked(
        [_event(actor, action, target, dict(details), origin) for target, details in targets]
    )
    _seal_soon()
    return events


def _seal_soon() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Embedded mode has no beat: chain the event as soon as it is committed.
        transaction.on_commit(_seal_now)


def _seal_now() -> None:
    from audit.chain import seal_pending

    seal_pending()


def record_denied(request: HttpRequest, reason: str) -> AuditEvent:
    """The ``access.denied`` event of a refused request (403, or a 404 that hides an object),
    naming the URL pattern, never the query string."""
    from django.urls import Resolver404, resolve

    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    user = getattr(request, "user", None)
    return record(
        user if user is not None and user.is_authenticated else None,
        "access.denied",
        url_name=match.view_name if match else "",
        method=request.method,
        reason=reason,
    )
