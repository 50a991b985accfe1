"""The confidentiality training register (R80; 000 §2.2, 001 §6, 002 ch.3, 004 §2.2).

Everyone with an active account is due for training once a year: a year after the last session
they attended, and at once when they never attended (so new staff, who have just signed the
confidentiality agreement, head the list for the next session). From thirty days before a
person's due date they and their department head are reminded, once for each due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import audit
from access import policy
from access.models import TrainingAttendance, TrainingReminder, TrainingSession, User
from access.policy import Capability
from core.refusals import Refused

YEAR = timedelta(days=365)
NOTICE = timedelta(days=30)


@dataclass(frozen=True)
class Standing:
    """Where one person stands: when they last attended, and when they are due again."""

    person: User
    last_trained: date | None
    due_on: date

    def overdue(self, today: date) -> bool:
        return self.due_on < today

    def due_soon(self, today: date) -> bool:
        return today <= self.due_on <= today + NOTICE


def staff() -> QuerySet[User]:
    """The people the register covers: every active account of someone still with the firm."""
    return User.objects.filter(is_active=True).exclude(employment_status=User.EmploymentStatus.LEFT)


def standings(people: QuerySet[User] | None = None) -> list[Standing]:
    """Every covered person with their last session and due date, the most urgent first."""
    rows = (people if people is not None else staff()).annotate(
        last=Max("trainings__session__held_on")
    )
    found = []
    for person in rows.select_related("department"):
        last = person.last
        due = last + YEAR if last else timezone.localdate(person.date_joined)
        found.append(Standing(person, last, due))
    return sorted(found, key=lambda s: (s.due_on, s.person.username))


def record_session(
    user: User,
    *,
    held_on: date,
    topic: str,
    trainer: str,
    materials: str,
    attendees: Iterable[User],
) -> TrainingSession:
    policy.require_can(user, Capability.TRAINING_REGISTER)
    if held_on > timezone.localdate():
        raise Refused({"held_on": [_("A session is recorded once it has been held.")]})
    with transaction.atomic():
        session = TrainingSession.objects.create(
            held_on=held_on,
            topic=topic.strip(),
            trainer=trainer.strip(),
            materials=materials.strip(),
            recorded_by=user,
        )
        audit.record(user, "training.session_recorded", session, held_on=held_on.isoformat())
        add_attendees(user, session, attendees)
    return session


def add_attendees(user: User, session: TrainingSession, people: Iterable[User]) -> int:
    """Record who attended; a person already recorded for the session is skipped."""
    policy.require_can(user, Capability.TRAINING_REGISTER)
    added = 0
    with transaction.atomic():
        known = set(session.attendances.values_list("person_id", flat=True))
        for person in people:
            if person.pk in known:
                continue
            TrainingAttendance.objects.create(session=session, person=person, recorded_by=user)
            known.add(person.pk)
            added += 1
        if added:
            audit.record(user, "training.attendance_recorded", session, count=added)
    return added


def reminders_due(today: date | None = None) -> list[Standing]:
    """People due within the notice period (or overdue) who were not yet told of this date."""
    today = today or timezone.localdate()
    told = set(
        TrainingReminder.objects.filter(due_on__gte=today - YEAR).values_list("person_id", "due_on")
    )
    return [
        s for s in standings() if s.due_on <= today + NOTICE and (s.person.pk, s.due_on) not in told
    ]


def claim_reminder(standing: Standing) -> bool:
    """Mark the reminder for this person and due date as sent; False if another run did."""
    try:
        with transaction.atomic():
            TrainingReminder.objects.create(person=standing.person, due_on=standing.due_on)
    except IntegrityError:
        return False
    return True
