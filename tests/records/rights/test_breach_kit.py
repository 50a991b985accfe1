"""The breach kit (PIPL Art. 57, issue 9 §3): for the suspected person and the time window, it
finds exactly the client files they touched (opened, revealed, exported) and nothing else; it
lists them masked, says what kinds of data they hold, and pre-fills notices that hold no
customer value in clear. Each use is audited; only the security officer and legal use it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from access import policy
from access.roles import Role
from audit import incidents
from audit.models import AuditEvent
from records import disclosure, intake, review
from records.circulation import copies
from records.fields import BY_NAME, Category
from records.masking import mask_name
from records.rights import breach
from tests.factories import make_person, register
from tests.helpers import client_verified
from tests.records.circulation.test_borrowing import approve_all
from tests.records.circulation.test_copies import ask_copy

NAMES = ["欧阳晓梅", "李四海", "王五", "赵六", "钱七"]


def _file(lending_org, i: int):
    record = register(lending_org.owner, {"full_name": NAMES[i], "mobile": f"1391234567{i}"})
    intake.submit(lending_org.owner, record)
    review.approve(lending_org.head_a, record)
    record.refresh_from_db()
    return record


@pytest.fixture
def scene(lending_org):
    a, b, c, d, e = (_file(lending_org, i) for i in range(5))
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER], full_name="陈静")
    incident = incidents.report(lending_org.owner, kind="leak", description="怀疑有人导出客户资料")
    since = timezone.now()
    disclosure.view(lending_org.head_a, a)  # the suspect, in the window
    disclosure.reveal(lending_org.head_a, b, ["mobile"], "verification")
    copy = approve_all(ask_copy(lending_org.head_a, e), lending_org.manager)
    copies.download(lending_org.head_a, copy)
    disclosure.view(lending_org.owner, d)  # someone else, in the window: not in the kit
    until = timezone.now()
    disclosure.view(lending_org.head_a, c)  # the suspect, after the window: not in the kit
    return lending_org, officer, incident, since, until, (a, b, c, d, e)


def test_pipl57_the_kit_finds_exactly_the_files_the_suspect_touched_in_the_window(scene):
    lending_org, officer, incident, since, until, (a, b, _c, _d, e) = scene
    kit = breach.compute(officer, incident, [lending_org.head_a], since, until)
    assert [x.record.archive_number for x in kit.files] == sorted(
        [a.archive_number, b.archive_number, e.archive_number]
    )
    by_number = {x.record.archive_number: x for x in kit.files}
    assert by_number[a.archive_number].what == {"查阅"}
    assert by_number[b.archive_number].revealed == {str(BY_NAME["mobile"].label)}
    assert by_number[e.archive_number].what == {"导出/复制"}
    assert by_number[a.archive_number].customer == mask_name(NAMES[0])
    assert Category.CONTACT in kit.categories
    event = AuditEvent.objects.get(action="incident.breach_kit")
    assert event.details["files"] == 3
    assert event.target_id == str(incident.pk)


def test_pipl57_the_scope_narrows_what_counts(scene):
    lending_org, officer, incident, since, until, (_a, b, *_rest) = scene
    kit = breach.compute(
        officer, incident, [lending_org.head_a], since, until, scope={"record.reveal"}
    )
    assert [x.record.archive_number for x in kit.files] == [b.archive_number]
    event = AuditEvent.objects.get(action="incident.breach_kit")
    assert event.details["scope"] == ["record.reveal"]


def test_pipl57_the_notices_are_prefilled_without_customer_values(scene):
    lending_org, officer, incident, since, until, _files = scene
    kit = breach.compute(officer, incident, [lending_org.head_a], since, until)
    authority, individual = kit.authority_notice(officer), kit.individual_notice()
    assert incident.reference in authority
    assert "涉及客户档案：3 份" in authority
    assert "联系方式" in authority
    assert "陈静" in authority
    assert "可能涉及的信息种类" in individual
    for text in (authority, individual):
        for i, name in enumerate(NAMES):
            assert name not in text
            assert f"1391234567{i}" not in text


def test_pipl57_only_the_security_officer_and_legal_use_the_kit(scene):
    lending_org, _officer, incident, since, until, _files = scene
    with pytest.raises(policy.Denied):
        breach.compute(lending_org.head_a, incident, [lending_org.owner], since, until)


def test_pipl57_the_kit_page_lists_the_files_masked(scene):
    lending_org, officer, incident, since, until, (a, *_rest) = scene
    client = client_verified(officer)
    page = client.post(
        reverse("records:breach", args=[incident.pk]),
        {
            "actors": [lending_org.head_a.pk],
            "since": timezone.localtime(since).strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "until": timezone.localtime(until).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        },
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-number="{a.archive_number}"' in body
    assert mask_name(NAMES[0]) in body
    assert NAMES[0] not in body
    assert "个人信息安全事件报告" in body
