"""Located problems: what went wrong, where, in words an editor understands."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from .numbers_in_words import plural

FieldPath = tuple[str | int, ...]
SYNTAX_ERROR = "YAML syntax error"


def format_field_path(path: FieldPath) -> str:
    """``("referrals", 3, "stage")`` → ``referrals[3].stage``; ``""`` for the file itself."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Problem:
    """One mistake in the data file, with its 1-based line and column."""

    line: int
    column: int
    path: FieldPath
    message: str
    filename: str = "partners.yaml"

    def __str__(self) -> str:
        return self._located("")

    def as_warning(self) -> str:
        """The located line of a warning: ``warning:`` right after the place, as compilers and
        linters print it, is how editors' problem matchers and CI annotations tell it from an
        error (whose line, the data contract's, names no severity)."""
        return self._located("warning: ")

    def _located(self, severity: str) -> str:
        where = f"{self.filename}:{self.line}:{self.column}"
        # A problem of the whole file (empty, a list, not UTF-8) is named by the file's own name
        # where a field's path goes: an owner read "(file)" as a field they could not find.
        field = format_field_path(self.path) or PurePath(self.filename).name
        return one_line(f"{where}: {severity}{field}: {self.message}")


# Direction overrides would show a located line in another order than it is read.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """``text`` with every control, line or paragraph separator and direction override written as
    its escape (``\\n``, ``\\x1b``, ``\\u2028``): a bad value quoted in a message must not split
    the report that editors and grep read line by line, nor drive the terminal."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS:
        return char.encode("unicode_escape").decode("ascii")
    return char


class InvalidData(Exception):
    """The data file has problems; nothing may be written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.message))
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def report(self) -> str:
        return self.report_for()

    def report_for(self, outcome: str = "nothing was generated") -> str:
        """Every problem, then a count and what the command did not do (``outcome``)."""
        found = plural(len(self.problems), "problem")
        if any(problem.message.startswith(SYNTAX_ERROR) for problem in self.problems):
            # YAML cannot be read past its first syntax error: the rest of the file is unchecked.
            return (
                f"{self}\n{found} found (reading stopped at the syntax error: fix it and check "
                f"again, as the rest of the file is not checked yet); {outcome}."
            )
        return f"{self}\n{found} found; {outcome}."
