"""A site a killed build left unchecked: found, and moved aside, by the next build.

A build stopped by Ctrl-C, SIGTERM, SIGHUP or an exception moves what it wrote out of the site
folder itself (stop_signals, quarantine). SIGKILL (the kernel's out-of-memory killer, a CI
runner's hard timeout, ``kill -9``) and a power cut end the process before any of that can run.
So a build notes, before MkDocs writes the site, that the site is not yet checked, and removes
the note once the leak guard has checked it or it was moved aside. A note still there when the
next build starts means that build never finished: it moves the site aside before anything else
(bad data stops a build before MkDocs writes, and would leave it there to be published).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .quarantine import quarantine
from .record_files import record_bytes

NOTE = "unchecked-site"  # in the state folder: the site folder a build began writing


def note_unchecked(state_dir: Path, site_dir: Path) -> None:
    """Note that ``site_dir`` is about to be written and is not checked yet. Where the state
    folder cannot take it (read-only), the build goes on as before this note existed."""
    with contextlib.suppress(OSError):
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / NOTE).write_text(str(site_dir.resolve()) + "\n", encoding="utf-8")


def checked(state_dir: Path) -> None:
    """The site was checked, or moved aside: nothing is left unchecked."""
    with contextlib.suppress(OSError):
        (state_dir / NOTE).unlink(missing_ok=True)


def left_unchecked(state_dir: Path) -> Path | None:
    """The site folder a build began writing and never finished checking, if it still holds
    anything; None otherwise."""
    try:
        site = Path(record_bytes(state_dir / NOTE).decode("utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None
    if not site.is_absolute() or not site.is_dir() or not any(site.iterdir()):
        return None
    return site


def move_aside(state_dir: Path) -> str | None:
    """Move aside the site a build left unchecked (``left_unchecked``), and clear the note:
    what to tell the owner, or None when nothing was left."""
    site = left_unchecked(state_dir)
    said = None
    if site is not None:
        moved = quarantine(site, state_dir, site.name)
        where = f"was moved out of {site} to {moved.folder}"
        if moved.problem:
            where = f"was deleted from {site} ({moved.problem})"
        said = (
            f"the last build into {site} ended before the leak guard checked what it wrote (it was "
            f"killed, or the machine stopped); what it left {where} so no deploy step publishes it"
        )
    checked(state_dir)
    return said
