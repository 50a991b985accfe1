"""IDOR walk (access issue): every URL that takes an object id, found by walking the URL
configuration, refuses a signed-in person without rights to that object with 403 or 404, records
an ``access.denied`` event, and shows none of the object's content. A new URL with an id fails
this test until it is given an object below, so no side endpoint escapes the check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from access import requests
from access.models import ExternalParty
from audit import incidents
from audit.models import Alert, AuditEvent
from records import paper, review
from records.circulation import break_glass, custody
from tests.factories import PERSON, register
from tests.helpers import client_verified


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, prefix + str(entry.pattern), entry.pattern.converters


# Not walked here: the admin (its own checks), and the integration API, which answers client
# tokens only (a signed-in person gets 401; a token's departments decide): tests/records/api
# walks its refusals.
NOT_WALKED = {"admin", "api"}


def _urls_with_ids():
    for namespace, name, route, converters in _walk(get_resolver().url_patterns):
        if converters and namespace not in NOT_WALKED:
            yield (f"{namespace}:{name}" if namespace else name), route, tuple(converters)


@pytest.fixture
def walk_objects(sales_org):
    from django_otp_webauthn.models import WebAuthnCredential

    from access.models import EnrolmentLink, User
    from access.roles import Role
    from records.api import clients
    from records.ops.models import ChatChannel
    from tests.factories import make_person

    record = register(sales_org.sales)
    from records import intake

    intake.submit(sales_org.sales, record)
    review.approve(sales_org.head, record)
    record.refresh_from_db()
    keeper = make_person("keeper", roles=[Role.ARCHIVIST])
    paper.register_location(keeper, record, room="A", cabinet="1", shelf="2", custodian=keeper)
    req = requests.create(
        sales_org.colleague,
        requests.Application(
            kind="borrow",
            purpose="回访",
            due_on=timezone.localdate() + timedelta(days=2),
            records=[record],
        ),
    )
    incident = incidents.report(sales_org.colleague, kind="leak", description="疑似泄露")
    now = timezone.now()
    alert = Alert.objects.create(
        rule="bulk_views",
        actor=sales_org.colleague,
        window_start=now,
        window_end=now,
        count=1,
        first_event_id=1,
        last_event_id=1,
        summary="x",
    )
    transfer = custody.offer(sales_org.sales, record, sales_org.colleague, "交接")
    leaver = make_person("leaver", roles=[Role.SALES], department=sales_org.sales_1)
    handover = custody.hand_over(sales_org.head, leaver, sales_org.colleague, "role_change")
    party = ExternalParty.objects.create(
        name="设计工作室", kind="design_team", contact_name="刘", updated_by=sales_org.head
    )
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    emergency = break_glass.open_file(officer, record.archive_number, "other", "测试")
    from records.rights import subject_requests

    asked = subject_requests.register(
        officer,
        subject_requests.Intake(
            kind="access", channel="phone", received_on=timezone.localdate(),
            identity_check="回拨档案中的手机号核对", record=record,
        ),
    )  # fmt: skip
    from access import reviews

    campaign = reviews.open_campaign(officer, "复核", timezone.localdate() + timedelta(days=9))
    from disposal import holds, processing, sweep
    from records.models import CustomerRecord

    CustomerRecord.objects.filter(pk=record.pk).update(retention_until="2020-01-01")
    sweep.propose_due()
    lawyer = make_person("lawyer", roles=[Role.LEGAL])
    hold = holds.place(lawyer, reference="案号", reason="诉讼", records=[record])
    user: User = sales_org.colleague
    from access import training
    from records.circulation import pledges
    from records.imports.models import ImportBatch
    from records.inventory.models import InventoryRound

    return {
        # A delivery link is a capability: without a real token, an outsider gets nothing.
        "": {"token": "no-such-token"},
        "disposal": {
            "batch_id": record.disposal_items.first().batch_id,
            "hold_id": hold.pk,
            "version": processing.refresh(officer).version,
        },
        "records": {
            "pk": record.pk,
            "attachment_pk": record.attachments.first().pk,
            "request_id": asked.pk,
            "incident_id": incident.pk,
            "round_id": InventoryRound.objects.create(name="盘点", planned_by=sales_org.head).pk,
            "import_id": ImportBatch.objects.create(
                department=record.department, started_by=sales_org.head, file_format="xlsx"
            ).pk,
            "robot_id": ChatChannel.objects.create(
                name="群", kind="wecom", topics=["security"], created_by=officer
            ).pk,
            "client_id": clients.issue(
                officer,
                name="CRM",
                scopes=["records:status"],
                departments=[record.department],
                expires_on=None,
                rate_per_minute=60,
            ).client.pk,
        },
        "requests": {
            "pk": req.pk,
            "transfer_id": transfer.pk,
            "handover_id": handover.pk,
            "party_id": party.pk,
            "break_glass_id": emergency.pk,
            "pledge_id": pledges.prepare(sales_org.head, sales_org.colleague).pk,
        },
        "access": {
            "item_id": campaign.items.first().pk,
            "campaign_id": campaign.pk,
            # An enrolment link is a capability too; a reset awaiting the officer's approval.
            "token": "no-such-token",
            "user_id": sales_org.head.pk,
            "link_id": EnrolmentLink.objects.create(
                user=sales_org.head, purpose="reset", reason="walk", needs_approval=True
            ).pk,
            "passkey_id": WebAuthnCredential.objects.create(
                user=sales_org.head,
                name="手机",
                confirmed=True,
                credential_id=b"\x01" * 32,
                public_key=b"\x01",
                credential_id_sha256="0" * 64,
                aaguid="0" * 32,
            ).pk,
            "session_id": training.record_session(
                officer,
                held_on=timezone.localdate(),
                topic="保密培训",
                trainer="陈静",
                materials="",
                attendees=[],
            ).pk,
        },
        "audit": {
            "user_id": user.pk,
            "target_type": "records.customerrecord",
            "target_id": str(record.pk),
            "alert_id": alert.pk,
            "incident_id": incident.pk,
        },
    }


def test_every_url_with_an_object_id_refuses_an_outsider(sales_org, walk_objects):
    """P2/R43: a salesperson of another department, signed in with both factors and the
    agreement signed, holds no grant: every object URL answers 403/404 and is recorded."""
    outsider = client_verified(sales_org.other_sales)
    walked = list(_urls_with_ids())
    assert len(walked) >= 15
    for url_name, route, params in walked:
        namespace = url_name.split(":")[0] if ":" in url_name else ""
        assert namespace in walk_objects, f"{url_name}: give the IDOR walk an object for {route}"
        url = "/" + route
        for param in params:
            url = url.replace(
                f"<{_converter(route, param)}:{param}>", str(walk_objects[namespace][param])
            )
        for method in ("get", "post"):
            before = AuditEvent.objects.filter(action="access.denied").count()
            response = getattr(outsider, method)(url, {"decision": "approve", "reason": "review"})
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            if response.status_code == 405:
                continue
            body = response.content.decode()
            assert PERSON["full_name"] not in body, url
            assert PERSON["mobile"] not in body, url
            after = AuditEvent.objects.filter(action="access.denied").count()
            assert after == before + 1, f"{method.upper()} {url} left no access.denied event"


def _converter(route: str, param: str) -> str:
    start = route.index(f":{param}>")
    return route[route.rindex("<", 0, start) + 1 : start]
