"""Forms: the base every app's forms share, binding on POST, and refusals shown on a form."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest, QueryDict

from core.refusals import ALL, Refused

_FieldT = TypeVar("_FieldT", bound=forms.Field)


class BaomiForm(forms.Form):
    """Labels without Django's ASCII colon, which reads wrong in Chinese; CSS sets them apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

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
