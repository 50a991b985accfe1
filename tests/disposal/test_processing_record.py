"""Records of processing activities and the impact assessment (PIPL Art. 54-56, issue 9 §4):
generated from the system's metadata, a new version when a retention policy, a party or a
purpose changes (not when only the figures move), no customer value inside, exportable and
audited, for the security officer and legal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access import policy
from access.models import ExternalParty
from access.roles import Role
from audit.models import AuditEvent
from disposal import processing, retention
from disposal.models import ProcessingRecord
from records.fields import FIELDS
from tests.factories import approved, make_person
from tests.helpers import client_verified


def test_pipl54_the_record_describes_data_purposes_recipients_and_retention(archive_staff):
    approved(
        archive_staff.sales, archive_staff.head, {"full_name": "欧阳晓梅", "mobile": "13912345678"}
    )
    ExternalParty.objects.create(
        name="北京匠心设计工作室", kind="design_team", contact_name="刘",
        nda_expires_on=timezone.localdate() + timedelta(days=300), updated_by=archive_staff.head,
    )  # fmt: skip
    made = processing.refresh(archive_staff.head, "first")
    content = made.content
    assert {f for c in content["categories"] for f in c["fields"]} == {f.name for f in FIELDS}
    assert any(c["sensitive"] for c in content["categories"])
    assert content["purposes"]
    assert content["recipients"][0]["name"] == "北京匠心设计工作室"
    assert {r["code"] for r in content["retention"]}
    assert content["figures"]["files_by_level"]
    assert content["assessment"]
    text = json.dumps(content, ensure_ascii=False)
    assert "欧阳晓梅" not in text
    assert "13912345678" not in text


def test_pipl54_a_new_version_when_a_policy_changes_not_when_figures_move(archive_staff):
    approved(
        archive_staff.sales, archive_staff.head, {"full_name": "王五", "mobile": "13800000002"}
    )
    first = processing.refresh(None)
    approved(
        archive_staff.sales, archive_staff.head, {"full_name": "李四", "mobile": "13800000001"}
    )  # same purpose: figures only
    assert processing.refresh(None) is None
    rule = archive_staff.lawyer
    current = processing.describe()["retention"][0]
    retention.save_policy(
        rule, current["code"], name=current["name"], category=current["category"],
        tier=current["tier"], trigger=current["trigger"], months=current["months"] + 1,
        end_action=current["then"], note="变更测试",
    )  # fmt: skip
    newest = ProcessingRecord.objects.first()
    assert newest.version == first.version + 1
    assert "retention policy" in newest.reason
    assert ProcessingRecord.objects.count() == 2  # the old version is kept


def test_pipl55_the_export_is_audited_and_only_for_the_officer_and_legal(archive_staff):
    made = processing.refresh(None)
    officer = make_person("officer2", roles=[Role.SECURITY_OFFICER])
    client = client_verified(officer)
    page = client.get(reverse("disposal:processing"))
    assert page.status_code == 200
    assert "Impact assessment" in page.content.decode()
    exported = client.get(reverse("disposal:processing_export", args=[made.version]))
    assert json.loads(exported.content)["activity"]
    assert AuditEvent.objects.filter(action="processing.exported").count() == 1
    with pytest.raises(policy.Denied):
        processing.exported(archive_staff.head, made)
