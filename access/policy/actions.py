"""Everything a person may do on one client file, decided in one pass, for a page.

A page asks once (``allowed_actions``) and shows what the answer allows: it never restates a
rule. The grant behind a loan is read once for all the questions (``grants_read_once``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from access.policy.decisions import Decision
from access.policy.grants import by_emergency, grants_read_once
from access.policy.records import RecordAction, RecordLike, decide, loan_until
from access.policy.roles import Person
from access.policy.withdrawal import withdrawn_refusal


@dataclass(frozen=True)
class Allowed:
    """``can["edit"]``, ``can.edit`` and ``"edit" in can`` (templates: ``can.edit``) all say
    whether the person may; iterating gives what they may do; ``reason`` says why not.
    ``loan_until`` is when a borrowed file's access ends (None when by role)."""

    decisions: Mapping[RecordAction, Decision]
    loan_until: Any = None
    emergency: bool = False  # the grant behind ``loan_until`` is emergency access
    # Printing the registration form for the customer to sign (``decide_registration_form``).
    registration_form: Decision = field(default_factory=lambda: Decision(False, ""))

    def __getitem__(self, action: str) -> bool:
        return self.decisions[RecordAction(action)].allowed

    def __iter__(self) -> Iterator[str]:
        return (str(action) for action, decision in self.decisions.items() if decision.allowed)

    def __contains__(self, action: object) -> bool:
        """As on the request and batch pages, where ``can`` is the set of actions available."""
        try:
            return self[str(action)]
        except ValueError:
            return False

    def __getattr__(self, action: str) -> bool:  # allowed.edit, as templates write it
        try:
            return self[action]
        except ValueError:
            raise AttributeError(action) from None

    def reason(self, action: str) -> str:
        return str(self.decisions[RecordAction(action)].reason)


def allowed_actions(user: Person, record: RecordLike) -> Allowed:
    """Every ``RecordAction`` decided for ``user`` on ``record``, with one grant query."""
    with grants_read_once(user, [record]):
        until = loan_until(user, record)
        return Allowed(
            decisions={action: decide(user, action, record) for action in RecordAction},
            loan_until=until,
            emergency=bool(until) and by_emergency(user, record),
            registration_form=decide_registration_form(user, record),
        )


def decide_registration_form(user: Person, record: RecordLike) -> Decision:
    """The registration form (客户信息登记表) asks the customer to confirm and sign the consent
    printed on it: whoever manages the file's consent prints it, while that consent stands. A
    withdrawn consent is not put before the customer as given (PIPL Art. 15); a new consent,
    once recorded, is."""
    decision = decide(user, RecordAction.MANAGE_CONSENT, record)
    withdrawn = getattr(record, "consent_withdrawn_at", None)
    if decision.allowed and withdrawn:
        return withdrawn_refusal(withdrawn)
    return decision
