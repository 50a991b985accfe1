"""Issuing, finding and revoking integration clients (issue 21 §2).

A token is 32 random bytes (``secrets.token_urlsafe``) behind a short ``bm_`` prefix that lets
people and secret scanners recognise it. Only its SHA-256 is stored: a token has the entropy of
a key, so a slow password hash would add nothing but latency to every call, and the database
never holds anything that opens the API."""

from __future__ import annotations

import hashlib
import secrets
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import audit
from access.models import Department, User
from access.policy import Scope
from core.refusals import Refused
from records import crypto
from records.api import webhooks
from records.api.models import IntegrationClient
from records.models import OutboxMessage

PREFIX = "bm_"
REVOKED = "client revoked"  # the outbox's last error of what revoking stopped


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    client: IntegrationClient
    token: str  # shown once, never stored
    webhook_secret: str = ""  # shown once; stored sealed (the HMAC key must be read to sign)


def _check_webhook_url(url: str) -> str:
    url = url.strip()
    where = _("Give the https:// address where the system listens.")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise Refused({"webhook_url": [where]}) from None
    plain = getattr(settings, "BAOMI_WEBHOOK_ALLOW_HTTP", False)  # config/connect.py
    allowed = ("https", "http") if plain else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise Refused({"webhook_url": [where]})
    if parts.username or parts.password:
        raise Refused({"webhook_url": [_("No user name or password in the address.")]})
    if webhooks.internal_address(url) and not getattr(
        settings, "BAOMI_WEBHOOK_ALLOW_INTERNAL", False
    ):
        inside = _(
            "This address is inside the company's network (or unknown). Ask the operator to "
            "allow internal addresses, or use the system's public address."
        )
        raise Refused({"webhook_url": [inside]})
    return url


@transaction.atomic
def issue(
    actor: User,
    *,
    name: str,
    scopes: list[str],
    departments: list[Department],
    expires_on: date | None,
    rate_per_minute: int,
    webhook_url: str = "",
) -> Issued:
    """A new client with its service identity and token; the act in the audit log."""
    name = name.strip()
    if IntegrationClient.objects.filter(name=name).exists():
        raise Refused({"name": [_("A client with this name exists. Choose another name.")]})
    chosen = [str(scope) for scope in Scope if str(scope) in scopes]
    if not chosen:
        raise Refused({"scopes": [_("Choose at least one thing this client may do.")]})
    if not departments:
        raise Refused({"departments": [_("Choose the departments this client acts for.")]})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise Refused({"expires_on": [_("The expiry date must be in the future.")]})
    wants_webhooks = str(Scope.WEBHOOKS) in chosen
    if wants_webhooks:
        webhook_url = _check_webhook_url(webhook_url)
    elif webhook_url.strip():
        raise Refused({"webhook_url": [_("Tick notifications too, or leave the address empty.")]})
    with translation.override("zh-hans"):  # stored once, as the company writes names
        shown_as = _("%(name)s (integration)") % {"name": name}
    identity = User(
        username=f"api-{uuid.uuid4().hex[:12]}",
        full_name=shown_as,
        is_active=False,  # cannot sign in, is asked for nothing, appears in no directory
    )
    identity.set_unusable_password()
    identity.save()
    token = PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
    try:
        with transaction.atomic():  # the same name sent twice at once (a double click)
            client = IntegrationClient.objects.create(
                name=name, service_user=identity, scopes=chosen, token_hash=digest(token),
                token_prefix=token[:8], rate_per_minute=rate_per_minute, expires_at=expires_at,
                created_by=actor, webhook_url=webhook_url if wants_webhooks else "",
            )  # fmt: skip
    except IntegrityError:
        raise Refused(
            {"name": [_("A client with this name exists. Choose another name.")]}
        ) from None
    client.departments.set(departments)
    secret = ""
    if wants_webhooks:
        secret = webhooks.new_secret()
        client.webhook_secret = crypto.seal_blob(
            webhooks.secret_context(client.pk), secret.encode()
        )
        client.save(update_fields=["webhook_secret"])
    audit.record(
        actor,
        "api.client_issued",
        client,
        scopes=chosen,
        departments=sorted(str(d) for d in departments),
        expires_on=expires_on.isoformat() if expires_on else "",
    )
    return Issued(client, token, secret)


@transaction.atomic
def revoke(actor: User, client: IntegrationClient) -> None:
    """The token stops working at the next call."""
    if client.revoked_at is not None:
        return
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    # Notifications not yet sent are not sent: the system is no longer one of ours.
    OutboxMessage.objects.filter(
        client=client, sent_at__isnull=True, gave_up_at__isnull=True
    ).update(gave_up_at=client.revoked_at, sealed=None, last_error=REVOKED)
    audit.record(actor, "api.client_revoked", client)


def by_token(token: str) -> IntegrationClient | None:
    """The client a presented token belongs to (revoked and expired ones too: the policy says
    why they are refused)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    return (
        IntegrationClient.objects.select_related("service_user")
        .filter(token_hash=digest(token))
        .first()
    )
