"""A draft handed over through the API, checked by the registration form itself: the JSON is
turned into what the form would receive, and the form's messages come back under the API's
names for the fields (``content.mobile``, ``consent.scope``)."""

from __future__ import annotations

from typing import Any

from core.refusals import Refused
from records.fields import BY_NAME
from records.forms import IntakeForm

# The form's field -> the API's name for it.
API_NAMES = {
    "kind": "customer_kind",
    "source": "source",
    "acquired_at": "acquired_on",
    "tier": "level",
    "consent_purpose": "consent.purpose",
    "consent_scope": "consent.scope",
    "consent_sensitive": "consent.sensitive_scope",
    "consent_public": "consent.public_disclosure",
    "consent_method": "consent.method",
    "consent_obtained_at": "consent.obtained_on",
}


def _api_name(field: str) -> str:
    if field in BY_NAME:
        return f"content.{field}"
    return API_NAMES.get(field, field)


def form_for(data: dict[str, Any]) -> IntakeForm:
    """The intake form bound to the call's values and valid, or ``Refused`` with its messages."""
    consent = data["consent"]
    level = data.get("level")
    bound: dict[str, Any] = {
        **{name: value for name, value in data["content"].items() if value != ""},
        "kind": data["customer_kind"],
        "source": data["source"],
        "acquired_at": data["acquired_on"].isoformat(),
        "tier": "" if level is None else str(level),
        "consent_purpose": consent["purpose"],
        "consent_scope": list(consent["scope"]),
        "consent_sensitive": list(consent["sensitive_scope"]),
        "consent_method": consent["method"],
        "consent_obtained_at": consent["obtained_on"].isoformat(),
        "attachment_kind": "id_scan",
    }
    if consent["public_disclosure"]:
        bound["consent_public"] = "on"
    form = IntakeForm(bound)
    if not form.is_valid():
        raise Refused(
            {
                _api_name(field): [str(message) for message in messages]
                for field, messages in form.errors.items()
            }
        )
    return form


def renamed(refused: Refused) -> Refused:
    """A refusal of the intake rules under the API's names for the fields."""
    return Refused({_api_name(field): list(messages) for field, messages in refused.errors.items()})
