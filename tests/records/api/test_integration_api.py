"""Issue 21 §2: the integration API, driven by a real HTTP client against the running server.
A CRM client hands a customer over as a draft, reads its status by its own reference, sets the
deal outcome once a person submitted and the head approved the file; a wrong scope, a revoked
token, a burst over the limit and a malformed body each get their status and a problem
document; every call is in the audit log; nothing in any answer is a customer value."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import requests
from django.utils import timezone

from access.models import Department
from access.roles import Role
from audit.models import AuditEvent
from records import intake, review
from records.api import clients
from records.models import CustomerRecord, RecordStatus
from tests.factories import PERSON, build_world, full_consent, make_person
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db(transaction=True)

PROBLEM = "application/problem+json"


@pytest.fixture
def world(db):
    return build_world()


def _issue(world, *, scopes=None, rate=60, departments=None, name="客户管理系统"):
    return clients.issue(
        world.officer,
        name=name,
        scopes=scopes or ["drafts:create", "records:outcome", "records:status"],
        departments=departments or [world.dept],
        expires_on=None,
        rate_per_minute=rate,
    )


class Api:
    def __init__(self, base: str, token: str | None):
        self.base = base.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "zh-CN"  # labels and problems in Chinese
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method):
        def call(path, **kwargs):
            return self.session.request(method.upper(), self.base + path, timeout=30, **kwargs)

        return call


def _draft(**overrides):
    terms = full_consent()
    body = {
        "reference": "CRM-0001",
        "handler": "zhang.wei",
        "customer_kind": "person",
        "source": "walk_in",
        "acquired_on": "2026-11-02",
        "content": dict(PERSON),
        "consent": {
            "purpose": terms.purpose,
            "scope": terms.scope,
            "sensitive_scope": terms.sensitive_scope,
            "method": "paper",
            "obtained_on": "2026-11-01",
            "evidence_reference": "销售一部档案柜 3 号",
        },
    }
    body.update(overrides)
    return body


def _no_customer_value(text: str) -> None:
    for value in ("欧阳晓梅", "13912345678", "11010519491231002X", "6222020200112233446"):
        assert value not in text


def test_i21_2_a_crm_hands_a_draft_over_reads_it_and_sets_the_outcome(live_server, world):
    issued = _issue(world)
    api = Api(live_server.url, issued.token)
    created = api.post("/drafts/", json=_draft(), headers={"Idempotency-Key": "k-1"})
    assert created.status_code == 201, created.text
    _no_customer_value(created.text)
    answer = created.json()
    assert answer["status"] == "draft"
    assert answer["archive_number"] is None
    assert answer["reference"] == "CRM-0001"
    assert answer["level"] == 1  # an ID number and a bank card: top secret, as the form decides

    # The draft is the handler's, registered by the client, and waits for a person.
    record = CustomerRecord.objects.get(pk=answer["id"])
    assert record.handler == world.sales
    assert record.status == RecordStatus.DRAFT
    made = AuditEvent.objects.get(action="record.create")
    assert made.actor_name == "客户管理系统（接口）"

    # The same call again (a retry after a timeout): the same answer, nothing created twice.
    again = api.post("/drafts/", json=_draft(), headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json() == answer
    assert CustomerRecord.objects.count() == 1

    by_reference = api.get("/references/CRM-0001/")
    assert by_reference.status_code == 200
    assert by_reference.json()["status_label"] == "草稿"

    # A person submits, the head approves; the CRM records how the deal ended.
    intake.submit(world.sales, record)
    review.approve(world.head, record)
    record.refresh_from_db()
    status = api.get(f"/records/{record.archive_number}/")
    assert status.json()["status"] == "approved"
    ended = (timezone.localdate() - timedelta(days=10)).isoformat()
    done = api.put(
        f"/records/{record.archive_number}/outcome/",
        json={"outcome": "deal_closed", "contract_ended_on": ended},
    )
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "deal_closed"
    assert done.json()["keep_until"] is not None  # the retention clock started (R60)
    _no_customer_value(done.text)
    record.refresh_from_db()
    assert record.contract_ended_on == date.fromisoformat(ended)
    outcome_event = AuditEvent.objects.get(action="record.outcome")
    assert outcome_event.actor_name == "客户管理系统（接口）"
    assert AuditEvent.objects.filter(action="api.call").count() == 5


def test_i21_2_refusals_have_their_status_and_a_problem_document(live_server, world):
    narrow = _issue(world, scopes=["records:status"], name="只读系统")
    api = Api(live_server.url, narrow.token)
    calls = 0

    wrong_scope = api.post("/drafts/", json=_draft())
    calls += 1
    assert wrong_scope.status_code == 403
    assert wrong_scope.headers["Content-Type"].startswith(PROBLEM)
    assert wrong_scope.json()["status"] == 403
    assert wrong_scope.json()["detail"] == "该接入系统无权：创建客户登记草稿。"

    clients.revoke(world.officer, narrow.client)
    revoked = api.get("/references/CRM-0001/")
    calls += 1
    assert revoked.status_code == 401
    assert revoked.headers["Content-Type"].startswith(PROBLEM)
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")
    refused_call = AuditEvent.objects.filter(action="api.call").latest("occurred_at")
    assert refused_call.target_label == "只读系统"  # a revoked token still names its client

    unknown = Api(live_server.url, "bm_not-a-token").get("/references/CRM-0001/")
    nothing = Api(live_server.url, None).get("/references/CRM-0001/")
    calls += 2
    assert (unknown.status_code, nothing.status_code) == (401, 401)

    full = _issue(world, name="客户管理系统")
    api = Api(live_server.url, full.token)
    malformed = api.post(
        "/drafts/", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    calls += 1
    assert malformed.status_code == 400
    assert malformed.headers["Content-Type"].startswith(PROBLEM)

    bad_mobile = api.post("/drafts/", json=_draft(content={**PERSON, "mobile": "1381234"}))
    calls += 1
    assert bad_mobile.status_code == 422
    assert "content.mobile" in bad_mobile.json()["errors"]
    _no_customer_value(bad_mobile.text)

    unknown_field = api.post("/drafts/", json=_draft(content={"full_name": "x", "salary": "1"}))
    calls += 1
    assert unknown_field.status_code == 400
    assert "content" in unknown_field.json()["errors"]

    api.post("/drafts/", json=_draft(), headers={"Idempotency-Key": "k-2"})
    reused = api.post(
        "/drafts/", json=_draft(reference="CRM-0002"), headers={"Idempotency-Key": "k-2"}
    )
    calls += 2
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["detail"]

    no_list = api.get("/drafts/")  # no bulk read of any kind
    calls += 1
    assert no_list.status_code == 405
    assert no_list.headers["Content-Type"].startswith(PROBLEM)

    other = Department.objects.create(code="sales-2", name="销售二部")
    make_person("li.na", roles=[Role.SALES], department=other, full_name="李娜")
    # Another department's salesperson is unknown to the client, like no one at all.
    elsewhere = api.post("/drafts/", json=_draft(handler="li.na", reference="CRM-9"))
    nobody = api.post("/drafts/", json=_draft(handler="no.one", reference="CRM-9"))
    calls += 2
    assert elsewhere.status_code == nobody.status_code == 422
    assert elsewhere.json()["errors"] == nobody.json()["errors"]
    assert AuditEvent.objects.filter(action="api.call").count() == calls
    assert CustomerRecord.objects.count() == 1


def test_i21_2_a_burst_over_the_client_limit_is_refused_with_retry_after(live_server, world):
    issued = _issue(world, rate=3)
    api = Api(live_server.url, issued.token)
    answers = [api.get("/references/nothing/").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    limited = api.get("/references/nothing/")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["Content-Type"].startswith(PROBLEM)


def test_i21_2_a_signed_in_browser_cannot_call_the_api_as_its_person(world):
    browser = client_verified(world.sales)
    answer = browser.post("/api/v1/drafts/", _draft(), content_type="application/json")
    assert answer.status_code == 401
    assert not CustomerRecord.objects.exists()


def test_i21_2_the_schema_and_reference_page_are_for_people_signed_in(world):
    assert client_verified(world.officer).get("/api/v1/schema/").status_code == 200
    schema = client_verified(world.officer).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/drafts/" in schema["paths"]
    assert client_verified(world.officer).get("/api/v1/docs/").status_code == 200
    from django.test import Client

    assert Client().get("/api/v1/schema/").status_code == 302  # to sign-in


def test_i21_2_a_restricted_file_keeps_its_outcome_whoever_asks(live_server, world):
    """A file kept only because the law requires it (PIPL 47) is refused to the API as to a
    person: its retention cannot be moved from the CRM."""
    from tests.factories import approved

    record = approved(world.sales, world.head)
    CustomerRecord.objects.filter(pk=record.pk).update(restricted_at=timezone.now())
    api = Api(live_server.url, _issue(world).token)
    answer = api.put(
        f"/records/{record.archive_number}/outcome/",
        json={"outcome": "no_deal"},
    )
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("本档案已限制处理")
    record.refresh_from_db()
    assert record.outcome == "open"


def test_i21_2_odd_bodies_get_a_problem_document_never_a_server_error(live_server, world):
    api = Api(live_server.url, _issue(world).token)
    calls = 0
    deep = api.post("/drafts/", data=b"[" * 50_000, headers={"Content-Type": "application/json"})
    calls += 1
    assert deep.status_code == 400
    assert deep.headers["Content-Type"].startswith(PROBLEM)
    huge = api.post(
        "/drafts/", data=b'{"a": "' + b"x" * 400_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    calls += 1
    assert huge.status_code == 413
    nested = api.post("/drafts/", json=_draft(consent={"purpose": "购房", "scope": "all"}))
    calls += 1
    assert nested.status_code == 400
    errors = nested.json()["errors"]
    assert "consent.scope" in errors  # by dotted field name, as plain text
    assert all(isinstance(m, str) and "ErrorDetail" not in m for v in errors.values() for m in v)
    nul = api.get("/references/CRM%00-1/")
    calls += 1
    assert nul.status_code == 404
    assert AuditEvent.objects.filter(action="api.call").count() == calls


def test_i21_2_calls_without_a_valid_token_are_limited_per_address(live_server, world):
    from django.core.cache import cache

    cache.clear()  # (other tests' strangers called from this address this minute)
    while time.time() % 60 > 50:  # the count is per minute: do not straddle two
        time.sleep(1)
    stranger = Api(live_server.url, "bm_guessing")
    answers = [stranger.get("/references/x/").status_code for _ in range(31)]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429
