"""python -m generator: the command line, or one line saying how to get its dependencies."""

from __future__ import annotations

import sys

try:
    from .cli import main

    # main too: each command imports its own modules when it runs (cli_parser._Later).
    status = main()
except ModuleNotFoundError as error:
    # README's commands read `python -m generator …`: a Python without the pinned packages (the
    # system's, outside .venv) showed a traceback ending in "No module named 'ahocorasick_rs'".
    if error.name is None or error.name.partition(".")[0] == __package__:
        raise
    sys.exit(
        f"error: this Python lacks the package '{error.name}': run .venv/bin/python -m generator … "
        "(make demo creates .venv), or first: python -m pip install -r requirements.txt"
    )

raise SystemExit(status)
