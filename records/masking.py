"""How each value of a client file is shown by default (R13, R21, P2).

Masks keep just enough to recognise a customer on the phone (the last digits, the surname, the
district) and never reveal a value's length. Whether NAME and CONTACT values are shown in clear
for a viewer is the policy's decision (``access.policy.clear_fields``); SECRET values are shown only
after a reveal, which the caller passes in as ``revealed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from records.fields import FIELDS, GENDERS, INCOME_BANDS, SECTION_LABELS, Field, Masking, Section

HIDDEN = "••••"


def mask_name(value: str) -> str:
    value = value.strip()
    return value[:1] + "**" if value else ""


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:] if len(value) >= 10 else HIDDEN


def mask_uscc(value: str) -> str:
    return value[:8] + "*" * 8 + value[-2:] if len(value) >= 10 else HIDDEN


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else HIDDEN


def mask_bank_card(value: str) -> str:
    return "**** " + value[-4:] if len(value) >= 4 else HIDDEN


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if at else HIDDEN


_MASKERS = {
    "id_number": mask_id_number,
    "uscc": mask_uscc,
    "mobile": mask_mobile,
    "bank_card": mask_bank_card,
    "email": mask_email,
}


def mask(field: Field, value: str) -> str:
    if not value:
        return ""
    if field.name in {"full_name", "contact_person"}:
        return mask_name(value)
    masker = _MASKERS.get(field.kind)
    return masker(value) if masker else HIDDEN


def readable(field: Field, value: str) -> str | Promise:
    """A stored value in words (choice codes become their labels)."""
    if field.kind == "income":
        return dict(INCOME_BANDS).get(value, value)
    if field.kind == "gender":
        return dict(GENDERS).get(value, value)
    return value


@dataclass(frozen=True)
class Shown:
    field: Field
    text: str | Promise
    masked: bool


@dataclass(frozen=True)
class ShownSection:
    section: Section
    label: Promise
    rows: list[Shown]


def show(
    content: dict[str, str], *, clear: frozenset[str], revealed: frozenset[str] = frozenset()
) -> list[ShownSection]:
    """Every filled-in value, masked or clear, grouped by section in template order."""
    sections: list[ShownSection] = []
    for section in Section:
        rows = []
        for field in FIELDS:
            value = content.get(field.name, "")
            if field.section != section or not value:
                continue
            shown = (
                field.name in revealed
                or field.masking == Masking.BUSINESS
                or (field.masking != Masking.SECRET and field.masking in clear)
            )
            rows.append(
                Shown(field, readable(field, value) if shown else mask(field, value), not shown)
            )
        if rows:
            sections.append(ShownSection(section, SECTION_LABELS[section], rows))
    return sections


def display_name(content: dict[str, str], *, clear: frozenset[str]) -> str:
    """The customer's name for lists: masked unless names are clear for this viewer."""
    name = content.get("full_name", "")
    return name if Masking.NAME in clear else mask_name(name)


NO_VALUE = _("(not given)")
