"""The integration API's part of ``seed_demo``: the security officer gives the sales CRM a
token, and the CRM hands a customer over as a draft for 张伟, through the API's own view, so the
demo has the client, the draft, its reference and the audited calls to show."""

from __future__ import annotations

import json

from django.test import RequestFactory

from access.demo import DemoContext, register_step

CONTENT = {
    "full_name": "司马晓燕",
    "gender": "female",
    "mobile": "13812345678",
    "address_region": "上海市浦东新区",
    "needs": "两居室，近学校，预算三百万以内",
}


def seed_integration(ctx: DemoContext) -> None:
    from django.utils import timezone

    from records.api import clients, views
    from records.api.models import IntegrationClient
    from records.fields import SENSITIVE_CATEGORIES, Category

    if IntegrationClient.objects.exists():
        ctx.out.write("an integration client exists already; left as it is\n")
        return
    seller = ctx.people["zhang.wei"]
    if seller.department is None:
        return
    issued = clients.issue(
        ctx.people["chen.jing"], name="销售客户管理系统",
        scopes=["drafts:create", "records:status", "records:outcome"],
        departments=[seller.department], expires_on=None, rate_per_minute=60,
    )  # fmt: skip
    today = timezone.localdate().isoformat()
    body = {
        "reference": "CRM-2026-0042", "handler": seller.username, "customer_kind": "person",
        "source": "online", "acquired_on": today, "content": CONTENT,
        "consent": {
            "purpose": "购房及相关服务",
            "scope": [c.value for c in Category if c not in SENSITIVE_CATEGORIES],
            "method": "esign", "obtained_on": today,
            "evidence_reference": "客户管理系统电子签名回执 CRM-2026-0042",
        },
    }  # fmt: skip
    request = RequestFactory().post(
        "/api/v1/drafts/", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}", HTTP_ACCEPT_LANGUAGE="zh-CN",
    )  # fmt: skip
    answer = views.DraftsView.as_view()(request)
    ctx.out.write(
        f"integration API: 销售客户管理系统 has a token ({issued.client.token_prefix}…); its "
        f"draft CRM-2026-0042 for zhang.wei answered {answer.status_code}\n"
    )


register_step(58, "integration API", seed_integration)
