"""The command line's entry (python -m generator): runs the command asked for, and ends bad data,
a failure or Ctrl-C in words and an exit status, not a traceback."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from . import engines
from .cli_parser import make_parser as _parser  # tests read the commands' options from it
from .problems import InvalidData
from .site_secret import MissingSecret
from .write_undo import os_failure
from .writer import ForeignFileError

# The status shells give a command stopped by Ctrl-C (128 + SIGINT): scripts tell it from a failure.
INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    _print_what_the_terminal_cannot_show_escaped()
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # also when the report of bad data meets it
        return _reader_went_away()
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback of wherever it landed
        print(args.interrupted, file=sys.stderr, flush=True)
        return INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except InvalidData as error:
        # check's report is its output, on stdout as linters print theirs; for every other
        # command bad data is an error that stops it: stderr, so `links > links.tsv` holds links.
        stream = sys.stdout if args.report_to_stdout else sys.stderr
        print(error.report_for(args.refused), file=stream, flush=True)
        return 1
    except BrokenPipeError:  # not an error of the command's: main ends quietly
        raise
    except OSError as error:
        print(f"error: {os_failure(error)}", file=sys.stderr)
        return 1
    except (engines.EngineError, ForeignFileError, MissingSecret, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _print_what_the_terminal_cannot_show_escaped() -> None:
    """A name the terminal's encoding cannot show ("Zo\\xeb" under LC_ALL=C without Python's
    UTF-8 mode) is printed escaped, as Python prints it on stderr, not as a traceback mid-report."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")


def _reader_went_away() -> int:
    """`check | head` closed the pipe: stop quietly, as other command-line tools do, and keep
    Python from complaining again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1
