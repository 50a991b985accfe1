"""R10, "nothing lost on bad input": real registers often carry a title, a date line or a blank
row above their headers (某某房产客户登记表, 2019 年度). Such a sheet was skipped as if it were
an instructions sheet, so its rows were silently left out of the import. The header row is now
looked for among the first rows; the problems name the row numbers the person sees."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from records.imports import samples, service, sorting

pytestmark = pytest.mark.django_db


def _with_title(data: bytes, *lines: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[-1]
    sheet.insert_rows(1, amount=len(lines) + 1)  # the title lines and a blank row
    for number, line in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_r10_a_sheet_with_a_title_above_its_headers_is_read_whole(world):
    rows = samples.person_rows(6, ["zhang.wei"])
    rows[2]["mobile"] = "1381234"  # one bad row, to read its number back
    data = _with_title(samples.build({"person": rows}), "某某房产客户登记表", "2019 年度")
    batch = service.check(world.head, world.dept, data)
    assert (batch.total_rows, batch.valid_rows, batch.rejected_rows) == (6, 5, 1)
    # Row 1 title, row 2 date, row 3 blank, row 4 headers: the third customer is on row 7.
    assert [item["row"] for item in sorting.shown_problems(batch)] == [7]


def test_r10_a_csv_register_with_a_title_line_is_read(world):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["某某装饰公司客户登记表"])
    writer.writerow(["客户类型", "档案号", "经办人", "姓名", "信息来源", "信息获取日期",
                     "告知客户的使用目的", "客户同意收集以下信息", "同意方式", "同意日期",
                     "同意书存放位置"])  # fmt: skip
    writer.writerow(["个人", "C-1", "张伟", "欧阳晓梅", "来访", "2019/3/5", "购房服务", "全部",
                     "纸质", "2019年3月5日", "档案袋 C-1"])  # fmt: skip
    batch = service.check(world.head, world.dept, out.getvalue().encode())
    assert (sorting.shown_problems(batch), batch.valid_rows) == ([], 1)
