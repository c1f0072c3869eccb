"""The render stamp: skip a whole generator run when nothing it depends on has changed.

A run's output is a function of the data file's bytes, the generator's code and templates
(with its version) and the libraries rendering uses, the secret, the as-of date and the site address. The stamp records a
digest of those inputs and the size and modification time of every file the run left in the
docs folder. When the inputs match and every file is still as it was left, rendering again
would write nothing, so it is skipped. The secret enters only through a keyed digest: the stamp
never holds it, nor any data.

Each file is recorded by its size and a digest of its bytes, not its modification time: a
same-size hand edit that keeps the old mtime (cp -p, rsync -t, or an edit within the same
filesystem timestamp tick as the run) must still be repaired. Reading the files back is far
cheaper than rendering them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import importlib.metadata
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path

from . import __version__
from .writer import read_manifest

STAMP_VERSION = 2
PACKAGE = Path(__file__).resolve().parent


@functools.cache  # the code does not change while a process runs
def code_digest() -> str:
    """The generator's version, Python sources and templates: a new release or edit renders again."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


# Besides the generator's own code, what a page's bytes depend on: a new Jinja2 may escape or
# space differently, a new pydantic may dump the models (and so the keys) differently.
_LIBRARIES = ("Jinja2", "MarkupSafe", "PyYAML", "pydantic", "pydantic_core", "babel")


def environment_digest() -> str:
    """The generator's code and templates, Python's version and the libraries rendering uses."""
    parts = [code_digest(), platform.python_version()]
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def inputs_digest(data: bytes, secret: bytes, as_of: dt.date, site_url: str) -> str:
    """One digest of everything a run's output depends on."""
    digest = hashlib.sha256()
    for part in (
        environment_digest().encode(),
        hashlib.sha256(data).hexdigest().encode(),
        hmac.new(secret, b"render-stamp", hashlib.sha256).hexdigest().encode(),
        as_of.isoformat().encode(),
        site_url.encode(),
    ):
        digest.update(part + b"\0")
    return digest.hexdigest()


def is_fresh(stamp_file: Path, manifest: Path, docs_dir: Path, inputs: str) -> bool:
    """The last run had these inputs and its files are all still on disk as it left them."""
    try:
        stamp = json.loads(stamp_file.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("version") != STAMP_VERSION or stamp.get("inputs") != inputs:
        return False
    recorded = stamp.get("files")
    files = read_manifest(manifest)
    return isinstance(recorded, dict) and sorted(recorded) == files and _unchanged(docs_dir, recorded)


def content_state(content: bytes) -> list[int | str]:
    """Size in bytes and a digest of the content."""
    return [len(content), hashlib.sha256(content).hexdigest()]


def content_states(files: Mapping[str, bytes]) -> dict[str, list[int | str]]:
    """:func:`content_state` of each file."""
    return {relative: content_state(content) for relative, content in files.items()}


def file_holds(path: Path, state: object) -> bool:
    """The file at ``path`` has the size and digest ``state`` records."""
    try:
        if not isinstance(state, list) or os.stat(path).st_size != state[0]:
            return False  # the size alone, without reading, settles most changes
        return content_state(path.read_bytes()) == state
    except OSError:
        return False


def _unchanged(docs_dir: Path, recorded: dict[str, list[int | str]]) -> bool:
    return all(file_holds(docs_dir / relative, state) for relative, state in recorded.items())


def write_stamp(stamp_file: Path, states: Mapping[str, list[int | str]], inputs: str) -> None:
    """Record the inputs of a run that just finished, and the state of the files it left.

    ``states`` come from the bytes the run wrote or found already there, and from the pages it
    kept unrendered (checked on disk): exactly what the docs folder holds now, not read back
    (10,000 reads at 10,000 partners).
    """
    recorded = {relative: states[relative] for relative in sorted(states)}
    content = {"version": STAMP_VERSION, "inputs": inputs, "files": recorded}
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(content, separators=(",", ":")) + "\n", encoding="utf-8")


def forget(stamp_file: Path) -> None:
    """Before a run changes anything: a run that stops half-way must not look complete."""
    stamp_file.unlink(missing_ok=True)
