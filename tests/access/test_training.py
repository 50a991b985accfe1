"""R80 (issue 19 §5): the confidentiality training register. The security officer records each
session and who attended; everyone is due a year after their last session and new staff at
once; people due within thirty days hear once per due date, with their head."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access import reminders, training
from access.models import TrainingSession, User
from audit.models import AuditEvent
from tests.helpers import client_verified

pytestmark = pytest.mark.django_db


def test_R80_the_officer_records_a_session_and_who_attended(archive_staff):
    w = archive_staff
    page = client_verified(w.officer)
    held = timezone.localdate() - timedelta(days=3)
    response = page.post(
        "/accounts/training/",
        {
            "held_on": held.isoformat(),
            "topic": "客户信息保密与个人信息保护法",
            "trainer": "陈静",
            "materials": "讲义与测验（纸质，存档案室）",
            "attendees": [w.sales.pk, w.head.pk],
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/training/{session.pk}/"
    shown = page.get(response["Location"]).content.decode()
    assert "张伟" in shown
    assert "王芳" in shown
    assert set(session.attendances.values_list("person__username", flat=True)) == {
        "zhang.wei",
        "wang.fang",
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"training.session_recorded", "training.attendance_recorded"} <= actions

    # A late entry: someone else attended too; recorded once however often it is sent.
    page.post(f"/accounts/training/{session.pk}/", {"attendees": [w.keeper.pk]})
    page.post(f"/accounts/training/{session.pk}/", {"attendees": [w.keeper.pk]})
    assert session.attendances.count() == 3


def test_R80_a_session_in_the_future_is_refused_and_nothing_typed_is_lost(archive_staff):
    page = client_verified(archive_staff.officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = page.post(
        "/accounts/training/",
        {"held_on": tomorrow.isoformat(), "topic": "年度保密培训", "trainer": "陈静"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "年度保密培训" in text  # kept in the form
    assert not TrainingSession.objects.exists()


def test_R80_only_the_security_officer_keeps_the_register(archive_staff):
    for person in (archive_staff.sales, archive_staff.head, archive_staff.keeper):
        assert client_verified(person).get("/accounts/training/").status_code == 403


def test_R80_new_staff_are_due_at_once_and_a_session_makes_them_due_a_year_later(archive_staff):
    w = archive_staff
    today = timezone.localdate()
    first = {s.person.pk: s for s in training.standings()}
    assert first[w.sales.pk].last_trained is None
    assert first[w.sales.pk].due_on <= today  # listed for the next session
    training.record_session(
        w.officer,
        held_on=today,
        topic="入职保密培训",
        trainer="陈静",
        materials="",
        attendees=[w.sales],
    )
    after = {s.person.pk: s for s in training.standings()}
    assert after[w.sales.pk].due_on == today + timedelta(days=365)
    left = User.objects.filter(pk=w.lawyer.pk)
    left.update(employment_status=User.EmploymentStatus.LEFT)
    assert w.lawyer.pk not in {s.person.pk for s in training.standings()}


def test_R80_people_due_and_their_head_are_reminded_once(archive_staff, mailoutbox):
    w = archive_staff
    User.objects.filter(pk=w.sales.pk).update(email="zhang.wei@example.cn")
    User.objects.filter(pk=w.head.pk).update(email="wang.fang@example.cn")
    User.objects.exclude(pk=w.sales.pk).update(date_joined=timezone.now() + timedelta(days=60))
    User.objects.filter(pk=w.sales.pk).update(date_joined=timezone.now() - timedelta(days=10))
    assert reminders.training_due() == 1
    assert reminders.training_due() == 0
    assert [m.to for m in mailoutbox] == [["zhang.wei@example.cn"], ["wang.fang@example.cn"]]
    assert "保密培训" in mailoutbox[0].subject
    assert "张伟" in mailoutbox[1].body  # the head's one list of their people due
    assert AuditEvent.objects.filter(action="training.reminder").count() == 1
