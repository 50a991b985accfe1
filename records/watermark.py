"""Attachments as watermarked renderings (issue 17 §1): what a person sees of an ID scan or a
contract in the browser is a picture of it, drawn here, with their name and employee number,
the time and the file's archive number across every page or image. The original never leaves
this way: it goes out only as an approved copy (format "original attachments", counted in the
copy register) or an external share.

PDF pages are rasterised by PDFium (pypdfium2), images redrawn by Pillow; either way no text
layer or embedded original survives. Limits keep a hostile file from exhausting the server:
at most ``MAX_PAGES`` pages, ``MAX_PIXELS`` pixels per image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

MAX_PAGES = 60
MAX_PIXELS = 40_000_000
PAGE_WIDTH = 1240  # pixels: an A4 page at 150 dpi, legible on a phone when zoomed
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class CannotRender(Exception):
    """The file cannot be drawn (damaged, encrypted, too large, audio)."""


@dataclass(frozen=True)
class Rendered:
    content_type: str
    data: bytes
    pages: int


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from records.pdf import DEFAULT_FONTS

    path = Path((getattr(settings, "BAOMI_PDF_FONT", None) or DEFAULT_FONTS)[0])
    if path.is_file():
        try:
            return ImageFont.truetype(str(path), size, index=0)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def stamp(image: Image.Image, lines: list[str]) -> Image.Image:
    """``image`` with ``lines`` tiled diagonally across it and printed in a band at the foot."""
    page = image.convert("RGB")
    if page.width > PAGE_WIDTH:
        page = page.resize((PAGE_WIDTH, round(page.height * PAGE_WIDTH / page.width)))
    size = max(14, page.width // 40)
    font = _font(size)
    text = "  ".join(lines)
    tile = Image.new("RGBA", (page.width * 2, page.height * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    step_y = size * 5
    for row, y in enumerate(range(0, tile.height, step_y)):
        draw.text(((row % 2) * size * 6, y), (text + "    ") * 4, font=font, fill=(160, 0, 0, 70))
    tile = tile.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (tile.width - page.width) // 2, (tile.height - page.height) // 2
    overlay = tile.crop((left, top, left + page.width, top + page.height))
    page = Image.alpha_composite(page.convert("RGBA"), overlay)
    band = ImageDraw.Draw(page)
    band_height = size * 2
    band.rectangle(
        (0, page.height - band_height, page.width, page.height), fill=(255, 255, 255, 230)
    )
    band.text((size // 2, page.height - band_height + size // 2), text, font=font, fill=(120, 0, 0))
    return page.convert("RGB")


def render(content_type: str, data: bytes, lines: list[str]) -> Rendered:
    if content_type == "application/pdf":
        return _pdf(data, lines)
    if content_type in ("image/png", "image/jpeg"):
        return _image(data, lines)
    raise CannotRender("this kind of attachment is not shown in the browser")


def _image(data: bytes, lines: list[str]) -> Rendered:
    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            drawn = stamp(source, lines)
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise CannotRender(str(error)) from None
    out = io.BytesIO()
    drawn.save(out, "PNG", optimize=True)
    return Rendered("image/png", out.getvalue(), 1)


def _pdf(data: bytes, lines: list[str]) -> Rendered:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise CannotRender(str(error)) from None
    try:
        count = len(document)
        if count == 0 or count > MAX_PAGES:
            raise CannotRender(f"{count} pages (at most {MAX_PAGES} are shown)")
        pages = []
        for index in range(count):
            page = document[index]
            width, height = page.get_size()
            scale = PAGE_WIDTH / max(width, 1)
            if width * height * scale * scale > MAX_PIXELS:
                raise CannotRender("a page is too large to draw")
            pages.append(stamp(page.render(scale=scale).to_pil(), lines))
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return Rendered("application/pdf", out.getvalue(), count)
