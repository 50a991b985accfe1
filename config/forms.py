"""Form base shared by every app."""

from __future__ import annotations

from django import forms


class BaomiForm(forms.Form):
    """Labels without Django's ASCII colon, which reads wrong in Chinese; CSS sets them apart."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
