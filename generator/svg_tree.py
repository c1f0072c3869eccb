"""A referral tree drawn as a static SVG at build time: no script, no request, no colour-only meaning."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

NODE_WIDTH = 150
NODE_HEIGHT = 34
COLUMN = 170
ROW = 74
MAX_LABEL = 20  # in widths of a Latin letter: a Chinese, Japanese or Korean character is two


@dataclass(frozen=True)
class Node:
    """One box: ``parent`` is the index of the node it hangs from (``None`` for a top node)."""

    label: str
    parent: int | None
    emphasis: bool = False


def tree_svg(nodes: Sequence[Node], title: str) -> str:
    """Nodes in depth-first order (every parent before its children) → one ``<svg>`` element."""
    depth, x = _layout(nodes)
    width = int(max(x, default=0) * COLUMN + NODE_WIDTH + 20)
    height = (max(depth, default=0) + 1) * ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="referral-tree" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    # The edges share one faded layer: siblings' connectors overlap on their common stretch, and
    # each fading on its own would draw that stretch darker the more children a partner has
    # (crisp edges: the lines are all straight, and no anti-aliased half-pixels add up either).
    parts.append('<g opacity="0.5" shape-rendering="crispEdges">')
    for index, node in enumerate(nodes):
        if node.parent is not None:
            parts.append(_edge(x[node.parent], depth[node.parent], x[index], depth[index]))
    parts.append("</g>")
    for index, node in enumerate(nodes):
        parts.append(_box(node, x[index], depth[index]))
    parts.append("</svg>")
    return "".join(parts)


def _layout(nodes: Sequence[Node]) -> tuple[list[int], list[float]]:
    """Leaves take the next free column; a parent sits above its first child.

    Not above the middle of its children: a drawing wider than a phone shows its left part
    first, and that is where the founder of each family, and the reader's own box, then are.
    """
    children: list[list[int]] = [[] for _ in nodes]
    depth = [0] * len(nodes)
    for index, node in enumerate(nodes):
        if node.parent is not None:
            children[node.parent].append(index)
            depth[index] = depth[node.parent] + 1
    x = [0.0] * len(nodes)
    next_column = 0
    for index in range(len(nodes)):
        if not children[index]:
            x[index] = next_column
            next_column += 1
    for index in reversed(range(len(nodes))):  # children come after parents: go backwards
        if children[index]:
            x[index] = x[children[index][0]]
    return depth, x


# Drawings are small and alike (7,500 of them at 10,000 partners, mostly a handful of boxes in
# the same few places): each edge and box frame is formatted once per place, not once per use.
@functools.lru_cache(maxsize=1024)
def _edge(x1: float, y1: int, x2: float, y2: int) -> str:
    top = (x1 * COLUMN + 10 + NODE_WIDTH / 2, y1 * ROW + 10 + NODE_HEIGHT)
    bottom = (x2 * COLUMN + 10 + NODE_WIDTH / 2, y2 * ROW + 10)
    middle = (top[1] + bottom[1]) / 2
    return (
        f'<path d="M{top[0]:g} {top[1]:g} V{middle:g} H{bottom[0]:g} V{bottom[1]:g}" '
        'fill="none" stroke="currentColor"/>'
    )


def _box(node: Node, column: float, row: int) -> str:
    kept = label_kept(node.label)
    label = node.label if kept == node.label else kept + "…"
    return f"{_frame(column, row, node.emphasis)}{escape(label)}</text>"


def label_kept(name: str, limit: int = MAX_LABEL) -> str:
    """The part of ``name`` its box shows: all of it, or the start that leaves room for "…".

    Counted in widths, not characters: a wide character (Chinese, Japanese, Korean, most emoji)
    takes about two Latin letters' room, and "李小龙北京贸易有限公司国际部经理" cut at 20
    characters ran out of its box across its neighbours' (the leak guard looks for the same cut).
    """
    if name.isascii():  # most names: one width each, as before
        return name if len(name) <= limit else name[: limit - 1]
    widths = [2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in name]
    if sum(widths) <= limit:
        return name
    used = 1  # the "…"
    for index, width in enumerate(widths):
        used += width
        if used > limit:
            return name[:index]
    return name


@functools.lru_cache(maxsize=1024)
def _frame(column: float, row: int, emphasis: bool) -> str:
    """A box's rectangle and the start of its label, up to the label's text."""
    left, top = column * COLUMN + 10, row * ROW + 10
    stroke = ' stroke-width="3"' if emphasis else ""
    weight = ' font-weight="bold"' if emphasis else ""
    return (
        f'<rect x="{left:g}" y="{top}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8" '
        f'fill="none" stroke="currentColor"{stroke}/>'
        f'<text x="{left + NODE_WIDTH / 2:g}" y="{top + 22}" text-anchor="middle" '
        f'fill="currentColor" font-size="13"{weight}>'
    )
