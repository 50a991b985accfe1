"""Emergency access (issue 5 item 7): 30 minutes, watchers told at once, review that must close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import policy
from access.models import BreakGlass, Grant
from access.roles import Role
from audit.models import AuditEvent, Incident
from core.refusals import Refused
from records.circulation import break_glass
from tests.factories import let_time_pass, make_person


@pytest.fixture
def watchers(lending_org):
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER], email="so@example.cn")
    auditor = make_person("auditor", roles=[Role.AUDITOR], email="audit@example.cn")
    return officer, auditor


def test_a_head_opens_another_departments_file_for_30_minutes_and_watchers_hear_at_once(
    lending_org, watchers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opened = break_glass.open_file(
            lending_org.head_b,
            lending_org.file.archive_number,
            "customer_emergency",
            "客户报警称房屋漏水，需联系方式",
        )
    assert policy.decide(lending_org.head_b, "view", lending_org.file)
    grant = opened.grant
    assert grant.source == Grant.Source.BREAK_GLASS
    assert timedelta(minutes=29) < grant.expires_at - timezone.now() <= timedelta(minutes=30)
    assert sorted(mailoutbox[0].to) == ["audit@example.cn", "so@example.cn"]
    assert AuditEvent.objects.filter(action="access.break_glass").count() == 1
    let_time_pass(grant)
    assert not policy.decide(lending_org.head_b, "view", lending_org.file)
    assert list(break_glass.open_reviews()) == [opened]


def test_only_heads_and_the_security_officer_may_break_glass_and_not_for_files_they_hold(
    lending_org,
):
    with pytest.raises(policy.Denied):
        break_glass.open_file(
            lending_org.borrower, lending_org.file.archive_number, "other", "想看看"
        )
    with pytest.raises(Refused) as refused:
        break_glass.open_file(lending_org.head_a, lending_org.file.archive_number, "other", "x")
    assert "already" in str(refused.value)
    with pytest.raises(Refused):
        break_glass.open_file(lending_org.head_b, lending_org.file.archive_number, "other", "  ")


def test_the_review_must_be_someone_else_and_an_unjustified_use_becomes_an_incident(
    lending_org, watchers
):
    officer, auditor = watchers
    opened = break_glass.open_file(
        officer, lending_org.file.archive_number, "security_incident", "调查"
    )
    with pytest.raises(policy.Denied):
        break_glass.close_review(officer, opened, "justified", "ok")
    with pytest.raises(policy.Denied):
        break_glass.close_review(lending_org.head_a, opened, "justified", "ok")
    break_glass.close_review(auditor, opened, BreakGlass.Outcome.NOT_JUSTIFIED, "无对应事件记录")
    opened.refresh_from_db()
    assert opened.reviewed_by == auditor
    assert not policy.decide(officer, "view", lending_org.file)  # the access ends with the review
    assert Incident.objects.get().kind == "misuse"
    assert not break_glass.open_reviews().exists()


def test_the_review_page_offers_to_close_only_what_the_reader_may_review(lending_org, watchers):
    """The officer's own emergency access is listed without a form (it ended in a 403)."""
    from django.urls import reverse

    from tests.helpers import client_verified

    officer, auditor = watchers
    break_glass.open_file(
        officer, lending_org.file.archive_number, "security_incident", "调查可疑导出"
    )
    own = client_verified(officer).get(reverse("requests:break_glass_reviews")).content.decode()
    assert "break_glass_close" not in own
    assert "/close/" not in own
    assert "nobody reviews their own emergency access" in own
    theirs = client_verified(auditor).get(reverse("requests:break_glass_reviews")).content.decode()
    assert "/close/" in theirs


def test_emergency_access_is_capped_per_day_and_the_second_alerts_at_once(
    lending_org, watchers, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 17 §18: a head opened 5 of 5 files of another department in one day."""
    from audit.models import Alert
    from tests.factories import bare_record, numbered

    settings.BAOMI_BREAK_GLASS_PER_DAY = 3
    files = [lending_org.file] + [
        numbered(bare_record(lending_org.owner, lending_org.a), n) for n in (2, 3, 4)
    ]
    for n, record in enumerate(files[:3], start=1):
        with django_capture_on_commit_callbacks(execute=True):
            break_glass.open_file(lending_org.head_b, record.archive_number, "other", "急事")
        alerts = list(Alert.objects.filter(rule="repeated_break_glass"))
        if n == 1:
            assert alerts == []
        else:
            assert [(a.actor_id, a.count) for a in alerts] == [(lending_org.head_b.pk, n)]
    assert any("Repeated emergency access" in m.subject for m in mailoutbox)
    with pytest.raises(Refused) as refused:
        break_glass.open_file(lending_org.head_b, files[3].archive_number, "other", "急事")
    assert "the most one person may in a day" in str(refused.value)
    assert not policy.decide(lending_org.head_b, "view", files[3])
