"""Template tags of the page shell."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

WATERMARK_CELLS = 40


@register.inclusion_tag("partials/watermark.html", takes_context=True)
def watermark(context: template.Context) -> dict[str, object]:
    """A visible watermark naming the viewer and the time, for pages that show customer content.

    A photo of the screen then says who looked at it and when (DESIGN.md "UI").
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"watermark_text": "", "cells": ""}
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    parts = [user.get_full_name(), user.employee_number or "", stamp]
    text = " · ".join(part for part in parts if part)
    # Built here, not with a template loop: it is on every page that shows customer content.
    # The text is drawn by CSS from the attribute: it is a picture over the page, not text to
    # read out, select or check for contrast (it is faint on purpose).
    cells = mark_safe(f'<span data-w="{escape(text)}"></span>' * WATERMARK_CELLS)  # noqa: S308
    return {"watermark_text": text, "cells": cells}


@register.filter
def words(value: object, vocabulary: str) -> str:
    """A stored code in the reader's language (``{{ signature.role|words:"role" }}``): the one
    vocabulary of audit/wording.py, so a page and the audit console name a code alike."""
    from audit import wording

    return "" if value is None else wording.value(vocabulary, value)


@register.filter
def job_counts(counts: dict) -> str:
    """A periodic job's counts in the reader's language (the KPI page's job rows)."""
    from audit import wording

    return wording.counts(counts or {})


@register.filter
def listed(items: Iterable[object] | None) -> str:
    """A list in the reader's punctuation: 甲、乙、丙 in Chinese, "a, b, c" in English."""
    from django.utils.translation import gettext

    return gettext(", ").join(str(item) for item in (items or []))
