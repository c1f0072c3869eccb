"""Random edits of a valid file either validate or give located problems, never a traceback."""

from __future__ import annotations

import datetime as dt

from conftest import fixture_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.problems import InvalidData
from generator.validate import load_text

TODAY = dt.date(2026, 11, 20)
BASE = fixture_text("small.yaml")
LINES = BASE.splitlines(keepends=True)
YAMLISH = st.sampled_from(
    [
        ":",
        " ",
        "-",
        "\t",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        "&a",
        "*a",
        "!!int",
        "#",
        "\n",
        "no",
        "0755",
        "2026-13-45",
        "---",
        "null",
        "~",
        "|",
        ">",
        "id: x",
        "stage: won",
        "  ",
        "\ufeff",
        "é",
    ]
)


@st.composite
def edited(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "replace"]))
        if action == "delete" and len(lines) > 1:
            del lines[where]
        elif action == "duplicate":
            lines.insert(where, lines[where])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
        else:
            line = lines[where]
            column = draw(st.integers(0, len(line)))
            text = draw(st.one_of(YAMLISH, st.text(max_size=6)))
            end = column + (draw(st.integers(0, 3)) if action == "replace" else 0)
            lines[where] = line[:column] + text + line[end:]
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_random_edits_validate_or_give_located_problems(text: str) -> None:
    line_count = text.count("\n") + 2
    try:
        load_text(text, "partners.yaml", TODAY)
    except InvalidData as error:
        assert error.problems
        for problem in error.problems:
            assert 1 <= problem.line <= line_count
            assert problem.column >= 1
            assert str(problem).startswith(f"partners.yaml:{problem.line}:{problem.column}: ")
            assert problem.message
