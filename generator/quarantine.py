"""Fail closed: a built site that failed the leak guard leaves the place a deploy step publishes.

MkDocs has already written the site when the guard runs, and a CI step such as "upload site/"
may run even after a failed build. So the built files move into the generator's state folder
(``.referral/quarantine/<name>/``, ignored by git, never served). Only what MkDocs itself
treats as its output moves: top-level entries not starting with a dot (its rule when it cleans
the folder), plus any hidden entry that holds a leak; a ``.git`` of a gh-pages checkout stays.
When they cannot move there (the state folder read-only or full, a link or a file of someone
else's at the quarantine's place), they are deleted from the site folder instead, as MkDocs
itself deletes them before every build: a failed build never leaves them to be published.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

QUARANTINE_DIR = "quarantine"


@dataclass(frozen=True)
class Quarantined:
    """Where the built site went; ``problem`` says why it was deleted instead, when it was."""

    folder: Path
    problem: str = ""


def quarantine(site_dir: Path, state_dir: Path, name: str, leaking: Iterable[str] = ()) -> Quarantined:
    """Move the built site's entries into ``state_dir/quarantine/name``, else delete them.

    ``leaking`` holds site-relative paths of files with a leak. A quarantine left by an earlier
    failed build under the same name is replaced: the generator put it there.
    """
    target = state_dir / QUARANTINE_DIR / name
    tops = {path.split("/", 1)[0] for path in leaking}
    built = [
        entry for entry in sorted(site_dir.iterdir()) if not entry.name.startswith(".") or entry.name in tops
    ]
    try:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        target.mkdir(parents=True)  # refused where a file or a link of someone else's is
        for entry in built:
            shutil.move(entry, target / entry.name)
    except OSError as error:
        return Quarantined(target, _deleted(built, error))
    return Quarantined(target)


def _deleted(built: list[Path], error: OSError) -> str:
    """The built entries still in the site folder deleted; why they could not move, and what is left."""
    left = []
    for entry in built:
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)  # moved already, or a file
        except OSError:
            left.append(entry.name)
    in_the_way = isinstance(error, FileExistsError)
    reason = (
        "a file or link not the generator's is in the way" if in_the_way else error.strerror or str(error)
    )
    return reason + (f"; these could not be deleted either: {', '.join(left)}" if left else "")


def quarantine_note(moved: Quarantined, site_dir: Path) -> str:
    """One sentence for the error: where the site went, and what to do next."""
    if moved.problem:
        return (
            f"The built site could not be moved to {moved.folder} ({moved.problem}); it was deleted from "
            f"{site_dir} instead, so no deploy step publishes it. Fix the data or page named above and "
            "build again."
        )
    return (
        f"The built site was moved out of {site_dir} to {moved.folder} so no deploy step publishes it; "
        "fix the data or page named above and build again (delete the quarantine folder when done)."
    )
