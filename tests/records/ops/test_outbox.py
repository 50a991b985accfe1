"""The durable, sealed mail outbox (issue 18 §7): mail is written in the transaction that
decides it, sealed at rest, sent by the worker, retried when the server is down, never sent for
work that was rolled back, and dropped from the database once delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from records.ops import outbox
from records.ops.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "enrol-7Qx9LinkTokenThatMustNotSitInClear"


@pytest.fixture
def through_the_outbox(settings, monkeypatch):
    """Production's mail path: the outbox in front, the test's mailbox behind it. The call
    that would queue the worker's task after the commit is counted (the test plays the
    worker by calling ``deliver_pending``; tests/integration runs the real one)."""
    settings.EMAIL_BACKEND = "records.ops.outbox.OutboxBackend"
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    queued: list[int] = []
    monkeypatch.setattr(outbox, "deliver_soon", lambda: queued.append(1))
    return queued


def _send(subject: str = "您的登录链接") -> None:
    send_mail(subject, f"https://baomi.example.com/accounts/enrol/{TOKEN}/", None,
              ["zhang.wei@example.cn"])  # fmt: skip


def _database_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM records_outboxmessage")
        return " ".join(bytes(row[0] or b"").decode("latin-1") for row in cursor.fetchall())


def test_i18_7_a_mail_waits_sealed_in_the_outbox_and_the_worker_sends_it(through_the_outbox):
    _send()
    assert mail.outbox == []  # nothing left the machine during the "request"
    assert through_the_outbox == [1]  # the worker is asked once the transaction committed
    row = OutboxMessage.objects.get()
    assert row.recipients == 1
    stored = _database_text()
    assert TOKEN not in stored
    assert "zhang.wei@example.cn" not in stored
    assert outbox.deliver_pending() == {"sent": 1, "retry": 0, "gave_up": 0}
    assert [m.to for m in mail.outbox] == [["zhang.wei@example.cn"]]
    assert TOKEN in mail.outbox[0].body
    assert mail.outbox[0].subject == "您的登录链接"
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.sealed is None  # delivered: the content is gone from the database
    assert outbox.deliver_pending() == {"sent": 0, "retry": 0, "gave_up": 0}  # sent once


def test_i18_7_a_rolled_back_decision_sends_no_mail(through_the_outbox):
    def decide_then_fail() -> None:
        with transaction.atomic():
            _send()
            raise RuntimeError("the decision failed after the mail was written")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert OutboxMessage.objects.count() == 0
    assert through_the_outbox == []
    outbox.deliver_pending()
    assert mail.outbox == []


def test_i18_7_a_mail_server_that_is_down_loses_nothing(through_the_outbox, settings):
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "tests.records.ops.test_outbox.DownBackend"
    _send()
    assert outbox.deliver_pending() == {"sent": 0, "retry": 1, "gave_up": 0}
    row = OutboxMessage.objects.get()
    assert row.attempts == 1
    assert "Connection refused" in row.last_error
    assert TOKEN not in row.last_error
    assert row.next_attempt_at > timezone.now()  # it waits before the next attempt
    assert outbox.deliver_pending()["retry"] == 0  # not due yet
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox.deliver_pending()["sent"] == 1
    assert len(mail.outbox) == 1


def test_i18_7_after_a_day_of_failures_the_outbox_gives_up_and_says_so(
    through_the_outbox, settings
):
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "tests.records.ops.test_outbox.DownBackend"
    _send()
    for _ in outbox.RETRY_PAUSES:
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox.deliver_pending()["retry"] == 1
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox.deliver_pending()["gave_up"] == 1
    assert OutboxMessage.objects.get().gave_up_at is not None


def test_i18_7_a_refused_address_is_not_kept_in_clear(through_the_outbox, settings):
    """An SMTP refusal quotes the addresses it refused; the outbox keeps the codes only."""
    settings.BAOMI_MAIL_DELIVERY_BACKEND = "tests.records.ops.test_outbox.RefusingBackend"
    _send()
    assert outbox.deliver_pending()["retry"] == 1
    kept = OutboxMessage.objects.get().last_error
    assert kept == "SMTPRecipientsRefused: 550"
    assert "zhang.wei" not in kept


class RefusingBackend:
    """A mail server that refuses the recipient, quoting it."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        address = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({address: (550, f"<{address}> unknown".encode())})


class DownBackend:
    """A mail server that refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
