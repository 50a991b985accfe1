"""Outgoing webhooks (issue 21 §2): a client with the ``webhooks:receive`` scope hears when a
file of its departments is approved, returned or destroyed, and when a request about such a
file is decided.

What happened is read off the audit log as it is written (``audit.api.recorded``): the one
record of every decision, so no service needs a call of its own. Each notification is an
outbox row written in the deciding transaction (records/ops/outbox.py), sent by the worker
with the mail's retries, and signed:

    X-Baomi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>

The client checks the signature with the secret it was given once, and refuses a ``t`` more
than five minutes old (replays). A notification carries numbers and states, never a customer
value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from access import policy
from access.models import AccessRequest
from access.policy import Scope
from audit.api import recorded
from audit.models import AuditEvent
from core.announcements import NotDelivered, Undeliverable
from records import crypto
from records.api import pinned
from records.api.models import ClientReference, IntegrationClient
from records.crypto import sealed
from records.models import CustomerRecord, OutboxMessage

TIMEOUT_SECONDS = 10
NO_LONGER_ALLOWED = "client no longer allowed"  # revoked, expired, or without the scope
FILE_EVENTS = {
    "record.approve": "file.approved",
    "record.return": "file.returned",
    "record.destroy": "file.destroyed",
}
REQUEST_EVENTS = {"request.approve": "request.approved", "request.reject": "request.rejected"}
# The outbox's "ask the worker once this commits" (records.ops.outbox.deliver_soon), wired by
# records/apps.py: a wing may not import another, and a task looked up by name is not known in
# a web process that never imported it.
DELIVER_SOON: list[Callable[[], None]] = []


def secret_context(client_id: int) -> str:
    return f"webhook-secret:{client_id}"


sealed.column(IntegrationClient, "webhook_secret", lambda client: secret_context(client.pk))


def _subscribers() -> list[IntegrationClient]:
    found = IntegrationClient.objects.filter(revoked_at__isnull=True).exclude(webhook_url="")
    return [client for client in found if policy.decide_scope(client, Scope.WEBHOOKS)]


def _file(record: CustomerRecord, client: IntegrationClient) -> dict[str, Any]:
    reference = (
        ClientReference.objects.filter(client=client, record=record)
        .values_list("reference", flat=True)
        .first()
    )
    return {
        "id": str(record.pk),
        "archive_number": record.archive_number or None,
        "reference": reference,
        "status": record.status,
        "level": int(record.tier),
    }


@receiver(recorded, dispatch_uid="baomi.records.api.webhooks")
def on_event(sender: type, event: AuditEvent, **kwargs: object) -> None:
    name = FILE_EVENTS.get(event.action) or REQUEST_EVENTS.get(event.action)
    if name is None or (event.action == "request.approve" and not event.details.get("final")):
        return
    clients = _subscribers()
    if not clients:
        return
    base = {"event": name, "occurred_at": event.occurred_at.isoformat()}
    if event.action in FILE_EVENTS:
        record = CustomerRecord.objects.filter(pk=event.target_id).first()
        if record is None:
            return
        for client in clients:
            if policy.decide_api(client, Scope.WEBHOOKS, record.department_id):
                _queue(client, name, {**base, "file": _file(record, client)})
        return
    req = AccessRequest.objects.filter(pk=event.target_id).first()
    if req is None:
        return
    records = list(CustomerRecord.objects.filter(request_items__request=req))
    for client in clients:
        mine = [r for r in records if policy.decide_api(client, Scope.WEBHOOKS, r.department_id)]
        if mine:
            payload = {
                **base,
                "request": {"number": req.number, "kind": req.kind, "state": req.state},
                "files": [_file(record, client) for record in mine],
            }
            _queue(client, name, payload)


def _queue(client: IntegrationClient, name: str, payload: dict[str, Any]) -> None:
    row = OutboxMessage(client=client, topic=name, recipients=1)
    payload = {"id": str(row.pk), **payload}
    row.sealed = crypto.seal_blob(row.sealing_context, json.dumps(payload).encode())
    row.save()
    for deliver_soon in DELIVER_SOON:
        transaction.on_commit(deliver_soon)


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(row: OutboxMessage, sealed_payload: bytes | memoryview) -> None:
    """POST one notification; ``NotDelivered`` (the outbox retries) unless the answer is 2xx."""
    client = row.client
    if client is not None:  # revoked a moment ago, after the row was claimed: read it again
        client.refresh_from_db(fields=["revoked_at", "expires_at", "scopes", "webhook_url"])
    if client is None or not policy.decide_scope(client, Scope.WEBHOOKS):
        raise Undeliverable(NO_LONGER_ALLOWED)
    if not client.webhook_url or not client.webhook_secret:
        raise Undeliverable(NO_LONGER_ALLOWED)
    body = crypto.open_blob(row.sealing_context, sealed_payload)
    secret = crypto.open_blob(secret_context(client.pk), client.webhook_secret)
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked when issued
        client.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Baomi-Webhooks/1",
            "X-Baomi-Event": row.topic,
            "X-Baomi-Delivery": str(row.pk),
            "X-Baomi-Signature": signature(secret, int(time.time()), body),
        },
    )
    try:
        with _opener_for(client.webhook_url).open(request, timeout=TIMEOUT_SECONDS):
            return
    except urllib.error.HTTPError as error:
        raise NotDelivered(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise NotDelivered(f"unreachable ({type(reason).__name__})") from None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not an instruction: a receiver cannot send the worker elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener_for(url: str) -> Any:
    """The host is resolved here, once: the connection goes to the address checked
    (records/api/pinned.py), so a name cannot answer a public address to the check and the
    worker's own network to the connection."""
    found = pinned.addresses(urllib.parse.urlsplit(url).hostname or "")
    inside = bool(found) and not pinned.all_public(found) and not _internal_allowed()
    if inside:
        raise Undeliverable("address not allowed (internal network)")
    if pinned.proxied(url):
        return pinned.proxy_opener(_NoRedirects)  # the proxy connects (records/api/pinned.py)
    if not found:
        raise NotDelivered("unreachable (name not resolved)")
    return pinned.opener_to(found, _NoRedirects)


def _internal_allowed() -> bool:
    return bool(getattr(settings, "BAOMI_WEBHOOK_ALLOW_INTERNAL", False))  # config/connect.py


def internal_address(url: str) -> bool:
    """Whether ``url``'s host is (or resolves to) a loopback, link-local, private or otherwise
    non-public address: the worker's own network, which a webhook must not reach unless the
    operator allows it (an intranet CRM). Unresolvable counts as internal."""
    return not pinned.all_public(pinned.addresses(urllib.parse.urlsplit(url).hostname or ""))


def new_secret() -> str:
    return "whsec_" + uuid.uuid4().hex + uuid.uuid4().hex


def recent(limit: int = 50) -> list[OutboxMessage]:
    """The delivery log the security officer reads: the latest notifications and their fate."""
    rows = OutboxMessage.objects.filter(client__isnull=False).select_related("client")
    return list(rows.order_by("-created_at")[:limit])
