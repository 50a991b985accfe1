"""The upload form of an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from access.models import Department
from core.forms import BaomiForm, field_of
from records.imports.workbook import MAX_BYTES


class ImportForm(BaomiForm):
    id_prefix = "import"
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None
    )
    file = forms.FileField(
        label=_("Register file"),
        help_text=_(
            "The template filled in (.xlsx), or a CSV file saved as UTF-8 or GBK. Nothing is "
            "saved before you have seen the check."
        ),
    )

    def clean_file(self) -> Any:
        """A file over the limit arrives cut off (records.uploads keeps counting, not storing):
        refused by its real size, never checked as a shorter register."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("A register may be at most 20 MB. Split it and import it in parts.")
            )
        return upload

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "department", forms.ModelChoiceField)
        field.queryset = departments
        field.empty_label = None  # a head's own department comes first, already chosen
