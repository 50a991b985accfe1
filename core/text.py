"""The one cleaning rule for text a person types and others read (issue 17 §8).

Invisible characters make a name or a note say something other than it shows: a right-to-left
override turns "张伟\u202e123" around on the reader's screen, a zero-width space makes two equal
names differ (and slips past the duplicate check and the blind index), a control character
breaks a CSV or a log line. Every human-entered string goes through ``clean_text`` on its way
in: the base form applies it to every submitted field (passwords excepted), the services that
take text without a form (intake, attachment names) apply it themselves.

Kept: every letter, digit, mark and symbol, private-use characters (some legacy Chinese name
characters live there), and in multi-line text the line break and tab. Removed: format
characters (Unicode category Cf: bidi overrides and isolates, zero-width spaces and joiners,
the byte-order mark, soft hyphen), other control characters (Cc) and lone surrogates (Cs).
Line and paragraph separators become line breaks; text is NFC-normalised (the same
characters compose the same way, so a name typed on a phone and on a PC compare equal).
"""

from __future__ import annotations

import unicodedata

_REMOVED = frozenset({"Cc", "Cf", "Cs"})
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without invisible or direction-changing characters, trimmed. A single-line
    value has its line breaks and tabs turned into spaces."""
    # Most text is already clean: printable (no Cc, Cf, Cs, line or paragraph separator, tab)
    # and composed. It needs only the trim; the character walk below is for the rest.
    if value.isprintable() and unicodedata.is_normalized("NFC", value):
        return value.strip()
    for old, new in _LINE_BREAKS.items():
        value = value.replace(old, new)
    kept = []
    for ch in unicodedata.normalize("NFC", value):
        if ch in "\n\t":
            kept.append(ch if multiline else " ")
        elif unicodedata.category(ch) not in _REMOVED:
            kept.append(ch)
    return "".join(kept).strip()
