"""Forms of the training register (R80)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from access.models import User
from core.forms import BaomiForm, DayField, field_of


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        department = obj.department.name if obj.department else ""
        return f"{obj.get_full_name()} · {department}" if department else obj.get_full_name()


class SessionForm(BaomiForm):
    id_prefix = "session"
    held_on = DayField(label=_("Held on"), past_only=True)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    trainer = forms.CharField(label=_("Trainer"), max_length=100)
    materials = forms.CharField(
        label=_("Materials"),
        max_length=300,
        required=False,
        help_text=_("What was handed out or shown, and where it is kept."),
    )
    attendees = PersonChoice(
        label=_("Who attended"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "attendees", forms.ModelMultipleChoiceField).queryset = people


class AttendeesForm(BaomiForm):
    id_prefix = "attendees"
    attendees = PersonChoice(
        label=_("Also attended"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "attendees", forms.ModelMultipleChoiceField).queryset = people
