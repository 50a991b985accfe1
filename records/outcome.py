"""How the business with a customer ended (deal closed / no deal), which starts the retention
clock (R60). The disposal app reads ``outcome`` and ``contract_ended_on``; this records them."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

import audit
from access import policy
from access.models import User
from access.policy import RecordAction
from core.refusals import Refused
from records.models import CustomerRecord, Outcome
from records.signals import retention_inputs_changed


def set_outcome(
    user: User,
    record: CustomerRecord,
    outcome: str,
    contract_ended_on: date | None = None,
    *,
    client: policy.ClientLike | None = None,
) -> CustomerRecord:
    """``client``: an integration client acting through the API (``user`` is then its service
    identity); its scopes and departments decide instead of the person rules."""
    if client is not None:
        policy.require_api_record(client, policy.Scope.SET_OUTCOME, record)
    else:
        policy.require(user, RecordAction.SET_OUTCOME, record)
    if outcome == Outcome.DEAL_CLOSED and contract_ended_on is None:
        raise Refused({"contract_ended_on": [_("Give the date the contract ends (or ended).")]})
    with transaction.atomic():
        record.outcome = outcome
        record.contract_ended_on = contract_ended_on if outcome == Outcome.DEAL_CLOSED else None
        record.save(update_fields=["outcome", "contract_ended_on", "updated_at"])
        audit.record(
            user,
            "record.outcome",
            record,
            outcome=outcome,
            contract_ended_on=record.contract_ended_on.isoformat()
            if record.contract_ended_on
            else "",
        )
        retention_inputs_changed.send(sender=CustomerRecord, record=record)
    return record
