"""What a client file's own state forbids, whoever asks: a person (access/policy/records.py)
or an integration client (access/policy/integrations.py). One place, so that a file kept only
because the law requires it is as closed to the CRM as to a salesperson."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from access.policy.decisions import Decision
from access.policy.terms import GONE
from access.policy.withdrawal import STOPPED_BY_WITHDRAWAL, withdrawn_refusal

# What may still happen to a restricted file: keep it, hold it, destroy it when allowed.
_STORAGE_ACTIONS = frozenset({"manage_paper", "dispose", "hold"})


def state_refusal(action: str, record: Any) -> Decision | None:
    """What the file's own state forbids whoever asks, a person or an integration client:
    destroyed, restricted (PIPL Art. 47 (2): kept only because the law requires it), or its
    consent withdrawn. None when the state allows ``action``."""
    if record.status in GONE:
        return Decision(False, _("This client file was destroyed; its content no longer exists."))
    if getattr(record, "restricted_at", None) and action not in _STORAGE_ACTIONS:
        return Decision(
            False,
            _(
                "This file is restricted: it is kept only because the law requires it. Only the "
                "legal department can open it."
            ),
        )
    withdrawn = getattr(record, "consent_withdrawn_at", None)
    if withdrawn and action in STOPPED_BY_WITHDRAWAL:
        return withdrawn_refusal(withdrawn)
    return None
