"""PDF documents with Chinese text (cover sheets now; copies and handover sheets later).

The font is embedded when ``BAOMI_PDF_FONT`` (default: WenQuanYi Micro Hei from Debian's
fonts-wqy-microhei) exists, so the PDF prints the same everywhere; without it, reportlab's
built-in CID font STSong-Light is referenced instead (readers supply it; text extraction works).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)
EMBEDDED = "BaomiCJK"
FALLBACK = "STSong-Light"


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
