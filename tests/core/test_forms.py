"""Dates a person types (issue 17 §11, §12): bounded at the field, for every form."""

from __future__ import annotations

import importlib
import inspect
from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone

from core.forms import DayField, MomentField

FORM_MODULES = [
    "records.forms",
    "records.circulation.forms",
    "records.rights.forms",
    "access.forms",
    "audit.forms",
    "disposal.forms",
]


def _form_classes():
    for name in FORM_MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_typed_date_on_every_form_is_bounded():
    loose = [
        f"{cls.__module__}.{cls.__name__}.{field_name}"
        for cls in _form_classes()
        for field_name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, DayField | MomentField)
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9990-01-01", "Give a date before"),
        ("1900-01-01", "Give a date from 1990-01-01 on."),
        ("0001-01-01", "Give a date from 1990-01-01 on."),
    ],
)
def test_a_day_outside_the_business_calendar_is_refused_with_its_bounds(typed, message):
    field = DayField()
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert message in " ".join(refused.value.messages)


def test_a_day_that_must_have_happened_cannot_lie_in_the_future():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(forms.ValidationError) as refused:
        DayField(past_only=True).clean(tomorrow.isoformat())
    assert refused.value.messages == ["This date lies in the future."]
    assert DayField().clean(tomorrow.isoformat()) == tomorrow
    assert DayField(past_only=True).clean("2020-02-29") == date(2020, 2, 29)


def test_a_moment_is_bounded_like_a_day():
    with pytest.raises(forms.ValidationError):
        MomentField().clean("9999-12-31T23:59")
    assert MomentField().clean("2026-01-02T03:04").year == 2026


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_r16_every_prefilled_date_and_time_input_holds_an_iso_value_in_every_language(language):
    """Issue 16 §1: the browser's date picker takes only ISO values (``2026-12-01``,
    ``2026-12-01T09:30``); Chinese formats wrote ``2026/12/01``, which the picker drops, so a
    returned file could not be saved unchanged. Every date and moment of every form, pre-filled,
    must render a value the picker keeps and the form reads back to the same value."""
    from datetime import datetime

    from django.utils import translation

    day = date(2026, 12, 1)
    moment = timezone.make_aware(datetime(2026, 12, 1, 9, 30))
    wrong = []
    with translation.override(language):
        for cls in _form_classes():
            for name, field in getattr(cls, "base_fields", {}).items():
                if not isinstance(field, DayField | MomentField):
                    continue
                value = day if isinstance(field, DayField) else moment
                html = field.widget.render(name, field.prepare_value(value))
                expected = "2026-12-01" if isinstance(field, DayField) else "2026-12-01T09:30"
                if f'value="{expected}' not in html:
                    wrong.append(f"{cls.__name__}.{name}: {html}")
                    continue
                cleaned = field.to_python(field.widget.format_value(value) or "")
                if (cleaned if isinstance(field, DayField) else timezone.localtime(cleaned)) != (
                    value if isinstance(field, DayField) else timezone.localtime(moment)
                ):
                    wrong.append(f"{cls.__name__}.{name}: read back as {cleaned}")
    assert wrong == []
