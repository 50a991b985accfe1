"""Issue 21 §2 in a browser: the security officer gives the sales CRM a token for one
department (told plainly when something is missing, nothing typed lost), copies it from the
only page that shows it, the CRM hands a draft over with it, the list shows the last call, and
revoking (after a page that says what it does) makes the CRM's next call fail. The developers'
reference page renders under the content security policy. In Chinese and English, at desktop
width and on a 390 px phone."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from access import people
from access.models import Department
from access.roles import Role
from records.api.models import IntegrationClient
from records.models import CustomerRecord
from tests.e2e.journey_checks import Words, assert_fits_and_reads, messages, on_every_screen
from tests.factories import make_person
from tests.records.api.test_integration_api import _draft

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@on_every_screen
def test_i21_2_officer_issues_a_token_the_crm_uses_it_and_the_officer_revokes_it(
    live_server, signed_in, width, say: Words
):
    dept = Department.objects.create(code="sales-1", name="销售一部")
    head = make_person("wang.fang", roles=[Role.DEPT_HEAD], department=dept, full_name="王芳")
    people.set_head(dept, head)
    make_person("zhang.wei", roles=[Role.SALES], department=dept, full_name="张伟")
    officer = make_person("chen.jing", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    page = signed_in(officer, locale=say.locale, width=width)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=say("集成接口", "Integration API")).first.click()
    page.wait_for_url("**/records/integrations/")
    assert_fits_and_reads(page, say)

    form = page.locator("[data-testid=api-client-form]")
    form.get_by_label(say("系统名称", "Name of the system")).fill("销售客户管理系统")
    form.get_by_label(say("创建客户登记草稿", "Create intake drafts")).check()
    form.get_by_label(
        say("查询档案状态和档案编号", "Read a file's status and archive number")
    ).check()
    form.get_by_role("button", name=say("签发令牌", "Issue the token")).click()
    # No department chosen: said at the field, the rest kept.
    form = page.locator("[data-testid=api-client-form]")
    expect(form).to_contain_text(say("这个字段是必填项", "This field is required"))
    assert (
        form.get_by_label(say("系统名称", "Name of the system")).input_value() == "销售客户管理系统"
    )
    assert form.get_by_label(say("创建客户登记草稿", "Create intake drafts")).is_checked()
    assert_fits_and_reads(page, say)
    form.get_by_label("销售一部").check()
    form.get_by_role("button", name=say("签发令牌", "Issue the token")).click()

    shown = page.locator("[data-testid=token-value]")
    expect(shown).to_be_visible()
    token = shown.inner_text().strip()
    assert token.startswith("bm_")
    assert_fits_and_reads(page, say, allowed=(token,))
    client = IntegrationClient.objects.get()
    assert token not in client.token_hash

    answer = requests.post(
        live_server.url + "/api/v1/drafts/", json=_draft(), timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert CustomerRecord.objects.get().handler.username == "zhang.wei"

    page.get_by_role("link", name=say("完成，返回列表", "Done, back to the list")).click()
    row = page.locator("[data-testid=api-clients] tbody tr")
    expect(row).to_contain_text("销售客户管理系统")
    assert say("使用中", "In use") in row.inner_text()
    assert token not in page.content()
    row.get_by_role("link", name=say("撤销", "Revoke")).click()
    expect(page.locator("[data-testid=api-revoke-confirm]")).to_contain_text(
        say("该系统的下一次调用将被拒绝", "The system's next call is refused")
    )
    assert_fits_and_reads(page, say)
    page.get_by_role("button", name=say("吊销令牌", "Revoke the token")).click()
    assert "销售客户管理系统" in messages(page)
    refused = requests.get(
        live_server.url + "/api/v1/references/CRM-0001/", timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert refused.status_code == 401

    # The developers' reference renders (its scripts are served from here: CSP holds).
    page.console_errors.clear()  # (the refused form above answered 400, which the console notes)
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Baomi integration API")
    assert page.console_errors == []
