"""Bar charts drawn on the server as SVG (issue 19 §3): no script, so they work under the strict
content-security policy, print as sharply as the text, and carry their figures as text for
screen readers (the table under each chart holds the same numbers).

Colours come from classes in baomi.css, not inline styles, which the CSP forbids."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from records.reports.tables import Chart

WIDTH = 420  # viewBox units; the page scales the drawing to its column (phone or desktop)
FONT = 12


def _legend(chart: Chart, y: int) -> list[str]:
    if len(chart.series) < 2:
        return []
    parts, x = [], 0
    for series in chart.series:
        name = escape(str(series.name))
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" class="{series.css}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="{FONT}">{name}</text>')
        x += 24 + FONT * max(len(str(series.name)), 4)
    return parts


def _svg(title: str, height: int, parts: list[str]) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # noqa: S308 - every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def columns(chart: Chart, title: str) -> SafeString:
    """Stacked columns, one per label (months)."""
    legend = _legend(chart, 14)
    top = 30 if legend else 16
    plot_h, left, bottom = 150, 34, 22
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    peak = max([*totals, 1])
    step = (WIDTH - left) / max(len(chart.labels), 1)
    parts = [*legend]
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" class="axis"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" font-size="{FONT}" text-anchor="end">')
    parts.append(f"{peak}</text>")
    for i, label in enumerate(chart.labels):
        x = left + i * step + step * 0.15
        y = float(base)
        for series in chart.series:
            h = plot_h * series.values[i] / peak
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                    f'class="{series.css}"/>'
                )
        centre = x + step * 0.35
        if totals[i]:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" font-size="{FONT - 2}" '
                f'text-anchor="middle">{totals[i]}</text>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{base + bottom - 6}" font-size="{FONT}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(title, base + bottom, parts)


def rows(chart: Chart, title: str) -> SafeString:
    """Stacked bars, one per label, each label written above its bar (long category names)."""
    legend = _legend(chart, 14)
    y = 24 if legend else 0
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    peak = max([*totals, 1])
    room = WIDTH - 48
    parts = [*legend]
    for i, label in enumerate(chart.labels):
        y += FONT + 4
        parts.append(f'<text x="0" y="{y}" font-size="{FONT}">{escape(label)}</text>')
        y += 4
        x = 0.0
        for series in chart.series:
            w = room * series.values[i] / peak
            if w:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="14" class="{series.css}"/>'
                )
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="{FONT}">{totals[i]}</text>')
        y += 20
    return _svg(title, y + 4, parts)


def draw(chart: Chart) -> SafeString:
    title = str(chart.title)
    return rows(chart, title) if chart.horizontal else columns(chart, title)
