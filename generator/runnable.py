"""The generator's commands as a hint names them: a line the user can type as it stands."""

from __future__ import annotations

import sys
from pathlib import Path


def generator_command(arguments: str) -> str:
    """``python -m generator ARGUMENTS`` as it runs from the folder the user is in. A newcomer
    following README runs ``.venv/bin/python -m generator`` without activating the venv, and has
    no ``python`` then (Debian has only python3): a hint saying ``python -m generator due`` failed
    with "command not found". So the project's .venv is named when it is the Python running;
    any other Python (an activated venv elsewhere, an installed package) is ``python``."""
    return f"{_python_here()} -m generator {arguments}"


def _python_here() -> str:
    venv = Path.cwd() / ".venv"
    try:
        ours = Path(sys.prefix).resolve() == venv.resolve()
    except OSError:  # the current folder is gone: no relative path leads anywhere
        ours = False
    return ".venv/bin/python" if ours else "python"
