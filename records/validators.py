"""Validators for the identifiers on an intake form (R10).

Each check returns a normalised value or raises ``ValidationError`` with a message that says what
is wrong in words a sales person understands, never echoing the value back (it may end up in a
log line). The check-digit functions are public so tests and the demo generator use the same maths.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Resident identity card number (GB 11643-1999) -------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
# First two digits: province-level division codes in use (GB/T 2260).
_PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
     "65", "71", "81", "82", "91"}
)  # fmt: skip


def resident_id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _nfkc(value: str) -> str:
    """Full-width digits and letters (typed with a Chinese input method) become ASCII."""
    return unicodedata.normalize("NFKC", value)


def normalise_resident_id(value: str) -> str:
    return re.sub(r"\s", "", _nfkc(value)).upper()


def validate_resident_id(value: str, today: date | None = None) -> str:
    number = normalise_resident_id(value)
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_shape",
        )
    if number[:2] not in _PROVINCE_CODES:
        raise ValidationError(
            _("The first two digits of this ID number are not a province code."), code="id_region"
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Digits 7 to 14 of this ID number are not a real date of birth."), code="id_birth"
        ) from None
    today = today or date.today()
    if born > today or born.year < 1900:
        raise ValidationError(
            _("The date of birth in this ID number is not plausible."), code="id_birth"
        )
    if resident_id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The last character of this ID number does not match the others; please check it."),
            code="id_check",
        )
    return number


# --- Mainland mobile numbers -------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", _nfkc(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def validate_mobile(value: str) -> str:
    number = normalise_mobile(value)
    if not _MOBILE.match(number):
        raise ValidationError(
            _("A mainland mobile number has 11 digits and starts with 13 to 19."), code="mobile"
        )
    return number


# --- Bank cards (Luhn) -------------------------------------------------------------------------


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def normalise_bank_card(value: str) -> str:
    return re.sub(r"[\s\-]", "", _nfkc(value))


def validate_bank_card(value: str) -> str:
    number = normalise_bank_card(value)
    if not re.fullmatch(r"[0-9]{12,19}", number):
        raise ValidationError(_("A bank card number has 12 to 19 digits."), code="card_shape")
    if luhn_check_digit(number[:-1]) != number[-1]:
        raise ValidationError(
            _("This bank card number fails its check digit; please check for a typo."),
            code="card_check",
        )
    return number


# --- Unified social credit code (GB 32100-2015) ---------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    return re.sub(r"\s", "", _nfkc(value)).upper()


def validate_uscc(value: str) -> str:
    code = normalise_uscc(value)
    if not _USCC_SHAPE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V and Z."
            ),
            code="uscc_shape",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The last character of this credit code does not match the others."),
            code="uscc_check",
        )
    return code


def normalise_name(value: str) -> str:
    """Names compare equal regardless of width, spacing, case and the middle dot variants."""
    text = unicodedata.normalize("NFKC", value)
    text = text.replace("•", "·").replace("・", "·")
    return re.sub(r"\s+", "", text).casefold()
