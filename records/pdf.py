"""Every PDF Baomi makes, through one ``Document``: copies, delivery files, cover sheets,
destruction certificates, hand-over sheets, access reports and answer letters.

A ``Document`` is A4 with the embedded CJK font, a heading and a footer on every page (with its
page number), an optional confidentiality mark and watermark, and text that flows onto new pages
by itself: callers say what to write, not where the page ends.

The font is embedded when ``BAOMI_PDF_FONT`` (default: WenQuanYi Micro Hei from Debian's
fonts-wqy-microhei) exists, so the PDF prints the same everywhere; without it, reportlab's
built-in CID font STSong-Light is referenced instead (readers supply it; text extraction works).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

logger = logging.getLogger(__name__)
EMBEDDED = "BaomiCJK"
FALLBACK = "STSong-Light"
WIDTH, HEIGHT = A4
MARGIN = 15 * mm
CONFIDENTIAL_RED = (0.6, 0, 0)


@functools.cache
def font_name() -> str:
    path = Path(getattr(settings, "BAOMI_PDF_FONT", "") or "")
    if path.is_file():
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, str(path), subfontIndex=0))
        except Exception:  # an unreadable font file: fall back rather than fail the document
            logger.warning("PDF font %s could not be read; using %s", path, FALLBACK)
        else:
            return EMBEDDED
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


def chinese(text: Promise | str) -> str:
    """A translated label as the Chinese documents print it, whatever language the page is in."""
    with translation.override("zh-hans"):
        return str(text)


def fit(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, as measured in ``font``:
    Chinese has no spaces to break at, so lines break between any two characters."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line]


@dataclass(frozen=True)
class Column:
    header: str
    x: float  # millimetres from the left edge; a column is as wide as the gap to the next


class Document:
    """One PDF: pages with their heading, footer, mark and watermark; text that flows."""

    def __init__(
        self,
        title: str,
        *,
        heading: str = "",
        footer: str = "",
        stamp: str = "",
        watermark: str = "",
        numbered: bool = True,
    ) -> None:
        self.font = font_name()
        self._buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self._buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.heading, self.footer, self.stamp = heading, footer, stamp
        self.watermark, self.numbered = watermark, numbered
        self.page = 0
        self.y = 0.0  # 0: no page started yet
        self._table: Sequence[Column] | None = None

    # -- pages ------------------------------------------------------------------------------

    def new_page(self) -> None:
        if self.y:
            self.canvas.showPage()
        self.page += 1
        self._furniture()
        self.y = HEIGHT - (32 * mm if self.heading else 25 * mm)
        if self._table:
            self._table_header()

    def section(self, *, heading: str | None = None, footer: str | None = None) -> None:
        """Start a new part on a new page with its own heading and footer (a letter, then the
        report it encloses)."""
        self._table = None
        if heading is not None:
            self.heading = heading
        if footer is not None:
            self.footer = footer
        self.new_page()

    def _furniture(self) -> None:
        pdf = self.canvas
        if self.watermark:
            pdf.saveState()
            pdf.setFillColorRGB(0.85, 0.85, 0.85)
            pdf.setFont(self.font, 28)
            pdf.translate(WIDTH / 2, HEIGHT / 2)
            pdf.rotate(35)
            for offset in (-90 * mm, 0, 90 * mm):
                pdf.drawCentredString(0, offset, self.watermark)
            pdf.restoreState()
        if self.heading:
            pdf.setFont(self.font, 16)
            pdf.drawCentredString(WIDTH / 2, HEIGHT - 22 * mm, self.heading)
        if self.stamp:
            pdf.setFont(self.font, 8)
            pdf.setFillColorRGB(*CONFIDENTIAL_RED)
            pdf.drawString(MARGIN, HEIGHT - 12 * mm, self.stamp)
            pdf.setFillColorRGB(0, 0, 0)
        footer = self.footer + (f" · 第 {self.page} 页" if self.numbered else "")
        pdf.setFont(self.font, 8)
        pdf.drawString(MARGIN, 10 * mm, footer.lstrip(" ·"))

    def _room_for(self, height: float) -> None:
        if not self.y or self.y - height < 20 * mm:
            self.new_page()

    # -- content ----------------------------------------------------------------------------

    def text(
        self,
        text: str,
        *,
        size: float = 10,
        gap: float | None = None,
        x: float = MARGIN,
        centred: bool = False,
        red: bool = False,
    ) -> None:
        """Write ``text`` from ``x``, over as many lines as the page width needs, starting a new
        page when this one is full."""
        gap = gap if gap is not None else size * 0.6 * mm
        for line in [text] if centred else fit(text, self.font, size, WIDTH - MARGIN - x):
            self._room_for(gap)
            self.canvas.setFont(self.font, size)
            if red:
                self.canvas.setFillColorRGB(*CONFIDENTIAL_RED)
            if centred:
                self.canvas.drawCentredString(WIDTH / 2, self.y, line)
            else:
                self.canvas.drawString(x, self.y, line)
            self.canvas.setFillColorRGB(0, 0, 0)
            self.y -= gap

    def facts(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        size: float = 11,
        at: float = 50,
        indent: float = 5,
    ) -> None:
        """Label and value pairs, one per line (label ``indent`` mm in from the margin, value at
        ``at`` mm from the edge)."""
        for label, value in pairs:
            self._room_for(size * 0.65 * mm)
            self.canvas.setFont(self.font, size)
            self.canvas.drawString(MARGIN + indent * mm, self.y, label)
            self.canvas.drawString(at * mm, self.y, str(value))
            self.y -= size * 0.65 * mm

    def space(self, millimetres: float) -> None:
        self.y -= millimetres * mm

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float = 8
    ) -> None:
        """Rows under their column headers (repeated on every new page); a long cell takes as
        many lines as it needs, nothing is cut off."""
        edges = [c.x * mm for c in columns[1:]] + [WIDTH - MARGIN]
        widths = [edge - c.x * mm - 2 * mm for c, edge in zip(columns, edges, strict=True)]
        line = size * 0.5 * mm
        self._room_for(size * 1.3 * mm)  # before the table is set: a new page has no header yet
        self._table, self._table_size = columns, size
        self._table_header()
        for row in rows:
            cells = [
                fit(str(value), self.font, size, width)
                for value, width in zip(row, widths, strict=True)
            ]
            height = max(len(cell) for cell in cells) * line + size * 0.15 * mm
            self._room_for(height)
            self.canvas.setFont(self.font, size)
            for column, cell in zip(columns, cells, strict=True):
                for n, part in enumerate(cell):
                    self.canvas.drawString(column.x * mm, self.y - n * line, part)
            self.y -= height
        self._table = None

    def _table_header(self) -> None:
        columns, size = self._table or (), self._table_size
        self.canvas.setFont(self.font, size)
        for column in columns:
            self.canvas.drawString(column.x * mm, self.y, column.header)
        self.y -= size * 0.8 * mm

    def finish(self) -> bytes:
        if not self.y:
            self.new_page()
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
