"""The durable, sealed mail outbox (issue 18 §7).

Django's mail API stays what every module calls (``send_mail``); settings point
``EMAIL_BACKEND`` here (config/mail.py), and the real backend (SMTP from ``EMAIL_URL``) becomes
``BAOMI_MAIL_DELIVERY_BACKEND``, used only by the worker:

- ``OutboxBackend.send_messages`` seals each message (records.crypto ``seal_blob``) into an
  ``OutboxMessage`` row in the caller's transaction, and asks the worker to deliver once that
  transaction commits. A web request therefore never talks to a mail server: an SMTP failure
  cannot turn a decision that was taken into an error page.
- ``deliver_pending`` (a worker task right after the commit, and every minute from beat) sends
  what is due, one row at a time under ``SELECT ... FOR UPDATE SKIP LOCKED`` so two workers
  never send the same mail, retries with growing pauses, and gives up after a day, which the
  operations watch reports.

django-post-office does the same job, but keeps every body and address in clear in its table;
an enrolment link or a customer's name in a mail is a secret at rest here (DESIGN: no plaintext
secrets at rest), so the outbox seals them and drops them once sent.
"""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from core.announcements import NotDelivered, Undeliverable
from records import crypto
from records.crypto import sealed
from records.ops import chat
from records.ops.models import OutboxMessage

log = logging.getLogger(__name__)

# Pauses between attempts: a mail server that is down for a day still gets every mail.
RETRY_PAUSES = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)


# Mail, chat messages and webhook notifications share this table and this context.
sealed.column(OutboxMessage, "sealed", lambda row: row.sealing_context, chunk=10)  # attachments


def _pack(message: EmailMessage) -> bytes:
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise ValueError("the outbox takes attachments as (name, content, mimetype)")
        name, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([name, base64.b64encode(raw).decode("ascii"), mimetype])
    return json.dumps(
        {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to),
            "headers": dict(message.extra_headers),
            "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
            "attachments": attachments,
        },
        ensure_ascii=False,
    ).encode()


def _unpack(data: bytes) -> EmailMultiAlternatives:
    fields = json.loads(data)
    message = EmailMultiAlternatives(
        subject=fields["subject"],
        body=fields["body"],
        from_email=fields["from_email"],
        to=fields["to"],
        cc=fields["cc"],
        bcc=fields["bcc"],
        reply_to=fields["reply_to"],
        headers=fields["headers"],
    )
    for content, mimetype in fields["alternatives"]:
        message.attach_alternative(content, mimetype)
    for name, content, mimetype in fields["attachments"]:
        message.attach(name, base64.b64decode(content), mimetype)
    return message


class OutboxBackend(BaseEmailBackend):
    """``EMAIL_BACKEND``: every message becomes a sealed outbox row; the worker sends it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            row = OutboxMessage(recipients=len(recipients))
            row.sealed = crypto.seal_blob(row.sealing_context, _pack(message))
            row.save()
            stored += 1
        if stored:
            transaction.on_commit(deliver_soon)
        return stored


def deliver_soon() -> None:
    from core.tasks import enqueue
    from records.ops.tasks import send_outbox

    enqueue(send_outbox)  # broker down: beat's minute entry delivers it later


def deliver_pending(limit: int = 200, budget_seconds: float = 120.0) -> dict[str, int]:
    """Send what is due, oldest first, for at most ``budget_seconds`` (the minute's next run
    goes on). Each row is claimed in a short transaction of its own, under ``SELECT ... FOR
    UPDATE SKIP LOCKED``, which also moves its next attempt forward: no other worker sends it
    meanwhile, no database transaction stays open while a mail server answers, and a worker
    killed in the middle of a send leaves a row that is simply retried later, never one that
    blocks the rest. Counts of sent, retried later and given up."""
    counts = {"sent": 0, "retry": 0, "gave_up": 0}
    connection = get_connection(
        getattr(
            settings, "BAOMI_MAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
        )
    )
    deadline = time.monotonic() + budget_seconds
    for _ in range(limit):
        if time.monotonic() > deadline:
            break
        row = _claim()
        if row is None:
            break
        counts[_attempt(row, connection)] += 1
    return counts


def _claim() -> OutboxMessage | None:
    with transaction.atomic():
        row = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "client")
            .filter(
                sent_at__isnull=True,
                gave_up_at__isnull=True,
                next_attempt_at__lte=timezone.now(),
            )
            .order_by("next_attempt_at", "created_at")
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        pause = RETRY_PAUSES[min(row.attempts, len(RETRY_PAUSES)) - 1]
        row.next_attempt_at = timezone.now() + pause
        row.save(update_fields=["attempts", "next_attempt_at"])
    return row


def _describe(error: Exception) -> str:
    """The failure without the message's content: its kind and the server's codes. An SMTP
    refusal's own text quotes the recipients' addresses, which are sealed here."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _text in error.recipients.values()})
        return f"{type(error).__name__}: {', '.join(codes)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    if isinstance(error, NotDelivered):  # already says only the code
        return f"{type(error).__name__}: {error}"
    if isinstance(error, OSError) and error.errno:
        return f"{type(error).__name__}: errno {error.errno} ({error.strerror})"
    return type(error).__name__


# How a notification to an integration client's webhook is sent: registered by the API wing
# (records/api/webhooks.py), which the outbox may not import.
WEBHOOK_SENDER: list[Callable[[OutboxMessage, bytes | memoryview], None]] = []


def _send(row: OutboxMessage, connection: Any) -> None:
    """A group-chat message to its robot (records/ops/chat.py), a notification to a client's
    webhook, anything else as a mail."""
    if row.channel_id is not None:
        chat.deliver(row, row.sealed or b"")
        return
    if row.client_id is not None:
        if not WEBHOOK_SENDER:
            raise NotDelivered("no webhook sender")  # never "sent" by a process not wired
        WEBHOOK_SENDER[0](row, row.sealed or b"")
        return
    message = _unpack(crypto.open_blob(row.sealing_context, row.sealed or b""))
    message.connection = connection
    message.send(fail_silently=False)


def _attempt(row: OutboxMessage, connection: Any) -> str:
    try:
        _send(row, connection)
    except Exception as error:  # any failure is a retry: the row keeps the mail
        row.last_error = _describe(error)[:300]
        if row.attempts > len(RETRY_PAUSES) or isinstance(error, Undeliverable):
            OutboxMessage.objects.filter(pk=row.pk).update(
                last_error=row.last_error, gave_up_at=timezone.now()
            )
            log.error("mail %s given up after %s attempts", row.pk, row.attempts)
            return "gave_up"
        OutboxMessage.objects.filter(pk=row.pk).update(last_error=row.last_error)
        log.warning("mail %s not sent (attempt %s), retried later", row.pk, row.attempts)
        return "retry"
    # Delivered: the content goes.
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=timezone.now(), sealed=None)
    return "sent"
