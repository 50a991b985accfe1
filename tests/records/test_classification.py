"""R20/R21/P3: the minimum tier follows from the content; handlers may raise it, never lower it."""

from __future__ import annotations

import pytest

from records.classification import Tier, allowed_tiers, derive, is_allowed

TABLE = [
    ({"full_name": "张三"}, False, Tier.SENSITIVE),
    ({"full_name": "张三"}, True, Tier.PUBLIC),
    (
        {"full_name": "张三", "address_region": "北京市朝阳区", "needs": "两居"},
        False,
        Tier.SENSITIVE,
    ),
    ({"full_name": "张三", "mobile": "13912345678"}, False, Tier.CONFIDENTIAL),
    ({"full_name": "张三", "mobile": "13912345678"}, True, Tier.CONFIDENTIAL),
    ({"full_name": "张三", "budget": "3000000"}, False, Tier.CONFIDENTIAL),
    ({"full_name": "张三", "negotiation_notes": "底价"}, False, Tier.CONFIDENTIAL),
    ({"full_name": "张三", "deal_progress": "已下定"}, False, Tier.CONFIDENTIAL),
    ({"full_name": "张三", "id_number": "x"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "bank_card": "x"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "address_detail": "x"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "income_band": "gt1m"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "credit_notes": "x"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "health": "x", "mobile": "13912345678"}, True, Tier.TOP_SECRET),
    ({"full_name": "某公司", "credit_code": "x"}, False, Tier.TOP_SECRET),
    ({"full_name": "张三", "mobile": ""}, False, Tier.SENSITIVE),  # empty values count for nothing
]


@pytest.mark.parametrize(("content", "public", "minimum"), TABLE)
def test_r20_minimum_tier_derivation_table(content, public, minimum):
    assert derive(content, public_authorised=public).minimum == minimum


def test_r20_the_derivation_names_the_fields_that_require_the_level():
    reasons = [
        str(r) for r in derive({"full_name": "张三", "id_number": "x", "budget": "1"}).reasons
    ]
    assert reasons == ["Resident ID number is filled in, which requires Level 1 · Top secret."]


def test_r21_handlers_may_raise_the_tier_never_lower_it():
    assert allowed_tiers(Tier.CONFIDENTIAL) == [Tier.TOP_SECRET, Tier.CONFIDENTIAL]
    assert is_allowed(Tier.TOP_SECRET, Tier.CONFIDENTIAL)
    assert not is_allowed(Tier.SENSITIVE, Tier.CONFIDENTIAL)
    assert not is_allowed(Tier.PUBLIC, Tier.SENSITIVE)
    assert not is_allowed(9, Tier.SENSITIVE)
