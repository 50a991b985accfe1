"""Template tags of the page shell."""

from __future__ import annotations

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
    cells = mark_safe(f"<span>{escape(text)}</span>" * WATERMARK_CELLS)  # noqa: S308 - escaped
    return {"watermark_text": text, "cells": cells}
