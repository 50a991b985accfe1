"""R10: identifiers on the intake form are checked by their national check digits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from records import validators as v

PROVINCES = sorted(v._PROVINCE_CODES)


@st.composite
def resident_ids(draw) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + v.resident_id_check_digit(first17)


@st.composite
def bank_cards(draw) -> str:
    payload = draw(st.from_regex(r"62[0-9]{14,16}", fullmatch=True))
    return payload + v.luhn_check_digit(payload)


@st.composite
def credit_codes(draw) -> str:
    alphabet = st.sampled_from(v._USCC_ALPHABET)
    head = "".join(draw(st.lists(alphabet, min_size=2, max_size=2)))
    region = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    body = "".join(draw(st.lists(alphabet, min_size=9, max_size=9)))
    first17 = head + region + body
    return first17 + v.uscc_check_char(first17)


@given(resident_ids())
def test_r10_every_well_formed_resident_id_is_accepted(number):
    assert v.validate_resident_id(number.lower(), today=date(2026, 11, 23)) == number


@given(resident_ids(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_r10_a_single_wrong_digit_in_a_resident_id_is_refused(number, position, delta):
    digit = str((int(number[position]) + delta) % 10)
    typo = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        v.validate_resident_id(typo, today=date(2026, 11, 23))


def test_r10_resident_id_messages_say_what_is_wrong():
    today = date(2026, 11, 23)
    cases = {
        "1101051949123100": "18 characters",
        "99010519491231002X": "province code",
        "110105194913310020": "real date of birth",
        "110105194912310021": "does not match",
    }
    for number, words in cases.items():
        with pytest.raises(ValidationError) as raised:
            v.validate_resident_id(number, today=today)
        assert words in str(raised.value.messages[0])
        assert number not in str(raised.value.messages[0])  # values never echoed into messages
    future = today + timedelta(days=1)
    first17 = f"110105{future:%Y%m%d}001"
    with pytest.raises(ValidationError, match="not plausible"):
        v.validate_resident_id(first17 + v.resident_id_check_digit(first17), today=today)


@given(bank_cards())
def test_r10_luhn_valid_bank_cards_are_accepted_with_spaces(card):
    spaced = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    assert v.validate_bank_card(spaced) == card


@given(bank_cards(), st.integers(1, 9))
def test_r10_a_changed_last_digit_fails_luhn(card, delta):
    typo = card[:-1] + str((int(card[-1]) + delta) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        v.validate_bank_card(typo)


@given(credit_codes())
def test_r10_unified_social_credit_codes_with_the_right_check_character_pass(code):
    assert v.validate_uscc(code.lower()) == code


@given(credit_codes(), st.integers(1, 30))
def test_r10_a_wrong_check_character_in_a_credit_code_is_refused(code, delta):
    index = (v._USCC_ALPHABET.index(code[-1]) + delta) % 31
    with pytest.raises(ValidationError):
        v.validate_uscc(code[:-1] + v._USCC_ALPHABET[index])


def test_r10_a_published_credit_code_passes():
    assert v.validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
    ],
)
def test_r10_mainland_mobiles_are_normalised(typed, stored):
    assert v.validate_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["12912345678", "1391234567", "139123456789", "010-12345678"])
def test_r10_non_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError, match="11 digits"):
        v.validate_mobile(typed)


def test_r10_full_width_digits_are_read_and_other_scripts_refused():
    # A Chinese input method types full-width digits: they mean the same number. Python's \d
    # also matches Arabic-Indic digits, which are not a Chinese number and are refused.
    assert v.validate_bank_card("６２２２０２０２００１１２２３３４４６") == "6222020200112233446"
    with pytest.raises(ValidationError):
        v.validate_mobile("١٣٩١٢٣٤٥٦٧٨")
