"""Issue 21 §2: outgoing webhooks. The CRM hands a draft over through the API; when the head
approves the file, the CRM's receiver on loopback gets a notification signed with its secret
(checked here as a receiver should: HMAC of "<t>.<body>", t recent), carrying the archive number
and its own reference, never a customer value. A receiver that is down gets it later; a revoked
client gets nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from access.roles import Role
from audit.models import AuditEvent
from records import intake, review
from records.api import clients, webhooks
from records.models import CustomerRecord, OutboxMessage
from records.ops import outbox
from tests.factories import build_world, make_person
from tests.records.api.test_integration_api import Api, _draft, _no_customer_value

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """The CRM's webhook endpoint: it keeps what it accepted, refuses a bad signature with 401,
    and answers 503 while ``down`` is set."""

    def __init__(self) -> None:
        self.secret = b""
        self.accepted: list[dict] = []
        self.refused = 0
        self.down = 0
        self.moved = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.moved:  # a receiver trying to send the worker elsewhere
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                    return
                if receiver.down:
                    receiver.down -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                fields = dict(p.split("=", 1) for p in self.headers["X-Baomi-Signature"].split(","))
                expected = hmac.new(
                    receiver.secret, fields["t"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                fresh = abs(time.time() - int(fields["t"])) < 300
                if not (fresh and hmac.compare_digest(expected, fields["v1"])):
                    receiver.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.accepted.append(
                    {"event": self.headers["X-Baomi-Event"], **json.loads(body)}
                )
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/baomi-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings, monkeypatch):
    settings.BAOMI_WEBHOOK_ALLOW_HTTP = True
    settings.BAOMI_WEBHOOK_ALLOW_INTERNAL = True  # the receiver is on loopback
    monkeypatch.setattr(outbox, "deliver_soon", lambda: None)  # the test is the worker
    monkeypatch.setattr(webhooks, "DELIVER_SOON", [lambda: None])
    hook = Receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


@pytest.fixture
def world(db):
    return build_world()


def _crm(world, receiver):
    issued = clients.issue(
        world.officer, name="客户管理系统",
        scopes=["drafts:create", "records:status", "webhooks:receive"],
        departments=[world.dept], expires_on=None, rate_per_minute=60, webhook_url=receiver.url,
    )  # fmt: skip
    receiver.secret = issued.webhook_secret.encode()
    return issued


def test_i21_2_the_crm_receives_a_signed_webhook_when_the_head_approves(
    live_server, world, receiver
):
    issued = _crm(world, receiver)
    created = Api(live_server.url, issued.token).post("/drafts/", json=_draft())
    assert created.status_code == 201
    record = CustomerRecord.objects.get()
    intake.submit(world.sales, record)
    review.approve(world.head, record)
    record.refresh_from_db()
    assert outbox.deliver_pending()["sent"] == 1
    [note] = receiver.accepted
    assert note["event"] == "file.approved"
    assert note["file"]["archive_number"] == record.archive_number
    assert note["file"]["reference"] == "CRM-0001"
    assert note["file"]["status"] == "approved"
    _no_customer_value(json.dumps(note, ensure_ascii=False))
    assert receiver.refused == 0
    row = OutboxMessage.objects.get(client=issued.client)
    assert row.sent_at is not None
    assert row.sealed is None  # delivered: the content is gone


def test_i21_2_a_receiver_that_is_down_gets_the_notification_later(world, receiver):
    issued = _crm(world, receiver)
    from tests.factories import register

    record = register(world.sales)
    intake.submit(world.sales, record)
    receiver.down = 1
    review.return_for_correction(world.head, record, "请补充身份证复印件")
    assert outbox.deliver_pending() == {"sent": 0, "retry": 1, "gave_up": 0}
    row = OutboxMessage.objects.get(client=issued.client)
    assert row.last_error == "NotDelivered: HTTP 503"
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert outbox.deliver_pending()["sent"] == 1
    assert [n["event"] for n in receiver.accepted] == ["file.returned"]
    receiver.moved = True
    intake.submit(world.sales, record)  # corrected and sent again; the head approves
    review.approve(world.head, record)
    outbox.deliver_pending()
    moved = OutboxMessage.objects.filter(client=issued.client).latest("created_at")
    assert moved.last_error == "NotDelivered: HTTP 302"  # not followed
    assert receiver.accepted[0]["file"]["reference"] is None  # not one the CRM handed over


def test_i21_2_a_revoked_client_hears_nothing_more(world, receiver):
    issued = _crm(world, receiver)
    from tests.factories import register

    record = register(world.sales)
    intake.submit(world.sales, record)
    review.approve(world.head, record)  # queued while the client was in use
    clients.revoke(world.officer, issued.client)
    assert outbox.deliver_pending() == {"sent": 0, "retry": 0, "gave_up": 0}
    row = OutboxMessage.objects.get(client=issued.client)
    assert row.gave_up_at is not None
    assert row.sealed is None
    assert receiver.accepted == []
    other = register(world.sales, evidence=True)
    intake.submit(world.sales, other)
    review.approve(world.head, other)
    assert OutboxMessage.objects.filter(client=issued.client).count() == 1  # nothing new


def test_i21_2_notifications_need_an_https_address_and_the_scope(world, settings):
    from core.refusals import Refused

    settings.BAOMI_WEBHOOK_ALLOW_HTTP = False
    settings.BAOMI_WEBHOOK_ALLOW_INTERNAL = False
    common = {"name": "X", "departments": [world.dept], "expires_on": None,
              "rate_per_minute": 60}  # fmt: skip
    with pytest.raises(Refused, match="https"):
        clients.issue(world.officer, scopes=["webhooks:receive"],
                      webhook_url="http://crm.example.cn/hook", **common)  # fmt: skip
    with pytest.raises(Refused, match="Tick notifications"):
        clients.issue(world.officer, scopes=["records:status"],
                      webhook_url="https://crm.example.cn/hook", **common)  # fmt: skip
    for inside in ("https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://10.1.2.3/",
                   "https://[::1]/hook", "https://[/hook"):  # fmt: skip
        with pytest.raises(Refused):
            clients.issue(world.officer, scopes=["webhooks:receive"], webhook_url=inside, **common)
    issued = clients.issue(world.officer, scopes=["webhooks:receive"],
                           webhook_url="https://8.8.8.8/hook", **common)  # fmt: skip
    assert issued.webhook_secret.startswith("whsec_")
    assert issued.webhook_secret.encode() not in bytes(issued.client.webhook_secret)
    assert issued.webhook_secret not in str(AuditEvent.objects.values_list("details"))


def test_i21_2_a_decided_request_about_a_file_of_its_departments_is_notified(lending_org, receiver):
    from tests.records.circulation.test_borrowing import approve_all, borrow

    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    issued = clients.issue(
        officer, name="客户管理系统", scopes=["webhooks:receive"], departments=[lending_org.a],
        expires_on=None, rate_per_minute=60, webhook_url=receiver.url,
    )  # fmt: skip
    receiver.secret = issued.webhook_secret.encode()
    req = approve_all(borrow(lending_org), lending_org.head_a)
    outbox.deliver_pending()
    [note] = receiver.accepted
    assert note["event"] == "request.approved"
    assert note["request"] == {"number": req.number, "kind": "borrow", "state": "approved"}
    assert [f["archive_number"] for f in note["files"]] == [lending_org.file.archive_number]


def test_i21_2_a_notification_asks_the_worker_the_way_mail_does():
    """A web process that never imported the worker's task modules still queues the send:
    the notification uses the outbox's own call, wired when the app starts (a task looked up
    by name once gave a 500 after an approval had committed)."""
    from records.ops import outbox as the_outbox

    assert [the_outbox.deliver_soon] == webhooks.DELIVER_SOON


@pytest.mark.parametrize("no_proxy_for_it", [False, True], ids=["direct", "no_proxy-with-port"])
def test_i21_2_a_name_answering_another_address_at_delivery_is_not_followed_there(
    world, receiver, settings, monkeypatch, no_proxy_for_it
):
    """DNS rebinding: the CRM's name answers a public address while it is checked and the
    worker's own network when the connection is made. The worker connects to the address it
    checked, never to a second answer, so the loopback service hears nothing; also when an
    outgoing proxy is set and ``no_proxy`` names the CRM with its port (urllib then connects
    directly)."""
    import socket

    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    if no_proxy_for_it:
        monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
        monkeypatch.setenv("no_proxy", f"crm.rebind.example:{receiver.server.server_address[1]}")

    settings.BAOMI_WEBHOOK_ALLOW_INTERNAL = False
    public = "93.184.216.34"
    asked: list[str] = []
    real_resolve, real_connect = socket.getaddrinfo, socket.create_connection

    def resolve(host, *args, **kwargs):
        if host != "crm.rebind.example":
            return real_resolve(host, *args, **kwargs)
        asked.append(host)
        # The issuing check and the delivery's check see the public address; any later
        # question is answered with loopback, where the receiver listens.
        address = public if len(asked) <= 2 else "127.0.0.1"
        return real_resolve(address, *args, **kwargs)

    connected: list[str] = []

    def connect(address, *args, **kwargs):
        connected.append(address[0])
        if address[0] == public:  # no Internet here: the public host does not answer
            raise ConnectionRefusedError
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    port = receiver.server.server_address[1]
    receiver.url = f"http://crm.rebind.example:{port}/baomi-hook"
    issued = _crm(world, receiver)
    from tests.factories import register

    record = register(world.sales)
    intake.submit(world.sales, record)
    review.return_for_correction(world.head, record, "请补充身份证复印件")
    assert outbox.deliver_pending() == {"sent": 0, "retry": 1, "gave_up": 0}
    assert receiver.accepted == []
    assert connected == [public]
    row = OutboxMessage.objects.get(client=issued.client)
    assert row.last_error == "NotDelivered: unreachable (ConnectionRefusedError)"


def test_i21_2_ipv6_forms_of_internal_addresses_are_internal():
    from records.api import pinned

    for inside in ("::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "64:ff9b::a9fe:a9fe"):
        assert not pinned.all_public([inside]), inside
    assert pinned.all_public(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
