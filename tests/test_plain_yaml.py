"""The plain-subset reader accepts nothing the marked reader refuses, and reads what it reads.

Whenever :func:`parse_plain` returns data, the marked reader must read the same text without a
problem and build exactly the same data (same nesting, same text, ``None`` in the same places):
then validation sees the same input, so every file is accepted or refused as before, and every
refusal is reported by the marked reader, with its positions.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from conftest import REPO, TODAY, fixture_text
from hypothesis import event, given, settings
from hypothesis import strategies as st
from test_input_safety import BASE, CORPUS

from generator import source
from generator.plain_yaml import parse_plain
from generator.problems import InvalidData
from generator.validate import load_text, validate_document

sys.path.insert(0, str(REPO / "benchmarks"))
import make_data


def assert_same_as_marked(text: str) -> bool:
    """Check the promise for one text; true when the plain reader took it."""
    fast = parse_plain(text)
    if fast is None:
        return False
    marked = source.parse(text, "partners.yaml", with_marks=True)  # raises if it refuses the text
    assert marked.problems == []
    assert json.dumps(fast) == json.dumps(marked.data)  # order and types too: None is not "null"
    return True


# Edge cases of the subset's border, each a small whole file.
EDGES = [
    "a: b\n",
    "a:\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne: nul\nf: ''\ng: \"\"\n",
    "a: b: c\n",
    "a: b:\n",
    "a: b #c\n",
    "a: b#c\n",
    "a: b # c\n",
    "a: b \n",
    "a:  b\n",
    "a: 18:30\n",
    "a: x::y\n",
    "a: 'it''s'\n",
    "a: 'it's'\n",
    'a: "say \\"hi\\""\n',
    'a: "x" # c\n',
    "a: 'x: #y'\n",
    "a: - b\n",
    "a: [b]\n",
    "a: {b: c}\n",
    "a: |\n  b\n",
    "a: >\n  b\n",
    "a: &x b\nc: *x\n",
    "a: !!str b\n",
    "a: !b c\n",
    "!!map\na: b\n",
    "a: b\na: c\n",
    "x:\n  a: b\n  a: c\n",
    "null: b\n",
    "~: b\n",
    "NULL: b\n",
    "? a\n: b\n",
    "a: b\n  c\n",
    "a: b\n  c: d\n",
    "a:\n  b: c\n d: e\n",
    "a:\n- b: c\n",
    "a:\n  - b: c\n    d: e\n  - f: g\n",
    "a:\n  - b\n",
    "a:\n  - - b: c\n",
    "a:\n  -\n    b: c\n",
    "a:\n  -  b: c\n",
    "---\na: b\n",
    "a: b\n...\n",
    "a: b\n---\nc: d\n",
    "%YAML 1.1\n---\na: b\n",
    "a: b\r\nc: d\r\n",
    "a: b\tc\n",
    "\ta: b\n",
    "a: b\u2028c\n",
    "a: b\x85c\n",
    "a: b\ufeffc\n",
    "a: b\x07c\n",
    "a: b\xa0\n",
    "a: \xa0b\n",
    "a: é ü ✓\n",
    "a: 😀\n",
    "  a: b\n",
    "# only a comment\n",
    "",
    "- a: b\n",
    "just text\n",
    "a: b\n  # an indented comment\nc: d\n",
    "a:\n# a comment\n  b: c\n",
    "k" * 1100 + ": b\n",
    "k" * 64 + ": b\n",
    "a: " + "x" * 2000 + "\n",
    "a: -1\nb: +1\nc: .5\nd: 0x1f\ne: 1e3\n",
    "a: yes\nb: on\nc: no\nd: 0755\ne: 2026-01-01\n",
    "a: %x\n",
    "a: @x\n",
    "a: `x\n",
    "a: ,x\n",
    "a: x,y\n",
    "a: x[y]{z}\n",
    "a: x - y ? z\n",
    "a: x & y * z ! w\n",
    "a: <b>\n",
    "a: x\"y'z\n",
    "a: \\n\n",
    "a" + ": b\n" * 2,
    "n" + "\n  k:\n" * 20 + "    v: 1\n",
    "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(12)) + "  " * 12 + "v: 1\n",
    "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(20)) + "  " * 20 + "v: 1\n",
]


@pytest.mark.parametrize("text", EDGES, ids=[repr(text[:40]) for text in EDGES])
def test_an_edge_of_the_subset_is_read_as_the_marked_reader_reads_it(text: str) -> None:
    try:
        assert_same_as_marked(text)
    except InvalidData as refused:
        pytest.fail(f"the plain reader took a text the marked reader refuses: {refused}")


@pytest.mark.parametrize("name", list(CORPUS))
def test_no_malformed_file_of_the_corpus_passes_the_plain_reader_alone(name: str) -> None:
    text = CORPUS[name]
    try:
        assert_same_as_marked(text)
    except InvalidData as refused:
        pytest.fail(f"the plain reader took a text the marked reader refuses: {refused}")
    with pytest.raises(InvalidData) as fast_path:
        load_text(text, "partners.yaml", TODAY)
    with pytest.raises(InvalidData) as marked_only:
        validate_document(source.parse(text, "partners.yaml", with_marks=True), TODAY)
    assert fast_path.value.report == marked_only.value.report


@pytest.mark.parametrize(
    "text",
    [BASE, make_data.make_yaml(200)]
    + [fixture_text(name) for name in ("small.yaml", "golden.yaml", "audit.yaml")],
)
def test_usual_files_take_the_plain_reader(text: str) -> None:
    assert assert_same_as_marked(text)


# --- generated documents: nested block data, written out, then roughened -------------------------

# Mostly keys the subset takes, so that many documents reach its deeper rules.
KEYS = st.sampled_from(
    ["id", "name", "note", "a", "x_1", "true", "on"] * 3 + ["null", "Null", "~", "k" * 70, "k" * 64]
)
TRICKY = ":#- &*!|>'\"%@`[]{},?~\t\\\xa0\u2028\x85\ufeff\x07éa1n"
WORDS = st.sampled_from(
    ["", "~", "null", "NULL", "yes", "0755", "2026-01-01", "18:30", "a: b", "a #b", "---", "..."]
)
MILD = "ab1 :#-'\"é.,&*!"  # the characters of ordinary notes, indicators among them
SCALARS = st.one_of(
    WORDS, st.text(alphabet=MILD, max_size=8), st.text(alphabet=TRICKY, max_size=8), st.text(max_size=4)
)
QUOTES = st.sampled_from(["{}", "'{}'", '"{}"'])


def _values(children: Any) -> Any:
    mapping = st.dictionaries(KEYS, children, min_size=1, max_size=4)
    return st.one_of(mapping, st.lists(st.dictionaries(KEYS, children, min_size=1, max_size=3), max_size=3))


NESTED = st.recursive(st.tuples(QUOTES, SCALARS), _values, max_leaves=12)


def _lines(value: Any, column: int, step: int) -> list[str]:
    """Block YAML for ``value``, indented by ``step`` per level (scalars as drawn, unescaped)."""
    lines: list[str] = []
    for key, child in value.items():
        if isinstance(child, tuple):
            quote, text = child
            lines.append(
                " " * column + f"{key}: {quote.format(text)}".rstrip(" ") if text else f"{' ' * column}{key}:"
            )
        else:
            lines.append(f"{' ' * column}{key}:")
            lines.extend(_child_lines(child, column + step, step))
    return lines


def _child_lines(child: Any, column: int, step: int) -> list[str]:
    if isinstance(child, dict):
        return _lines(child, column, step)
    lines: list[str] = []
    for item in child:
        item_lines = _lines(item, column + 2, step)
        lines.append(" " * column + "- " + item_lines[0][column + 2 :])
        lines.extend(item_lines[1:])
    return lines


@st.composite
def documents(draw: st.DrawFn) -> str:
    root = draw(st.dictionaries(KEYS, NESTED, min_size=1, max_size=4))
    lines = _lines(root, 0, draw(st.sampled_from([1, 2, 4])))
    for _ in range(draw(st.integers(0, 2))):  # roughen: shift, split or insert a line
        where = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["indent", "dedent", "insert", "comment", "blank"]))
        if action == "indent":
            lines[where] = " " + lines[where]
        elif action == "dedent":
            lines[where] = lines[where][1:]
        elif action == "insert":
            lines.insert(where, draw(st.text(alphabet=TRICKY, max_size=6)))
        else:
            lines.insert(where, " " * draw(st.integers(0, 4)) + ("# c" if action == "comment" else ""))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=600, deadline=None)
@given(documents())
def test_generated_documents_are_read_as_the_marked_reader_reads_them(text: str) -> None:
    try:
        event("plain reader" if assert_same_as_marked(text) else "marked reader")
    except InvalidData as refused:
        pytest.fail(f"the plain reader took a text the marked reader refuses: {refused}")
