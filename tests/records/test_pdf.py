"""The one PDF builder (issue 15 §4): Chinese text that prints and extracts, a heading, footer
and page number on every page, headers that repeat, and long text that wraps instead of being
cut off at the page edge."""

from __future__ import annotations

import io

from pypdf import PdfReader

from records.pdf import Column, Document


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_page_carries_its_heading_footer_and_number_and_tables_continue():
    doc = Document("测试", heading="客户档案销毁证明", footer="XH-2026-000001")
    long_basis = "依据借阅申请 JY-2026-000001 查阅，由部门负责人王芳批准；期限至 2026-12-31 止"
    doc.table(
        [Column("时间", 15), Column("事项", 45), Column("说明与依据", 120)],
        [(f"2026-12-{n:02d}", "查阅档案", long_basis) for n in range(1, 61)],
    )
    pages = _pages(doc.finish())
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert "客户档案销毁证明" in text
        assert f"XH-2026-000001 · 第 {number} 页" in text
        assert "说明与依据" in text  # the table's headers start every page
    everything = "".join(pages).replace("\n", "")
    assert "2026-12-31 止" in everything  # wrapped onto a second line, not cut off
    assert "2026-12-60" in everything


def test_a_watermark_and_stamp_are_on_every_page():
    doc = Document(
        "复制件", stamp="保密复制件 FZ-2026-000001-C1", watermark="FZ-2026-000001-C1 张伟"
    )
    for n in range(200):
        doc.text(f"第 {n} 行：客户姓名：欧阳晓梅")
    pages = _pages(doc.finish())
    assert len(pages) >= 2
    assert all("FZ-2026-000001-C1 张伟" in text for text in pages)
    assert all("保密复制件 FZ-2026-000001-C1" in text for text in pages)


def test_a_table_that_starts_on_a_new_page_has_its_header_once():
    doc = Document("测试", footer="页脚")
    for n in range(41):  # fill the first page to just above its bottom margin
        doc.text(f"第 {n} 行")
    doc.table([Column("档案编号", 15), Column("密级", 60)], [("KH-2026-000001", "机密")])
    second = _pages(doc.finish())[-1]
    assert second.count("档案编号") == 1


def test_i18_6_rare_characters_of_names_print_in_a_font_that_has_them():
    """Issue 18 §6: 䶮 (CJK extension A) and 𠮷 (extension B) are in real people's names; the
    main font lacks them and printed nothing. Each character is drawn by the first font that
    has it, so both print, embedded, and extract as themselves."""
    from records.pdf import fonts

    chosen = fonts()
    assert len(chosen.names) == 3, "WenQuanYi Micro Hei and HanaMin A and B are installed"
    assert ord("䶮") not in chosen.covers[0]
    assert ord("𠮷") not in chosen.covers[0]  # the main font lacks both: they printed blank
    only_b = chr(min(chosen.covers[2] - chosen.covers[1] - chosen.covers[0]))  # a rarer one
    doc = Document("测试", heading="客户信息登记表")
    doc.facts([("客户姓名", "刘䶮"), ("联系人", "𠮷野家 吉田")])
    doc.table([Column("姓名", 15), Column("备注", 60)], [("王𠮷", f"䶮字不可缺{only_b}")])
    data = doc.finish()
    text = "".join(_pages(data))
    for name in ("刘䶮", "𠮷野家 吉田", "王𠮷", f"䶮字不可缺{only_b}"):
        assert name in text
    used = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            used.add(str(font.get_object()["/BaseFont"]))
    assert any("HanaMinA" in name for name in used), used
    assert any("HanaMinB" in name for name in used), used
