"""Every PDF Baomi makes, through one ``Document``: copies, delivery files, cover sheets,
destruction certificates, hand-over sheets, access reports and answer letters.

A ``Document`` is A4 with the embedded CJK font, a heading and a footer on every page (with its
page number), an optional confidentiality mark and watermark, and text that flows onto new pages
by itself: callers say what to write, not where the page ends.

The fonts are embedded (``fonts()``: WenQuanYi Micro Hei, then HanaMin for the rare characters it
lacks), so the PDF prints the same everywhere; without them, reportlab's built-in CID font
STSong-Light is referenced instead (readers supply it; text extraction works).
"""

from __future__ import annotations

import functools
import io
import logging
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
EMBEDDED = "BaomiCJK"
FALLBACK = "STSong-Light"
WIDTH, HEIGHT = A4
MARGIN = 15 * mm
CONFIDENTIAL_RED = (0.6, 0, 0)


# The fonts, in order: the first that has a character draws it. WenQuanYi Micro Hei covers GBK;
# HanaMin A and B (Debian's fonts-hanazono) cover the CJK extensions it lacks, such as 䶮 (ext-A)
# and 𠮷 (ext-B), which appear in people's names (issue 18 §6).
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
)


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap (``ttfonts.makeToUnicodeCMap``, reportlab 5.1) writes a
    character beyond the BMP as ``<20BB7>``, which no reader accepts: 𠮷 printed but could not
    be searched or copied. The same map, with such characters as UTF-16 surrogate pairs, as the
    PDF reference requires."""

    def utf16(code: int) -> str:
        return "".join(
            f"{unit:04X}"
            for unit in struct.unpack(
                ">" + "H" * (2 if code > 0xFFFF else 1), chr(code).encode("utf-16-be")
            )
        )

    text = _reportlab_cmap(fontname, subset)
    for i, code in enumerate(subset):
        if code > 0xFFFF:
            text = text.replace(f"<{i:02X}> <{code:04X}>", f"<{i:02X}> <{utf16(code)}>")
    return text


_reportlab_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@dataclass(frozen=True)
class Fonts:
    names: tuple[str, ...]  # registered reportlab font names, the first is the main one
    covers: tuple[frozenset[int] | None, ...]  # code points of each (None: all, a CID font)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, part): each character in the first font that has it."""
        found: list[tuple[str, str]] = []
        for char in text:
            font = self.names[0]
            for name, covered in zip(self.names, self.covers, strict=True):
                if covered is None or ord(char) in covered:
                    font = name
                    break
            if found and found[-1][0] == font:
                found[-1] = (font, found[-1][1] + char)
            else:
                found.append((font, char))
        return found

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(part, font, size) for font, part in self.runs(text))


@functools.cache
def fonts() -> Fonts:
    """The fonts of ``BAOMI_PDF_FONT`` (a list of files; default ``DEFAULT_FONTS``) that exist
    and can be read, embedded; without any, reportlab's built-in CID font STSong-Light is
    referenced (readers supply it; text extraction works)."""
    names: list[str] = []
    covers: list[frozenset[int] | None] = []
    for n, path in enumerate(getattr(settings, "BAOMI_PDF_FONT", None) or DEFAULT_FONTS):
        if not Path(path).is_file():
            continue
        name = EMBEDDED if not names else f"{EMBEDDED}{n}"
        try:
            font = TTFont(name, str(path), subfontIndex=0)
            pdfmetrics.registerFont(font)
        except Exception:  # an unreadable font file: the next one, rather than fail the document
            logger.warning("PDF font %s could not be read", path)
            continue
        names.append(name)
        covers.append(frozenset(font.face.charToGlyph))
    if not names:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        return Fonts((FALLBACK,), (None,))
    return Fonts(tuple(names), tuple(covers))


def font_name() -> str:
    return fonts().names[0]


def chinese(text: Promise | str) -> str:
    """A translated label as the Chinese documents print it, whatever language the page is in."""
    with translation.override("zh-hans"):
        return str(text)


def in_chinese(make: Callable[P, R]) -> Callable[P, R]:
    """Run a form's maker in Chinese: every label it reads (``get_state_display()`` too)
    prints as the paper forms of the archive do, whatever the reader's page language."""

    @functools.wraps(make)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("zh-hans"):
            return make(*args, **kwargs)

    return wrapper


def minute(moment: datetime | None) -> str:
    """A moment as the paper forms print it: local time to the minute ("" when it is unset)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def fit(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, as measured in the fonts that
    draw it: Chinese has no spaces to break at, so lines break between any two characters."""
    measure = fonts().width
    lines, line = [], ""
    for char in text:
        if line and measure(line + char, size) > width:
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
            pdf.translate(WIDTH / 2, HEIGHT / 2)
            pdf.rotate(35)
            for offset in (-90 * mm, 0, 90 * mm):
                self._draw(0, offset, self.watermark, 28, centred=True)
            pdf.restoreState()
        if self.heading:
            self._draw(WIDTH / 2, HEIGHT - 22 * mm, self.heading, 16, centred=True)
        if self.stamp:
            pdf.setFillColorRGB(*CONFIDENTIAL_RED)
            self._draw(MARGIN, HEIGHT - 12 * mm, self.stamp, 8)
            pdf.setFillColorRGB(0, 0, 0)
        footer = self.footer + (f" · 第 {self.page} 页" if self.numbered else "")
        self._draw(MARGIN, 10 * mm, footer.lstrip(" ·"), 8)

    def _draw(self, x: float, y: float, text: str, size: float, *, centred: bool = False) -> None:
        """``text`` at (x, y), or centred on x, each character in the first font that has it."""
        if centred:
            x -= fonts().width(text, size) / 2
        # One text object: readers extract the line as one string across the font changes.
        line = self.canvas.beginText(x, y)
        for font, part in fonts().runs(text):
            line.setFont(font, size)
            line.textOut(part)
        self.canvas.drawText(line)

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
        for line in [text] if centred else fit(text, size, WIDTH - MARGIN - x):
            self._room_for(gap)
            if red:
                self.canvas.setFillColorRGB(*CONFIDENTIAL_RED)
            if centred:
                self._draw(WIDTH / 2, self.y, line, size, centred=True)
            else:
                self._draw(x, self.y, line, size)
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
            self._draw(MARGIN + indent * mm, self.y, label, size)
            self._draw(at * mm, self.y, str(value), size)
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
            cells = [fit(str(value), size, width) for value, width in zip(row, widths, strict=True)]
            height = max(len(cell) for cell in cells) * line + size * 0.15 * mm
            self._room_for(height)
            for column, cell in zip(columns, cells, strict=True):
                for n, part in enumerate(cell):
                    self._draw(column.x * mm, self.y - n * line, part, size)
            self.y -= height
        self._table = None

    def _table_header(self) -> None:
        columns, size = self._table or (), self._table_size
        for column in columns:
            self._draw(column.x * mm, self.y, column.header, size)
        self.y -= size * 0.8 * mm

    def qr(self, value: str, *, side: float = 20) -> None:
        """A QR code of ``value`` (a file's or a request's number) in this page's top right
        corner, the number printed under it: the archive's scanner types it into the inventory
        or the lending desk, the way it reads the cover sheet's number."""
        widget = QrCodeWidget(value)
        x0, y0, x1, y1 = widget.getBounds()
        size = side * mm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canvas, WIDTH - MARGIN - size, HEIGHT - 7 * mm - size)
        right = WIDTH - MARGIN - fonts().width(value, 7)
        self._draw(right, HEIGHT - 9 * mm - size, value, 7)

    def signatures(self, labels: Sequence[str]) -> None:
        """Signature lines, one per signer, each with its date: the form is signed on paper."""
        for label in labels:
            self._room_for(12 * mm)
            self.y -= 6 * mm
            self._draw(MARGIN, self.y, f"{label}：________________", 11)
            self._draw(MARGIN + 95 * mm, self.y, "日期：______年____月____日", 11)
            self.y -= 6 * mm

    def finish(self) -> bytes:
        if not self.y:
            self.new_page()
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
