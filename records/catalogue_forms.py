"""The archive catalogue's search form (issue 19 §2): every field optional, read from the page's
address so that a search can be bookmarked, shared within the archive and paged through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import BaomiForm, field_of
from records.catalogue import Criteria
from records.classification import Tier
from records.models import RecordStatus

CATALOGUED_STATUSES = [(RecordStatus.APPROVED, RecordStatus.APPROVED.label),
                       (RecordStatus.ARCHIVED, RecordStatus.ARCHIVED.label)]  # fmt: skip


class CatalogueForm(BaomiForm):
    id_prefix = "find"

    number = forms.CharField(
        label=_("Archive number or old number"), required=False, max_length=40,
        help_text=_("All or part of it, e.g. 2019-0001; an imported file is found by the number "
                    "its old register gave it too."),
    )  # fmt: skip
    room = forms.CharField(label=_("Archive room"), required=False, max_length=60)
    cabinet = forms.CharField(label=_("Cabinet"), required=False, max_length=30)
    shelf = forms.CharField(label=_("Shelf"), required=False, max_length=30)
    tier = forms.TypedChoiceField(
        label=_("Classification"), required=False, coerce=int, empty_value=None,
        choices=[("", pgettext_lazy("any value", "Any")), *Tier.choices],
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", pgettext_lazy("any value", "Any")), *CATALOGUED_STATUSES],
    )  # fmt: skip
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None, choices=[]
    )
    placed = forms.ChoiceField(
        label=_("Paper folder"), required=False,
        choices=[("", pgettext_lazy("any value", "Any")), ("yes", _("Has a location")),
                 ("no", _("Not yet placed"))],
    )  # fmt: skip

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", pgettext_lazy("any value", "Any"))]
        choices += [(str(d.pk), d.name) for d in departments]
        field_of(self, "department", forms.TypedChoiceField).choices = choices

    def criteria(self) -> Criteria:
        """What to search for; an invalid field is left out (the form says why)."""
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        return Criteria(
            number=data.get("number") or "",
            room=data.get("room") or "",
            cabinet=data.get("cabinet") or "",
            shelf=data.get("shelf") or "",
            tier=data.get("tier"),
            status=data.get("status") or "",
            department_id=data.get("department"),
            placed=data.get("placed") or "",
        )
