"""The one refusal: a step that cannot go ahead, with what to tell the person.

Services raise ``Refused`` when a request, an intake, a restore or any other step is refused for
a reason the person can act on (a missing field, a state that does not allow it). Views show the
messages next to the form fields they name (``"__all__"``: the form as a whole) with
``core.forms.add_errors``; commands print them. A refusal by the policy (who may do what) is
``access.policy.Denied`` instead, which the 403 page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    # What gettext_lazy returns, as django-stubs names it (Django's forms and messages take it).
    from django.utils.functional import _StrPromise as LazyStr
else:
    LazyStr = Promise

Message = str | LazyStr
ALL = "__all__"


class Refused(Exception):
    """Messages by form field name; a bare message is about the whole form."""

    def __init__(self, errors: dict[str, list[Message]] | Message):
        if not isinstance(errors, dict):
            errors = {ALL: [errors]}
        self.errors: dict[str, list[Message]] = errors
        super().__init__("; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """Every message, as text in the active language."""
        return [str(message) for messages in self.errors.values() for message in messages]

    def __str__(self) -> str:
        return "; ".join(self.messages)
