"""Fictitious registers as a Chinese office fills the template in: for the demo, the tests and
the import benchmark (records.samples makes the people; nothing here is a real person)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.utils import translation
from openpyxl import Workbook

from records.imports.columns import SHEETS, columns_for
from records.samples import Samples

_GENDER = {"female": "女", "male": "男"}


def build(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """An xlsx register in the Chinese template's layout: ``{kind: [{column key: value}]}``."""
    book = Workbook(write_only=True)
    with translation.override("zh-hans"):
        for kind, rows in sheets.items():
            columns = columns_for(kind)
            sheet = book.create_sheet(str(SHEETS[kind]))
            sheet.append([str(column.label) for column in columns])
            for row in rows:
                sheet.append([row.get(column.key) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_rows(
    count: int, handlers: list[str], *, seed: int = 2019, first_number: int = 1
) -> list[dict[str, Any]]:
    """``count`` valid rows of individuals (levels 1 to 3 in turn), every fifth without the
    place of its signed consent, numbered 2019-0001 on."""
    samples = Samples(seed)
    rows = []
    for index in range(count):
        content = samples.person(tier=1 + index % 3)
        content["gender"] = _GENDER[content["gender"]]
        obtained = date(2019, 1, 2) + timedelta(days=index % 1500)
        sensitive = "身份证号、银行账户" if "id_number" in content else ""
        number = first_number + index
        rows.append(
            {
                **content,
                "old_number": f"2019-{number:04d}",
                "handler": handlers[index % len(handlers)],
                "source": "来访",
                "acquired_at": obtained,
                "consent_purpose": "购房及相关服务",
                "consent_scope": "全部",
                "consent_sensitive": sensitive,
                "consent_method": "纸质",
                "consent_obtained_at": obtained,
                "evidence_reference": "" if index % 5 == 4 else f"档案袋 2019-{number:04d}",
                # The folder's place, where the register kept it (the archive confirms it).
                "paper_location": f"档案室A / {1 + index // 50 % 9:02d} / {1 + index % 5}",
            }
        )
    return rows
