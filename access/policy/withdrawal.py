"""Withdrawn consent (issue 17 §3, PIPL Art. 15): what stops, and what the person is told."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from access.policy.decisions import Decision

# What stops when the customer withdraws consent (PIPL Art. 15): the file is kept for its
# retention period and legal duties, but nobody communicates, reveals, copies, lends or shares.
STOPPED_BY_WITHDRAWAL = frozenset(
    {
        "reveal",
        "log_communication",
        "copy",
        "borrow",
        "share_external",
    }
)  # (submission is refused by the consent check itself, on the form: records.consents)


def withdrawn_refusal(when: Any) -> Decision:
    from django.utils import timezone
    from django.utils.formats import date_format

    day = date_format(timezone.localtime(when), "DATE_FORMAT")
    return Decision(
        False,
        _(
            "The customer withdrew consent on %(day)s. The file is kept only for its retention "
            "period and legal duties: no new communication, reveal, copy, loan or external "
            "provision. Record a new consent if the customer gives it again; otherwise the file "
            "awaits its deletion review."
        )
        % {"day": day},
    )
