"""CSV cells that spreadsheet programs will not execute.

A cell that starts with ``= + - @`` (or a tab or carriage return) is read as a formula by Excel
and WPS; a customer name like ``=HYPERLINK(...)`` would run when an auditor opens the export.
Such cells get a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def row(values: list[object]) -> list[str]:
    return [neutralise(value) for value in values]
