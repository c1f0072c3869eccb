"""Small static SVG charts rendered at build time: no script, no request, each with a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

BAR_HEIGHT = 22
BAR_ROW = 20 + BAR_HEIGHT + 10  # a label's line, its bar, the gap to the next label
PLOT_WIDTH = 200  # the longest bar
COLUMN_WIDTH, PLOT_HEIGHT = 46, 180  # a month's column (its bar 10 px narrower), the tallest bar
BASELINE = PLOT_HEIGHT + 10
# Fills that stand out by at least 3:1 (WCAG, parts of a graphic) against both of the site's
# backgrounds, white and Material's dark "slate", so neither scheme loses a series; the legend
# and the table carry the meaning. (Material's indigo is 2.3:1 on slate, a 55% blue 1.7:1.)
BAR_FILL = "#5c6bc0"
SERIES_STYLE = {  # fill and pattern-free opacity
    "won": ("#2e7d32", "1"),
    "lost": ("#8a8a8a", "1"),
    "open": ("#5b8fd6", "1"),
}


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of rendered width: no font metrics at build time, so err wide.

    0.62 em per character covers the widest common sans-serif faces at these sizes.
    """
    return len(text) * font_size * 0.62


def bar_chart(rows: Sequence[tuple[str, float, str]], title: str) -> str:
    """Horizontal bars, each under its label: ``(label, value, shown value)`` per row, scaled to
    the largest value.

    Labels sit above their bars, not beside them: the drawing is then about 340 px wide, not
    650, so a 390 px phone shows every bar whole with its figure instead of cutting the longer
    bars at the screen's edge, where they all looked the same length. The room after the
    longest bar is sized to the figures, so no text runs outside the drawing.
    """
    largest = max((value for _, value, _ in rows), default=0) or 1
    label_width = round(max((text_width(label, 13) for label, _, _ in rows), default=0))
    value_width = round(max((text_width(shown, 13) for _, _, shown in rows), default=0)) + 6
    width = max(label_width, PLOT_WIDTH + value_width)
    height = len(rows) * BAR_ROW - 6
    parts = [_open(width, height, title, "chart chart-bars")]
    for index, (label, value, shown) in enumerate(rows):
        top = index * BAR_ROW
        length = PLOT_WIDTH * value / largest
        parts.append(
            f'<text x="0" y="{top + 14}" font-size="13" fill="currentColor">{escape(label)}</text>'
            f'<rect x="0" y="{top + 20}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{BAR_FILL}"/>'
            f'<text x="{length + 6:.1f}" y="{top + 36}" font-size="13" fill="currentColor">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns(
    columns: Sequence[tuple[str, dict[str, int] | None]], series: Sequence[str], title: str
) -> str:
    """Vertical columns, one per label, stacked by series (bottom first), over a baseline, with
    a legend. A label may hold a second line after a newline ("Jan\n2027": the year under the
    month). A column of None values is a break in the baseline: columns left out there."""
    largest = max((sum(values.values()) for _, values in columns if values), default=0) or 1
    width = max(len(columns) * COLUMN_WIDTH + 60, 320)
    parts = [_open(width, PLOT_HEIGHT + 80, title)]
    for index, (label, values) in enumerate(columns):
        left = 40 + index * COLUMN_WIDTH
        parts.append(_baseline(left - 5, broken=values is None))
        if values is not None:
            parts.extend(_stack(values, series, left, PLOT_HEIGHT / largest))
        for line, text in enumerate(label.split("\n")):
            parts.append(
                f'<text x="{left + (COLUMN_WIDTH - 10) / 2:g}" y="{PLOT_HEIGHT + 26 + 14 * line}" '
                f'text-anchor="middle" font-size="12" fill="currentColor">{escape(text)}</text>'
            )
    parts.append(_legend(series, PLOT_HEIGHT + 58, width))
    parts.append("</svg>")
    return "".join(parts)


def _stack(values: dict[str, int], series: Sequence[str], left: int, scale: float) -> list[str]:
    """One column's bars, each series on the one before it, from the baseline up."""
    bars: list[str] = []
    bottom: float = BASELINE
    for name in series:
        size = scale * values.get(name, 0)
        fill, opacity = SERIES_STYLE.get(name, ("#607d8b", "1"))
        bottom -= size
        bars.append(
            f'<rect x="{left}" y="{bottom:.1f}" width="{COLUMN_WIDTH - 10}" height="{size:.1f}" '
            f'fill="{fill}" fill-opacity="{opacity}"/>'
        )
    return bars


def _baseline(left: float, *, broken: bool) -> str:
    """The stretch of the baseline under one column: an empty column then reads as none that
    month, not as a month left out; a break is two slanted strokes, as a chart's axis is cut."""
    if not broken:
        return f'<path d="M{left} {BASELINE}h{COLUMN_WIDTH}" stroke="currentColor" stroke-width="1"/>'
    middle = left + COLUMN_WIDTH / 2
    strokes = "".join(f"M{middle + shift - 4:g} {BASELINE + 6}l8 -12" for shift in (-3, 3))
    return f'<path d="{strokes}" stroke="currentColor" stroke-width="1.5" fill="none"/>'


def _legend(series: Sequence[str], top: int, width: int) -> str:
    """The key, under the newest columns at the right: a phone first shows that end (extra.css)."""
    items = []
    first = width - 90 * len(series)
    for index, name in enumerate(series):
        fill, opacity = SERIES_STYLE.get(name, ("#607d8b", "1"))
        left = first + index * 90
        items.append(
            f'<rect x="{left}" y="{top}" width="14" height="14" fill="{fill}" fill-opacity="{opacity}"/>'
            f'<text x="{left + 20}" y="{top + 12}" font-size="12" fill="currentColor">{escape(name)}</text>'
        )
    return "".join(items)


def _open(width: int, height: int, title: str, kind: str = "chart") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><title>{escape(title)}</title>'
    )
