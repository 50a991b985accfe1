"""Alerts in WeCom and DingTalk group chats (issue 21 §3).

The security officer connects a group robot (企业微信群机器人: its webhook key; 钉钉自定义机器人:
its access token and 加签 signing secret) and chooses the topics it carries. An announcement
(``core.announcements``) becomes one sealed outbox row per subscribed robot, in the deciding
transaction; the worker delivers it with the mail, retried with the same pauses
(records/ops/outbox.py).

The server only ever posts to the two endpoints in settings (``BAOMI_WECOM_WEBHOOK_URL``,
``BAOMI_DINGTALK_WEBHOOK_URL``): what the officer types is a key or a token, and a pasted
webhook address is accepted only when it points at that endpoint. A form can therefore not
turn the worker into a client of an internal address.

Formats as the vendors document them: WeCom ``{"msgtype": "markdown", "markdown": {"content"}}``
to ``.../webhook/send?key=KEY``; DingTalk ``{"msgtype": "markdown", "markdown": {"title",
"text"}}`` to ``.../robot/send?access_token=T&timestamp=MS&sign=S`` where ``S`` is the
URL-encoded base64 HMAC-SHA256 of ``"{MS}\\n{secret}"`` keyed with the secret. Both answer
``{"errcode": 0}`` when the message was taken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from core.announcements import Announcement, NotDelivered, Topic, Undeliverable, announced
from core.refusals import Refused
from records import crypto
from records.crypto import sealed
from records.ops.models import ChatChannel, OutboxMessage

TIMEOUT_SECONDS = 10
# WeCom takes at most 4,096 bytes of markdown; DingTalk about 20,000. Announcements are short.
MAX_LINES = 12
MAX_LINE = 200


class ChatNotDelivered(NotDelivered):
    """The robot's endpoint did not take the message (its code, never the key or the text)."""


@dataclass(frozen=True)
class Address:
    """What posting needs: the key (WeCom) or access token and secret (DingTalk)."""

    key: str
    secret: str = ""


def _config_context(channel_id: int) -> str:
    return f"chat-channel:{channel_id}"


sealed.column(ChatChannel, "sealed", lambda channel: _config_context(channel.pk))


# --- Reading what the officer typed ---------------------------------------------------------


def _endpoint(kind: str) -> str:
    """The configured endpoint (config/mail.py); only http(s), whatever the settings say."""
    name = (
        "BAOMI_WECOM_WEBHOOK_URL"
        if kind == ChatChannel.Kind.WECOM
        else "BAOMI_DINGTALK_WEBHOOK_URL"
    )
    url = str(getattr(settings, name, ""))
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ChatNotDelivered(f"{name} is not an http(s) address")
    return url


def read_key(kind: str, typed: str) -> str:
    """The key (WeCom) or access token (DingTalk) from what was typed: the bare value, or the
    webhook address the chat app shows, which must point at the configured endpoint."""
    typed = typed.strip()
    parameter = "key" if kind == ChatChannel.Kind.WECOM else "access_token"
    if "://" in typed:
        try:
            given = urllib.parse.urlsplit(typed)
            given.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            given = urllib.parse.urlsplit("")
        expected = urllib.parse.urlsplit(_endpoint(kind))
        if (given.scheme, given.netloc, given.path.rstrip("/")) != (
            expected.scheme,
            expected.netloc,
            expected.path.rstrip("/"),
        ):
            raise Refused(
                _("This is not a %(kind)s robot address: it should start with %(endpoint)s.")
                % {"kind": ChatChannel.Kind(kind).label, "endpoint": _endpoint(kind)}
            )
        values = urllib.parse.parse_qs(given.query).get(parameter, [])
        typed = values[0].strip() if values else ""
    if not typed or len(typed) > 200 or not all(c.isalnum() or c in "-_" for c in typed):
        raise Refused(
            _("The address has no robot key. Copy the whole webhook address from the robot.")
            if kind == ChatChannel.Kind.WECOM
            else _("The address has no access token. Copy the whole webhook address.")
        )
    return typed


def _address(channel: ChatChannel) -> Address:
    fields = json.loads(crypto.open_blob(_config_context(channel.pk), channel.sealed or b""))
    return Address(fields["key"], fields.get("secret", ""))


# --- The officer's actions ------------------------------------------------------------------


@transaction.atomic
def connect(
    actor: Any, *, name: str, kind: str, address: str, secret: str, topics: list[str]
) -> ChatChannel:
    """Connect a robot: its key sealed, its topics chosen, the act in the audit log."""
    key = read_key(kind, address)
    secret = secret.strip()
    if kind == ChatChannel.Kind.DINGTALK and not secret:
        raise Refused(
            _(
                "A DingTalk robot needs its signing secret (it starts with SEC): "
                "Baomi signs every message with it."
            )
        )
    chosen = [topic for topic in Topic if topic in topics]
    if not chosen:
        raise Refused(_("Choose at least one kind of alert for this group."))
    channel = ChatChannel.objects.create(
        name=name.strip(), kind=kind, topics=[str(t) for t in chosen], created_by=actor,
        hint=key[-4:],
    )  # fmt: skip
    config = json.dumps({"key": key, "secret": secret}).encode()
    channel.sealed = crypto.seal_blob(_config_context(channel.pk), config)
    channel.save(update_fields=["sealed"])
    audit.record(actor, "alerts.channel_added", channel, kind=kind, topics=channel.topics)
    return channel


@transaction.atomic
def disconnect(actor: Any, channel: ChatChannel) -> None:
    """Remove a robot: its key is dropped at once, its messages not yet sent are not sent."""
    if channel.removed_at is not None:
        return
    channel.removed_at, channel.sealed = timezone.now(), None
    channel.save(update_fields=["removed_at", "sealed"])
    OutboxMessage.objects.filter(channel=channel, sent_at__isnull=True).update(
        gave_up_at=timezone.now(), sealed=None, last_error="channel removed"
    )
    audit.record(actor, "alerts.channel_removed", channel, kind=channel.kind)


@transaction.atomic
def send_test(actor: Any, channel: ChatChannel) -> None:
    """A test message, through the outbox like any other: its delivery shows in the log."""
    if channel.removed_at is not None:
        raise Refused(_("This robot was removed."))
    _queue(
        channel,
        "test",
        {
            "title": "测试消息",
            "lines": [
                f"这是保密系统发往本群（{channel.name}）的测试消息。",
                "收到即表示告警可以送达。",
            ],
            "path": "/",
        },
    )  # fmt: skip
    audit.record(actor, "alerts.channel_tested", channel, kind=channel.kind)


def topic_label(code: str) -> str:
    known = {str(topic): topic.label for topic in Topic}
    return known.get(code) or _("Test message")


def topic_labels(channel: ChatChannel) -> list[str]:
    return [topic_label(code) for code in channel.topics]


def active() -> list[ChatChannel]:
    return list(ChatChannel.objects.filter(removed_at__isnull=True).order_by("created_at"))


# --- Announcements into the outbox ----------------------------------------------------------


@receiver(announced, dispatch_uid="baomi.records.ops.chat")
def queue_announcement(sender: Topic, announcement: Announcement, **kwargs: object) -> None:
    """Every robot subscribed to the topic gets the announcement, in the caller's transaction."""
    payload = {
        "title": announcement.title,
        "lines": list(announcement.lines),
        "path": announcement.path,
    }
    for channel in active():
        if str(announcement.topic) in channel.topics:
            _queue(channel, str(announcement.topic), payload)


def _queue(channel: ChatChannel, topic: str, payload: dict[str, Any]) -> None:
    row = OutboxMessage(channel=channel, topic=topic, recipients=1)
    row.sealed = crypto.seal_blob(row.sealing_context, json.dumps(payload).encode())
    row.save()
    from records.ops.outbox import deliver_soon

    transaction.on_commit(deliver_soon)


# --- Delivery (the worker) ------------------------------------------------------------------


def _markdown(payload: dict[str, Any]) -> tuple[str, str]:
    """(title, markdown text) in the form both apps render: a bold title, quoted lines, a link."""
    title = f"【保密系统】{str(payload['title'])[:MAX_LINE]}"
    lines = [str(line)[:MAX_LINE] for line in payload.get("lines", [])[:MAX_LINES]]
    base = str(getattr(settings, "BAOMI_PUBLIC_URL", "")).rstrip("/")
    path = str(payload.get("path") or "/")
    link = f"[在保密系统中查看]({base}{path})" if base else f"请登录保密系统查看：{path}"
    text = "\n".join([f"**{title}**", "", *(f"> {line}" for line in lines), "", link])
    return title, text


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 HMAC-SHA256 of ``"{timestamp}\\n{secret}"`` keyed with the secret."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _request(channel: ChatChannel, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    address = _address(channel)
    title, text = _markdown(payload)
    endpoint = _endpoint(channel.kind)
    if channel.kind == ChatChannel.Kind.WECOM:
        url = f"{endpoint}?{urllib.parse.urlencode({'key': address.key})}"
        return url, {"msgtype": "markdown", "markdown": {"content": text}}
    stamp = int(time.time() * 1000)
    query = {
        "access_token": address.key,
        "timestamp": stamp,
        "sign": dingtalk_signature(address.secret, stamp),
    }
    url = f"{endpoint}?{urllib.parse.urlencode(query)}"
    return url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def deliver(row: OutboxMessage, sealed_payload: bytes | memoryview) -> None:
    """Post one message; ``ChatNotDelivered`` (the outbox retries) unless the robot took it."""
    channel = row.channel
    if channel is None or channel.removed_at is not None or not channel.sealed:
        raise Undeliverable("channel removed")
    payload = json.loads(crypto.open_blob(row.sealing_context, sealed_payload))
    url, body = _request(channel, payload)
    request = urllib.request.Request(  # noqa: S310 - http(s) only, see _endpoint
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        # The scheme is checked (``_endpoint``): http(s) only.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read(65536) or b"{}")
    except urllib.error.HTTPError as error:
        raise ChatNotDelivered(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChatNotDelivered(f"unreachable ({type(reason).__name__})") from None
    except ValueError:
        raise ChatNotDelivered("answer is not JSON") from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        # The code only: WeCom's message text quotes the calling address.
        raise ChatNotDelivered(f"errcode {code}")
