"""Fail closed: a built site that failed the leak guard leaves the place a deploy step publishes.

MkDocs has already written the site when the guard runs, and a CI step such as "upload site/"
may run even after a failed build. So the built files move into the generator's state folder
(``.referral/quarantine/<name>/``, ignored by git, never served). Only what MkDocs itself
treats as its output moves: top-level entries not starting with a dot (its rule when it cleans
the folder), plus any hidden entry that holds a leak; a ``.git`` of a gh-pages checkout stays.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

QUARANTINE_DIR = "quarantine"


def quarantine(site_dir: Path, state_dir: Path, name: str, leaking: Iterable[str] = ()) -> Path:
    """Move the built site's entries into ``state_dir/quarantine/name`` and return that folder.

    ``leaking`` holds site-relative paths of files with a leak. A quarantine left by an earlier
    failed build under the same name is replaced: the generator put it there.
    """
    target = state_dir / QUARANTINE_DIR / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    tops = {path.split("/", 1)[0] for path in leaking}
    for entry in sorted(site_dir.iterdir()):
        if not entry.name.startswith(".") or entry.name in tops:
            shutil.move(entry, target / entry.name)
    return target


def quarantine_note(target: Path, site_dir: Path) -> str:
    """One sentence for the error: where the site went, and what to do next."""
    return (
        f"The built site was moved out of {site_dir} to {target} so no deploy step publishes it; "
        "fix the data or page named above and build again (delete the quarantine folder when done)."
    )
