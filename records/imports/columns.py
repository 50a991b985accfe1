"""The columns of an import register, and how a cell's text becomes what the form would get.

One table serves the template, the reading of an upload and the rejected-rows workbook, so a
field added to the intake template (records.fields) is a column here without touching them.
Headers are written in the language of the page that made the template (Chinese by default)
and read in either language, so a register filled in from an English template comes in too.
Choice cells (source, level, gender, consent method, categories) take the label a person reads
in either language, or the short words a Chinese office writes (个人, 纸质, 全部).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.text import clean_text
from records.classification import Tier
from records.fields import (
    CATEGORY_LABELS,
    FIELDS,
    GENDERS,
    INCOME_BANDS,
    SENSITIVE_CATEGORIES,
    Category,
    Field,
)
from records.models import ConsentMethod, CustomerKind, Source

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Column:
    key: str  # the form field it fills (or a key of the import's own)
    label: Promise | str
    person: bool = True
    company: bool = True
    text: bool = False  # digits that must stay text in Excel (IDs, cards, phones)


def _field_column(spec: Field) -> Column:
    digits = spec.kind in {"id_number", "uscc", "bank_card", "mobile"}
    return Column(spec.name, spec.label, spec.person, spec.company, text=digits)


KIND = Column("kind", _("Kind of customer"))
HEAD = (
    Column("old_number", _("Old archive number"), text=True),
    Column("paper_location", _("Paper folder location (room / cabinet / shelf)"), text=True),
    Column("handler", _("Handler (account name)")),
    Column("source", _("Source of the information")),
    Column("acquired_at", _("Information obtained on")),
    Column("tier", _("Classification (empty: automatic)")),
)
CONSENT = (
    Column("consent_purpose", _("Purpose the customer was told")),
    Column("consent_scope", _("The customer consented to the collection of")),
    Column("consent_sensitive", _("Separate consent for sensitive data")),
    Column("consent_method", _("How consent was given")),
    Column("consent_obtained_at", _("Consent given on")),
    Column("evidence_reference", _("Where the signed consent is kept")),
)
COLUMNS: tuple[Column, ...] = (*HEAD, *(_field_column(f) for f in FIELDS), *CONSENT)
BY_KEY = {column.key: column for column in (KIND, *COLUMNS)}

# The xlsx template has one sheet per kind of customer; a CSV file says the kind in a column.
SHEETS: dict[str, Promise] = {
    CustomerKind.PERSON: _("Individuals"),
    CustomerKind.COMPANY: _("Companies"),
}


def columns_for(kind: str) -> list[Column]:
    person = kind == CustomerKind.PERSON
    return [c for c in COLUMNS if (c.person if person else c.company)]


def csv_columns() -> list[Column]:
    return [KIND, *COLUMNS]


def in_each_language(text: Promise | str) -> set[str]:
    found = set()
    for language in LANGUAGES:
        with translation.override(language):
            found.add(_folded(str(text)))
    return found


def _folded(text: str) -> str:
    """Case, spaces and the full-width brackets and colons people type do not matter."""
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"\s+", "", text).casefold()


# Headers Chinese offices' own registers use for the same columns.
HEADER_ALIASES = {
    "档案号": "old_number", "经办人": "handler", "经手人": "handler", "客户姓名": "full_name",
    "手机": "mobile", "手机号": "mobile", "电话": "mobile", "身份证号": "id_number",
    "身份证号码": "id_number", "来源": "source", "客户类别": "kind",
    "纸质档案位置": "paper_location", "存放位置": "paper_location", "档案位置": "paper_location",
}  # fmt: skip


def header_keys(headers: list[Any]) -> tuple[list[str | None], list[str]]:
    """The column key of each header cell (None: not ours), and the headers not recognised."""
    names: dict[str, str] = {_folded(alias): key for alias, key in HEADER_ALIASES.items()}
    for column in BY_KEY.values():
        names[_folded(column.key)] = column.key
        for label in in_each_language(column.label):
            names[label] = column.key
    keys: list[str | None] = []
    unknown = []
    for header in headers:
        text = "" if header is None else str(header)
        key = names.get(_folded(text))
        keys.append(key)
        if key is None and text.strip():
            unknown.append(text.strip())
    return keys, unknown


def _choice_map(choices: list[tuple[Any, Any]], extra: dict[str, Any] | None = None) -> dict:
    found: dict[str, Any] = {}
    for value, label in choices:
        if value in ("", None):
            continue
        found[_folded(str(value))] = value
        for text in in_each_language(label):
            found[text] = value
    for text, value in (extra or {}).items():
        found[_folded(text)] = value
    return found


# The short words Chinese offices write in their own registers.
_SHORT_WORDS: dict[str, dict[str, Any]] = {
    "kind": {"个人": "person", "企业": "company", "公司": "company", "单位": "company"},
    "source": {"来访": "walk_in", "电话": "phone", "网络": "online", "转介绍": "referral"},
    "tier": {"一级": 1, "绝密": 1, "二级": 2, "机密": 2, "三级": 3, "秘密": 3, "公开": 4},
    "gender": {"女": "female", "男": "male"},
    "consent_method": {"纸质": "paper", "书面": "paper", "电子签名": "esign", "录音": "verbal"},
}
_CATEGORY_WORDS = {
    "身份": Category.IDENTITY, "联系方式": Category.CONTACT, "证件号码": Category.ID_NUMBER,
    "身份证号": Category.ID_NUMBER, "财务": Category.FINANCIAL, "收入": Category.FINANCIAL,
    "银行账户": Category.BANK_ACCOUNT, "交易": Category.TRANSACTION,
    "健康宗教政治": Category.SPECIAL, "沟通记录": Category.COMMUNICATIONS,
}  # fmt: skip
ALL_GENERAL = {"全部", "all"}

_CHOICES: dict[str, dict[str, Any]] = {}


def _choices(key: str) -> dict[str, Any]:
    if not _CHOICES:
        lists: dict[str, list[tuple[Any, Any]]] = {
            "kind": list(CustomerKind.choices),
            "source": list(Source.choices),
            "tier": [(t.value, t.label) for t in Tier] + [(str(t.value), t.label) for t in Tier],
            "gender": list(GENDERS),
            "income_band": list(INCOME_BANDS),
            "consent_method": list(ConsentMethod.choices),
        }
        for name, choices in lists.items():
            _CHOICES[name] = _choice_map(choices, _SHORT_WORDS.get(name))
        categories = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
        _CHOICES["category"] = _choice_map(categories, dict(_CATEGORY_WORDS))
    return _CHOICES[key]


class CellProblem(ValueError):
    """A cell that cannot be read: its message names what to write instead."""


def choice(key: str, text: str) -> Any:
    """The value a choice cell stands for; ``CellProblem`` when it stands for none."""
    value = _choices(key).get(_folded(text))
    if value is None:
        raise CellProblem(_("Not one of the choices of this column (see the registration form)."))
    return value


def categories(text: str, *, sensitive: bool) -> list[str]:
    """The categories a consent cell names, split at 、 , ; or spaces; "全部" in the general
    column is every general category (never a sensitive one: those are consented one by one)."""
    words = [w for w in re.split(r"[、,，;；/\s]+", text) if w]
    found: list[str] = []
    for word in words:
        if not sensitive and _folded(word) in ALL_GENERAL:
            found += [c.value for c in Category if c not in SENSITIVE_CATEGORIES]
            continue
        category = choice("category", word)
        if (category in SENSITIVE_CATEGORIES) != sensitive:
            raise CellProblem(_("A category that belongs in the other consent column."))
        found.append(str(category))
    return sorted(set(found))


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def day(value: Any) -> str:
    """An ISO day from an Excel date, or from the ways people write one (2019/3/5, 2019年3月5日,
    20190305); ``CellProblem`` otherwise."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = _DAY.fullmatch(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise CellProblem(_("Not a date. Write it as 2019-03-05."))
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        raise CellProblem(_("Not a date on the calendar.")) from None


def text_of(column: Column, value: Any) -> str:
    """A cell as text. A long number Excel stored as a number has lost its last digits (an ID
    number becomes 1.10105E+17): refused, with how to keep it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        if column.text and abs(value) >= 1e15:
            raise CellProblem(
                _(
                    "Excel stored this number as a number and lost its last digits. Format the "
                    "column as text and type it again."
                )
            )
        value = int(value) if value.is_integer() else value
    if isinstance(value, (datetime, date)):
        return day(value)
    text = clean_text(str(value))
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # how a spreadsheet (and our rejected rows) keeps such a value text
    return text
