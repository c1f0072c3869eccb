"""A data file that does not open, said with its whole path and what to do, not only "cannot
read the file": for the commands (cli) and for a plain ``mkdocs build`` (plugin) alike."""

from __future__ import annotations

import os
from pathlib import Path

from .problems import InvalidData, Problem


def refuse_unless_readable(path: Path, shown: str, given: bool, how: str, missing: str) -> None:
    """Not only "cannot read the file": the whole path, and what to do (``missing``: for a default
    file that is not there)."""
    try:
        with open(path, "rb"):
            return
    except OSError as error:
        fix = _fix(error, given, how) or missing
        message = f"cannot read the file: {error.strerror} ({os.path.abspath(path)}); {fix}"
        raise InvalidData([Problem(1, 1, (), message, shown)]) from None


def _fix(error: OSError, given: bool, how: str) -> str | None:
    """What to do about a data file that does not open, when the reason says it."""
    if isinstance(error, IsADirectoryError):
        return f"that is a folder: give the data file's own path with {how}"
    if isinstance(error, PermissionError):
        return "your user may not read it: make it readable (chmod u+r, as its owner)"
    return "check the path (it is taken from the current folder)" if given else None
