"""Bar charts as inline SVG, drawn on the server: the PDF renderer runs no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 190
BAR_WIDTH = 300
VALUE_WIDTH = 70
COLOUR = "#1f5f8b"


def bar_chart_svg(labels: Sequence[str], values: Sequence[int], *, title: str) -> SafeString:
    """Horizontal bars, one per label, scaled to the largest value, each with its number printed."""
    largest = max([*values, 1])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = len(labels) * (BAR_HEIGHT + GAP) + GAP
    rows = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * value / largest)
        rows.append((y + BAR_HEIGHT - 5, label, LABEL_WIDTH, y, length, BAR_HEIGHT, LABEL_WIDTH + length + 4, value))
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="10">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="' + COLOUR + '"></rect>'
        '<text x="{}" y="{}" font-size="10">{}</text>',
        ((ty, label, x, y, w, h, vx, ty, value) for ty, label, x, y, w, h, vx, value in rows),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        width,
        height,
        title,
        title,
        body,
    )
