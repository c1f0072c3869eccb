"""The generator's commands as a hint names them: a line the user can type as it stands."""

from __future__ import annotations

import sys
from pathlib import Path


def generator_command(arguments: str) -> str:
    """``python -m generator ARGUMENTS`` as it runs from the folder the user is in. A newcomer
    following README runs ``.venv/bin/python -m generator`` without activating the venv, and has
    no ``python`` then (Debian has only python3): a hint saying ``python -m generator due`` failed
    with "command not found". So the project's .venv is named when it is the Python running,
    relative to here (``../.venv/bin/python`` from ``content/``); any other Python (a venv
    elsewhere, an installed package) is ``python``."""
    return f"{_python_here()} -m generator {arguments}"


def _python_here() -> str:
    try:
        here = Path.cwd()
        running = Path(sys.prefix).resolve()
        ups = next(
            n for n, folder in enumerate([here, *here.parents]) if (folder / ".venv").resolve() == running
        )
    except (OSError, StopIteration):  # not the project's .venv, or the current folder is gone
        return "python"
    return "../" * ups + ".venv/bin/python"
