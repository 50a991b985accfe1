"""Issue 21 §3 in a browser: the security officer connects the DingTalk duty group to the
security alerts, is told plainly when the address is wrong (nothing typed is lost), sends a
test message that a robot on loopback accepts only with a valid signature, sees it delivered
in the log, and removes the robot after a page that says what removing does. In Chinese and
English, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from access.roles import Role
from audit.models import AuditEvent
from records.ops import outbox
from records.ops.models import ChatChannel
from tests.chat_robots import DINGTALK_SECRET, DINGTALK_TOKEN, robots_on_loopback
from tests.e2e.journey_checks import Words, assert_fits_and_reads, messages, on_every_screen
from tests.factories import make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def robots(settings):
    with robots_on_loopback() as running:
        settings.BAOMI_DINGTALK_WEBHOOK_URL = running.dingtalk_url
        settings.BAOMI_WECOM_WEBHOOK_URL = running.wecom_url
        yield running


@on_every_screen
def test_i21_3_officer_connects_a_dingtalk_group_tests_it_and_removes_it(
    live_server, signed_in, robots, width, say: Words
):
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    page = signed_in(officer, locale=say.locale, width=width)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=say("群聊告警", "Alerts in group chats")).first.click()
    page.wait_for_url("**/records/alerts/robots/")
    assert_fits_and_reads(page, say)
    assert say("尚未接入群聊", "No chat group is connected") in page.inner_text(
        "[data-testid=robots]"
    )

    form = page.locator("[data-testid=robot-form]")
    form.get_by_label(say("群名称", "Name of the group")).fill("信息安全值班群")
    form.get_by_label(say("钉钉群机器人", "DingTalk group robot")).check()
    address = form.get_by_label(say("Webhook 地址", "Webhook address"))
    address.fill(f"https://oapi.example.com/robot/send?access_token={DINGTALK_TOKEN}")
    form.get_by_label(say("加签密钥（钉钉）", "Signing secret (DingTalk)")).fill(DINGTALK_SECRET)
    form.get_by_label(say("安全告警（异常访问）", "Security alerts (anomalous access)")).check()
    form.get_by_role("button", name=say("接入", "Connect"), exact=True).click()

    # A wrong address: said plainly, and everything typed is still there.
    form = page.locator("[data-testid=robot-form]")
    expect(form).to_contain_text(
        say("这不是钉钉群机器人的地址", "This is not a DingTalk group robot")
    )
    assert form.get_by_label(say("群名称", "Name of the group")).input_value() == "信息安全值班群"
    assert form.get_by_label(
        say("安全告警（异常访问）", "Security alerts (anomalous access)")
    ).is_checked()
    assert_fits_and_reads(page, say, allowed=(robots.dingtalk_url,))
    address = form.get_by_label(say("Webhook 地址", "Webhook address"))
    address.fill(f"{robots.dingtalk_url}?access_token={DINGTALK_TOKEN}")
    # The secret is not written back into the refused page: typed again.
    secret = form.get_by_label(say("加签密钥（钉钉）", "Signing secret (DingTalk)"))
    assert secret.input_value() == ""
    secret.fill(DINGTALK_SECRET)
    form.get_by_role("button", name=say("接入", "Connect"), exact=True).click()
    assert say("已接入“信息安全值班群”", "信息安全值班群 is connected") in messages(page)
    row = page.locator("[data-testid=robots] tbody tr")
    expect(row).to_have_count(1)
    assert say("钉钉群机器人", "DingTalk group robot") in row.inner_text()
    assert DINGTALK_TOKEN not in page.content()
    assert DINGTALK_SECRET not in page.content()
    assert_fits_and_reads(page, say)

    # The test message: the worker delivers it (here the test plays the worker where a broker
    # is configured; embedded, it went at once), and the robot checks the signature.
    row.get_by_role("button", name=say("发送测试消息", "Send a test message")).click()
    assert say("正在发送", "on its way") in messages(page)
    outbox.deliver_pending()
    page.reload()
    log = page.locator("[data-testid=robot-log] tbody tr")
    expect(log.first).to_contain_text(say("已送达", "Delivered at"))
    assert say("测试消息", "Test message") in log.first.inner_text()
    assert robots.refused == []
    assert "测试消息" in robots.dingtalk[0]["markdown"]["title"]
    assert_fits_and_reads(page, say)

    # Removing asks first, and says what it does.
    page.locator("[data-testid=robots]").get_by_role("link", name=say("移除", "Remove")).click()
    page.wait_for_url("**/remove/")
    expect(page.locator("[data-testid=robot-remove-confirm]")).to_contain_text(
        say("该群立即停止接收告警", "The group stops receiving alerts at once")
    )
    assert_fits_and_reads(page, say)
    page.get_by_role("button", name=say("移除机器人", "Remove the robot")).click()
    assert say("已移除", "was removed") in messages(page)
    assert say("尚未接入群聊", "No chat group is connected") in page.inner_text(
        "[data-testid=robots]"
    )
    channel = ChatChannel.objects.get()
    assert channel.removed_at is not None
    assert channel.sealed is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"alerts.channel_added", "alerts.channel_tested", "alerts.channel_removed"} <= actions
