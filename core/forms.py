"""Forms: the base every app's forms share, binding on POST, and refusals shown on a form."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import identifiers
from core.refusals import ALL, Refused
from core.text import clean_text

_FieldT = TypeVar("_FieldT", bound=forms.Field)


def refuse_identifiers(value: str) -> None:
    """Free text that others read, and that may reach the audit log, names no customer by their
    numbers or address: the log cannot be erased when the file is."""
    kinds = identifiers.found_in(value)
    if kinds:
        raise ValidationError(
            _(
                "This text contains %(found)s. Do not write customers' phone numbers, ID or bank "
                "card numbers or e-mail addresses here: this text is kept in the audit log, which "
                "is never erased. Refer to a client file by its archive number."
            ),
            code="identifier_in_text",
            params={"found": ", ".join(str(identifiers.LABELS[kind]) for kind in kinds)},
        )


def _free_text(field: forms.Field) -> bool:
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.EmailField | forms.SlugField)
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
    )


class BaomiForm(forms.Form):
    """Labels without Django's ASCII colon, which reads wrong in Chinese; CSS sets them apart.

    Everything submitted is cleaned by the one text rule (``core.text``) before any field sees
    it, passwords excepted: the stored value, every check and the re-shown form all see the
    text as a reader would."""

    # Text fields that may hold a customer's identifiers (the file's own content, a search
    # value, a party's contact): every other text field refuses them (core.identifiers).
    identifiers_allowed: frozenset[str] = frozenset()
    # The start of its controls' element ids: a page that shows two forms with a field of the
    # same name ("reason") gives each form its own, so every label names its own control.
    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._cleaned_input(self.data)

    def rebind(self, data: dict[str, Any]) -> None:
        """Check ``data`` with this same form, as a new form would: an import checks thousands
        of rows with one form, where building a form per row cost most of the time."""
        self.data = self._cleaned_input(data)
        self.is_bound = True
        self._errors = None
        self.__dict__.pop("cleaned_data", None)

    def full_clean(self) -> None:
        # Here rather than in __init__: forms add fields of their own after it.
        for name, field in self.fields.items():
            if (
                _free_text(field)
                and name not in self.identifiers_allowed
                and refuse_identifiers not in field.validators
            ):
                field.validators.append(refuse_identifiers)
        super().full_clean()

    def _cleaned_input(self, data: Any) -> Any:
        by_input = {self.add_prefix(name): field for name, field in self.fields.items()}

        def clean(key: str, value: Any) -> Any:
            field = by_input.get(key)
            if not isinstance(value, str) or (
                field is not None and isinstance(field.widget, forms.PasswordInput)
            ):
                return value
            multiline = field is not None and isinstance(field.widget, forms.Textarea)
            return clean_text(value, multiline=multiline)

        if isinstance(data, QueryDict):
            cleaned = data.copy()
            for key, values in data.lists():
                cleaned.setlist(key, [clean(key, v) for v in values])
            cleaned._mutable = False
            return cleaned
        if isinstance(data, dict):
            return {
                key: [clean(key, v) for v in value]
                if isinstance(value, list)
                else clean(key, value)
                for key, value in data.items()
            }
        return data

    def clean(self) -> dict[str, Any]:
        """Django's ``Form.clean`` returns ``cleaned_data`` (its type allows None, for clean()
        methods that return nothing); our forms' clean() methods build on the dict."""
        super().clean()
        return self.cleaned_data


def field_of(form: forms.BaseForm, name: str, kind: type[_FieldT]) -> _FieldT:
    """The form's own copy of field ``name``, as the kind of field the form declares (Django
    types ``form.fields`` as plain ``Field``)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on POST, else None: an empty POST must still bind (and fail) a form,
    which ``request.POST or None`` would silently leave unbound."""
    return request.POST if request.method == "POST" else None


def add_errors(form: forms.BaseForm, refused: Refused) -> None:
    """Show a service's refusal on the form: by field where the form has it, else on top."""
    for field, problems in refused.errors.items():
        for problem in problems:
            form.add_error(
                None if field == ALL or field not in form.fields else field, str(problem)
            )


EARLIEST_DAY = date(1990, 1, 1)
"""No customer file, consent or loan of this business predates it; an earlier date is a typo."""

YEARS_AHEAD = 100
"""The furthest future a date may name (a lease may run decades; the year 9990 is a typo that
once pushed a due date past the calendar's end)."""


def check_day(day: date, *, past_only: bool) -> None:
    """Refuse a day the business cannot mean, with the bounds in the message."""
    today = timezone.localdate()
    if day < EARLIEST_DAY:
        raise ValidationError(
            _("Give a date from %(day)s on."), code="too_early", params={"day": EARLIEST_DAY}
        )
    if past_only and day > today:
        raise ValidationError(_("This date lies in the future."), code="future")
    latest = today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))
    if day > latest:
        raise ValidationError(
            _("Give a date before %(day)s."), code="too_late", params={"day": latest}
        )


ISO_DAY = "%Y-%m-%d"
ISO_MOMENT = "%Y-%m-%dT%H:%M"
"""The only value formats the browser's date and time pickers accept, whatever the language:
a localized format (Chinese ``2026/12/01``) is dropped by the picker and the field comes back
empty, so a pre-filled form could not be saved unchanged (issue 16 §1). Display elsewhere
stays localized."""


class DayField(forms.DateField):
    """A calendar day between 1990 and a hundred years from today (``past_only``: up to today),
    shown with the browser's date picker. Every date a person types goes through it, so no
    typo reaches a due date, a report range or a deadline."""

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(format=ISO_DAY, attrs={"type": "date"}))
        super().__init__(**kwargs)
        self.past_only = past_only

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": EARLIEST_DAY.isoformat()}

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            check_day(value, past_only=self.past_only)


class MomentField(forms.DateTimeField):
    """A date and time with the same bounds as ``DayField``, on the browser's picker."""

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.DateTimeInput(format=ISO_MOMENT, attrs={"type": "datetime-local"})
        )
        super().__init__(**kwargs)
        self.past_only = past_only

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            check_day(timezone.localdate(value), past_only=self.past_only)


# Django's own form messages, pinned in Baomi's catalog with Django's Chinese wording: REST
# framework (installed for the integration API) words them differently, and an app's catalog
# takes precedence over Django's, so without these every form's "required" would change.
DJANGO_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
)
