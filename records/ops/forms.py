"""The group-robot form of the alerts page (issue 21 §3)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.announcements import TOPIC_LABELS
from core.forms import BaomiForm
from records.ops.models import ChatChannel


class ChannelForm(BaomiForm):
    id_prefix = "robot"

    name = forms.CharField(
        label=_("Name of the group"),
        max_length=60,
        help_text=_("As people know it, for example: information security on duty."),
    )
    kind = forms.ChoiceField(
        label=_("Chat app"), choices=ChatChannel.Kind.choices, widget=forms.RadioSelect
    )
    address = forms.CharField(
        label=_("Webhook address"),
        max_length=400,
        help_text=_(
            "In the chat group, open the robot's settings and copy its whole webhook address. "
            "It is stored encrypted and never shown again."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        help_text=_(
            "DingTalk only: in the robot's security settings choose signing and copy the "
            "secret that starts with SEC."
        ),
        # Not written back into the page when the form is refused: typed again, never echoed.
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Alerts this group receives"),
        choices=[(str(topic), label) for topic, label in TOPIC_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
