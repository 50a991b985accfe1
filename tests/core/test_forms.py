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
