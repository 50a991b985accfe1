"""The minimum classification a client file's content requires (R20, P3).

Level 1 (一级 绝密): ID number, bank account, detailed address, core financial data, and the
special categories (health, religion, political status). Level 2 (二级 机密): detailed contacts,
a specific budget, negotiation terms, unpublished deal progress. Otherwise Level 3 (三级 敏感).
Public (公开) only when the customer authorised disclosure and nothing above requires more.
The handler may raise the level (a smaller number), never lower it below the minimum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from records.fields import BY_NAME, fields_of_attachments


class Tier(models.IntegerChoices):
    TOP_SECRET = 1, _("Level 1 · Top secret")
    CONFIDENTIAL = 2, _("Level 2 · Confidential")
    SENSITIVE = 3, _("Level 3 · Sensitive")
    PUBLIC = 4, _("Public")


# Field name -> the tier its presence requires. Fields not listed require nothing by themselves.
_REQUIRES: dict[str, Tier] = {
    "id_number": Tier.TOP_SECRET,
    "credit_code": Tier.TOP_SECRET,
    "bank_card": Tier.TOP_SECRET,
    "address_detail": Tier.TOP_SECRET,
    "income_band": Tier.TOP_SECRET,
    "credit_notes": Tier.TOP_SECRET,
    "health": Tier.TOP_SECRET,
    "religion": Tier.TOP_SECRET,
    "political_status": Tier.TOP_SECRET,
    "mobile": Tier.CONFIDENTIAL,
    "email": Tier.CONFIDENTIAL,
    "contact_person": Tier.CONFIDENTIAL,
    "family_members": Tier.CONFIDENTIAL,
    "budget": Tier.CONFIDENTIAL,
    "negotiation_notes": Tier.CONFIDENTIAL,
    "deal_progress": Tier.CONFIDENTIAL,
}


@dataclass(frozen=True)
class Derivation:
    minimum: Tier
    reasons: list[str | Promise]  # one sentence per field that set the level


def derive(
    content: dict[str, str], public_authorised: bool = False, attachment_kinds: Iterable[str] = ()
) -> Derivation:
    """The strictest tier any present field (or an attachment standing for one) requires, with
    the reasons that require it."""
    present = {
        name: _REQUIRES[name] for name, value in content.items() if value and name in _REQUIRES
    }
    attached = {
        name: why
        for name, why in fields_of_attachments(attachment_kinds).items()
        if name in _REQUIRES and name not in present
    }
    present.update({name: _REQUIRES[name] for name in attached})
    if not present:
        if public_authorised:
            return Derivation(Tier.PUBLIC, [_("The customer authorised disclosure.")])
        return Derivation(Tier.SENSITIVE, [_("Every client file is at least Level 3.")])
    minimum = Tier(min(present.values()))
    reasons: list[str | Promise] = []
    for name, tier in present.items():
        if tier != minimum:
            continue
        if name in attached:
            reasons.append(
                _("%(attachment)s (it shows the %(field)s), which requires %(tier)s.")
                % {
                    "attachment": attached[name],
                    "field": BY_NAME[name].label,
                    "tier": Tier(minimum).label,
                }
            )
        else:
            reasons.append(
                _("%(field)s is filled in, which requires %(tier)s.")
                % {"field": BY_NAME[name].label, "tier": Tier(minimum).label}
            )
    return Derivation(minimum, reasons)


def allowed_tiers(minimum: Tier) -> list[Tier]:
    """Tiers a handler may choose: the minimum or stricter."""
    return [tier for tier in Tier if tier <= minimum]


def is_allowed(chosen: int, minimum: Tier) -> bool:
    return chosen in Tier.values and chosen <= minimum
