"""Issue 18 §11: the working-day calendar knows mainland public holidays and swapped working
days, so a customer's legal deadline does not count Spring Festival as work; entries made by
hand are kept."""

from __future__ import annotations

from datetime import date

import pytest

from records.rights import holidays
from records.rights.models import CalendarDay
from records.rights.subject_requests import add_working_days, working_days_left

pytestmark = pytest.mark.django_db


def test_i18_11_spring_festival_2026_is_not_counted_as_work():
    holidays.seed()  # what the migration did (tests may have flushed the table since)
    spring = CalendarDay.objects.get(day=date(2026, 2, 17))
    assert (spring.working, spring.note) == (False, "春节")
    # Friday 13 Feb 2026 + 1 working day: Saturday 14 Feb is a swapped working day.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    # From the 14th, the next working day after the festival week is Tuesday 24 Feb.
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_left(date(2026, 2, 24), today=date(2026, 2, 14)) == 1


def test_i18_11_a_day_entered_by_hand_is_kept_when_the_calendar_is_refreshed():
    CalendarDay.objects.filter(day=date(2026, 10, 8)).delete()
    CalendarDay.objects.create(day=date(2026, 10, 8), working=True, note="公司安排上班")
    added = holidays.seed()
    assert CalendarDay.objects.get(day=date(2026, 10, 8)).working is True
    assert holidays.seed() == 0  # nothing twice
    assert added >= 0


def test_i18_11_the_package_knows_the_current_year():
    assert holidays.last_known_year() >= 2026
