"""A map of the provinces as inline SVG, drawn on the server from the boundaries in data/provinces.json
(@svg-maps/indonesia, CC BY 4.0). No JavaScript, and no `style` attribute: the CSP forbids inline style, so
colours are SVG presentation attributes.

The boundaries predate the 2022 Papua split: the Papua and Papua Barat shapes also cover the provinces made
from them (`includes`), so those shapes show the sum of their provinces."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

DATA = Path(__file__).resolve().parent / "data" / "provinces.json"

# Bootstrap 5 blue-100, -200, -400, -600 and -800: five steps from few to many.
STEPS = ("#cfe2ff", "#9ec5fe", "#3d8bfd", "#0a58ca", "#052c65")
EMPTY = "#f1f3f5"  # no one: lighter than the first step, so zero never reads as "a few"
BORDER = "#adb5bd"

# The legend and the attribution sit in the open sea south-west of Sumatra and south of Timor.
LEGEND_X = 6
LEGEND_Y = 212
LEGEND_ROW = 12
FONT = 9


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    includes: tuple[str, ...]
    path: str

    @property
    def codes(self) -> tuple[str, ...]:
        """The provinces this shape stands for: its own code first, then those split from it."""
        return (self.code, *self.includes)


@dataclass(frozen=True)
class ProvinceMap:
    view_box: str
    attribution: str
    shapes: tuple[Shape, ...]


@cache
def province_map_data() -> ProvinceMap:
    """The shipped boundaries, read once per process."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    shapes = tuple(
        Shape(code=s["code"], name=s["name"], includes=tuple(s.get("includes", ())), path=s["path"])
        for s in raw["shapes"]
    )
    return ProvinceMap(view_box=raw["viewBox"], attribution=raw["attribution"], shapes=shapes)


def step_of(value: int, largest: int) -> int:
    """0 for zero, otherwise 1 to 5: five bins of equal width over (0, largest], so the largest value is
    always in the darkest step."""
    if value <= 0 or largest <= 0:
        return 0
    return -(-len(STEPS) * value // largest)


def legend_bins(largest: int) -> list[tuple[int, int, int]]:
    """(step, lowest, highest) of every step that whole numbers can fall in, for the legend: the inverse of
    `step_of` (step k holds the integers v with largest*(k-1)/5 < v <= largest*k/5)."""
    bins = []
    for step in range(1, len(STEPS) + 1):
        low = largest * (step - 1) // len(STEPS) + 1
        high = largest * step // len(STEPS)
        if low <= high:
            bins.append((step, low, high))
    return bins


def fill_of(value: int, largest: int) -> str:
    step = step_of(value, largest)
    return STEPS[step - 1] if step else EMPTY


def _range_label(low: int, high: int) -> str:
    if low == high:
        return formats.localize(low)
    return f"{formats.localize(low)}\N{EN DASH}{formats.localize(high)}"


def province_map_svg(
    values: Mapping[str, int], *, names: Mapping[str, str], title: str, link_for: Callable[[str], str]
) -> SafeString:
    """Every shape filled by its value (the sum over `Shape.codes`), with a `<title>` naming its provinces
    and the value, inside a link to `link_for(shape.code)`; a legend headed `title`, and the attribution.

    `values` and `names` are keyed by province code; a province missing from `values` counts as zero, one
    missing from `names` is named by its code."""
    data = province_map_data()
    totals = {shape.code: sum(values.get(code, 0) for code in shape.codes) for shape in data.shapes}
    largest = max(totals.values(), default=0)
    shapes = format_html_join(
        "",
        '<a href="{}"><title>{}: {}</title><path d="{}" fill="{}" stroke="{}" stroke-width="0.3"></path></a>',
        (
            (
                link_for(shape.code),
                ", ".join(names.get(code, code) for code in shape.codes),
                formats.localize(totals[shape.code]),
                shape.path,
                fill_of(totals[shape.code], largest),
                BORDER,
            )
            for shape in data.shapes
        ),
    )
    entries = [(EMPTY, "0")] + [(STEPS[step - 1], _range_label(low, high)) for step, low, high in legend_bins(largest)]
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="8" fill="{}" stroke="{}" stroke-width="0.3"></rect>'
        '<text x="{}" y="{}" font-size="{}" fill="currentColor">{}</text>',
        (
            (LEGEND_X, row, colour, BORDER, LEGEND_X + 14, row + 7, FONT, label)
            for row, (colour, label) in ((LEGEND_Y + 4 + i * LEGEND_ROW, entry) for i, entry in enumerate(entries))
        ),
    )
    min_x, min_y, width, height = (float(n) for n in data.view_box.split())
    label = gettext("Peta provinsi: %(measure)s") % {"measure": title}
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="province-map" viewBox="{}" width="100%" role="img" '
        'aria-label="{}"><title>{}</title><g>{}</g>'
        '<g><text x="{}" y="{}" font-size="{}" font-weight="bold" fill="currentColor">{}</text>{}</g>'
        '<text x="{}" y="{}" font-size="8" text-anchor="end" fill="currentColor">{}</text></svg>',
        data.view_box,
        label,
        label,
        shapes,
        LEGEND_X,
        LEGEND_Y,
        FONT,
        title,
        legend,
        f"{min_x + width - 4:g}",
        f"{min_y + height - 4:g}",
        data.attribution,
    )
