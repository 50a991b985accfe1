"""Mainland public holidays and swapped working days (调休) for the working-day calendar
(issue 18 §11), from the ``chinesecalendar`` package, which follows the State Council's yearly
notice. Legal deadlines for customers' requests count working days (records.rights.
subject_requests); before, the calendar shipped empty and Spring Festival counted as work.

Only days that break the Monday-to-Friday rule are stored: a holiday on a weekday, a weekend
day worked in exchange. A day already in the calendar is never changed: what an administrator
entered or corrected stays. The migration seeds the years the package covers; a monthly job
adds the next year once the package (updated with the yearly notice) knows it.
"""

from __future__ import annotations

from datetime import date

from records.rights.models import CalendarDay

# The package names holidays in English; the calendar's note is read in Chinese.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def official_exceptions(since: date | None = None) -> dict[date, tuple[bool, str]]:
    """{day: (working, note)} for every exception the package knows from ``since`` on."""
    from chinese_calendar import constants

    found: dict[date, tuple[bool, str]] = {}
    for day, name in constants.holidays.items():
        if day.weekday() < 5 and (since is None or day >= since):
            found[day] = (False, NAMES.get(name, name))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5 and (since is None or day >= since):
            found[day] = (True, f"{NAMES.get(name, name)}调休上班")
    return found


def seed(since: date | None = None) -> int:
    """Add the official exceptions the calendar does not hold yet; returns how many."""
    wanted = official_exceptions(since)
    have = set(CalendarDay.objects.filter(day__in=list(wanted)).values_list("day", flat=True))
    new = [
        CalendarDay(day=day, working=working, note=note)
        for day, (working, note) in sorted(wanted.items())
        if day not in have
    ]
    CalendarDay.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def last_known_year() -> int:
    from chinese_calendar import constants

    return max(constants.holidays).year
