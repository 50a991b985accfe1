"""Issue 21 §3: alerts reach WeCom and DingTalk group chats through the sealed outbox; checked
against robots on loopback that verify DingTalk's signature and WeCom's payload as the real
ones do (tests/chat_robots.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access.roles import Role
from audit import anomalies, incidents
from audit.models import AuditEvent, Incident
from core.models import JobRun
from core.refusals import Refused
from records.ops import chat, outbox, watch
from records.ops.models import ChatChannel, OutboxMessage
from tests.chat_robots import (
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    WECOM_KEY,
    robots_on_loopback,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def robots(settings, monkeypatch):
    with robots_on_loopback() as running:
        settings.BAOMI_WECOM_WEBHOOK_URL = running.wecom_url
        settings.BAOMI_DINGTALK_WEBHOOK_URL = running.dingtalk_url
        settings.BAOMI_PUBLIC_URL = "https://baomi.example.cn"
        monkeypatch.setattr(outbox, "deliver_soon", lambda: None)  # the test is the worker
        yield running


@pytest.fixture
def officer(db):
    return make_person("chen.jing", roles=[Role.SECURITY_OFFICER], email="chen@example.cn",
                       full_name="陈静")  # fmt: skip


def _dingtalk(officer, robots, topics=("security",)) -> ChatChannel:
    return chat.connect(
        officer, name="信息安全值班群", kind=ChatChannel.Kind.DINGTALK,
        address=f"{robots.dingtalk_url}?access_token={DINGTALK_TOKEN}", secret=DINGTALK_SECRET,
        topics=list(topics),
    )  # fmt: skip


def _wecom(officer, topics=("incidents", "operations")) -> ChatChannel:
    return chat.connect(officer, name="行政群", kind=ChatChannel.Kind.WECOM, address=WECOM_KEY,
                        secret="", topics=list(topics))  # fmt: skip


def _stored_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM records_chatchannel UNION ALL "
                       "SELECT sealed FROM records_outboxmessage")  # fmt: skip
        return " ".join(bytes(row[0] or b"").decode("latin-1") for row in cursor.fetchall())


def test_i21_3_an_anomaly_alert_reaches_dingtalk_with_a_valid_signature(robots, officer):
    _dingtalk(officer, robots)
    person = make_person("zhang.wei", roles=[Role.SALES], full_name="张伟")
    event = AuditEvent.objects.create(actor=person, actor_name="张伟", action="record.reveal")
    anomalies.raise_at_once(person, event, 25, "many_reveals", "25 reveals")
    assert outbox.deliver_pending()["sent"] >= 1
    assert robots.refused == []
    [message] = robots.dingtalk
    text = message["markdown"]["text"]
    assert message["markdown"]["title"].startswith("【保密系统】异常访问告警")
    assert "https://baomi.example.cn/audit/kpis/" in text
    assert "张伟" not in text  # the person's name stays in the officers' mail


def test_i21_3_an_incident_reaches_wecom_in_its_format_without_the_description(robots, officer):
    _wecom(officer)
    reporter = make_person("zhang.wei", roles=[Role.SALES])
    incident = incidents.report(reporter, kind=Incident.Kind.LEAK,
                                description="客户欧阳晓梅的手机号 13800138000 泄露")  # fmt: skip
    outbox.deliver_pending()
    [message] = robots.wecom
    assert message["msgtype"] == "markdown"
    content = message["markdown"]["content"]
    assert f"新的事件报告：{incident.reference}" in content
    assert f"/audit/incidents/{incident.pk}/" in content
    assert "13800138000" not in content
    assert "欧阳晓梅" not in content


def test_i21_3_only_the_subscribed_topics_reach_a_group(robots, officer):
    _dingtalk(officer, robots, topics=("security",))
    _wecom(officer, topics=("operations",))
    JobRun.objects.create(name="records.backup", ok=False, started_at=timezone.now())
    assert watch.run() == {"backup": "opened"}
    outbox.deliver_pending()
    assert robots.dingtalk == []
    [message] = robots.wecom
    assert "运行故障" in message["markdown"]["content"]


def test_i21_3_a_robot_that_refuses_or_is_down_is_retried_and_nothing_is_lost(robots, officer):
    channel = _dingtalk(officer, robots)
    robots.fail_next = 1
    chat.send_test(officer, channel)
    assert outbox.deliver_pending() == {"sent": 0, "retry": 1, "gave_up": 0}
    row = OutboxMessage.objects.get(channel=channel)
    assert row.last_error == "ChatNotDelivered: HTTP 502"
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_pending() == {"sent": 1, "retry": 0, "gave_up": 0}
    assert len(robots.dingtalk) == 1


def test_i21_3_a_wrong_signing_secret_is_refused_by_dingtalk_and_kept_for_retry(robots, officer):
    channel = chat.connect(
        officer, name="群", kind=ChatChannel.Kind.DINGTALK, address=DINGTALK_TOKEN,
        secret="SECwrong", topics=["security"],
    )  # fmt: skip
    chat.send_test(officer, channel)
    assert outbox.deliver_pending()["retry"] == 1
    assert robots.refused == ["dingtalk:sign"]
    row = OutboxMessage.objects.get(channel=channel)
    assert row.last_error == "ChatNotDelivered: errcode 310000"  # the code, never the key
    assert DINGTALK_TOKEN not in row.last_error


def test_i21_3_keys_and_messages_are_sealed_at_rest_and_never_audited(robots, officer):
    channel = _dingtalk(officer, robots)
    chat.send_test(officer, channel)
    stored = _stored_text()
    for secret in (DINGTALK_TOKEN, DINGTALK_SECRET, "测试消息".encode().decode("latin-1")):
        assert secret not in stored
    assert channel.hint == DINGTALK_TOKEN[-4:]
    details = " ".join(str(e.details) for e in AuditEvent.objects.all())
    assert DINGTALK_TOKEN not in details
    assert DINGTALK_SECRET not in details
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "alerts.channel_added" in actions
    assert "alerts.channel_tested" in actions


@pytest.mark.parametrize(
    ("kind", "address", "secret", "says"),
    [
        ("wecom", "https://evil.example.com/cgi-bin/webhook/send?key=abc", "", "not a"),
        ("wecom", "http://127.0.0.1:6379/", "", "not a"),
        ("wecom", "https://[", "", "not a"),
        ("wecom", "", "", "no robot key"),
        ("dingtalk", DINGTALK_TOKEN, "", "signing secret"),
        ("dingtalk", "token with spaces", "SECx", "access token"),
    ],
)
def test_i21_3_only_the_configured_endpoints_are_accepted(
    robots, officer, kind, address, secret, says
):
    with pytest.raises(Refused, match=says):
        chat.connect(officer, name="群", kind=kind, address=address, secret=secret,
                     topics=["security"])  # fmt: skip
    assert not ChatChannel.objects.exists()


def test_i21_3_removing_a_robot_drops_its_key_and_its_unsent_messages(robots, officer):
    channel = _dingtalk(officer, robots)
    chat.send_test(officer, channel)
    chat.disconnect(officer, channel)
    channel.refresh_from_db()
    assert channel.sealed is None
    assert channel.removed_at is not None
    assert outbox.deliver_pending() == {"sent": 0, "retry": 0, "gave_up": 0}
    assert robots.dingtalk == []
    row = OutboxMessage.objects.get(channel=channel)
    assert row.gave_up_at is not None
    assert row.sealed is None
    # A robot removed on purpose is not an operations problem.
    assert watch._outbox(chats=True).present is False
    assert AuditEvent.objects.filter(action="alerts.channel_removed").count() == 1


def test_i21_3_group_messages_that_cannot_be_delivered_are_an_operations_problem(robots, officer):
    channel = _wecom(officer, topics=("security",))
    chat.send_test(officer, channel)
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert watch._outbox(chats=True).present is True
    assert watch._outbox(chats=False).present is False  # mail is fine


def test_i21_3_an_approval_waiting_two_days_is_announced_once(robots, officer, lending_org):
    from access import reminders
    from access.models import AccessRequest
    from tests.records.circulation.test_borrowing import borrow

    _wecom(officer, topics=("approvals",))
    req = borrow(lending_org)
    AccessRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert reminders.stale_approvals() == 1
    assert reminders.stale_approvals() == 0
    outbox.deliver_pending()
    [message] = robots.wecom
    assert f"待审批申请超过两天：{req.number}" in message["markdown"]["content"]
    assert f"https://baomi.example.cn/requests/{req.pk}/" in message["markdown"]["content"]
