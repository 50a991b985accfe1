"""Customer identifiers in free text (issue 17 §7).

A reason, a note or a comment that reaches the audit log stays there for good: the log is
append-only and nothing in it is encrypted under a file's key, so crypto-shredding the file
cannot reach a phone number someone typed into "why I opened it". Forms refuse such text with a
message (``core.forms.BaomiForm``); the audit API masks whatever still arrives (``mask``).

Found: mainland mobile numbers (with or without +86, spaces or dashes), landline numbers with
an area code, resident ID numbers (18 characters with a plausible birth date, or the old 15),
bank card numbers (16 to 19 digits, grouped or not), e-mail addresses. Full-width digits count
like ASCII ones. A match must stand alone: digits inside a longer run of letters and digits (a
hash, a key id) are not a phone number.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
_BIRTH = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

_PATTERNS: dict[str, str] = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "id_number": _ALONE_BEFORE + r"(?:\d{6}" + _BIRTH + r"\d{3}[0-9Xx]|\d{15})" + _ALONE_AFTER,
    "bank_card": _ALONE_BEFORE + r"\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?" + _ALONE_AFTER,
    "mobile": _ALONE_BEFORE + r"(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}" + _ALONE_AFTER,
    "landline": _ALONE_BEFORE + r"0\d{2,3}[ -]\d{7,8}" + _ALONE_AFTER,
}
_FOUND = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS.items()))

LABELS: dict[str, Promise] = {
    "email": _("an e-mail address"),
    "id_number": _("an ID number"),
    "bank_card": _("a bank card number"),
    "mobile": _("a mobile number"),
    "landline": _("a phone number"),
}


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def found_in(text: str) -> list[str]:
    """The kinds of identifier in ``text``, in the order of the patterns (each once)."""
    kinds = {match.lastgroup for match in _FOUND.finditer(_normalised(text))}
    return [kind for kind in _PATTERNS if kind in kinds]


def mask(text: str) -> str:
    """``text`` with every identifier replaced by its kind in brackets, e.g. "[mobile]"."""
    if not any(ch.isdigit() or ch == "@" for ch in text):
        return text  # the common case: nothing that could match
    normalised = _normalised(text)
    if _FOUND.search(normalised) is None:
        return text  # unchanged, full-width punctuation and all
    return _FOUND.sub(lambda match: f"[{match.lastgroup}]", normalised)
