"""The render stamp: skip a whole generator run when nothing it depends on has changed.

A run's output is a function of the data file's bytes, the generator's code and templates
(with its version) and the libraries rendering uses, the secret, the as-of date (the owner's, in
the data's time zone, recorded beside the digest) and the site address. The stamp records a
digest of those inputs and the size and modification time of every file the run left in the
docs folder. When the inputs match and every file is still as it was left, rendering again
would write nothing, so it is skipped. The secret enters only through a keyed digest: the stamp
never holds it, nor any data.

Each file is recorded by its size and a digest of its bytes, and, as git records files in its
index ("racy git"), by its stat fields: modification and change times (ns) and inode. A file whose
stat fields are all as recorded is taken as unchanged without being read. The change time cannot
be set back by a user program (cp -p, rsync -t and os.utime restore the mtime but move the
ctime), and a file replaced by another gets a new inode, so a same-size hand edit that keeps the
old mtime is still caught. What stat cannot tell apart is an edit within the same timestamp tick
as the moment its stat was taken: so stat fields are recorded only for a file last changed more
than :data:`MARGIN_NS` before they were read, and any other file is read and digested as before
(and its stat recorded once it has settled).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import importlib.metadata
import json
import os
import platform
import stat as stat_mode
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TypeGuard

from . import __version__
from .record_files import record_bytes
from .writer import read_manifest

STAMP_VERSION = 4  # 3: stat fields beside size and digest; 4: the zone; an older stamp means one full run
PACKAGE = Path(__file__).resolve().parent

# A file's stat fields vouch for it only when its last change is this much older than the moment
# they were read. Timestamps come from a coarse clock, truncated to the file system's granularity
# (a kernel tick, a few ms, on ext4 or tmpfs; 1 s on ext3 or HFS+; 2 s on FAT; a network file
# system stamps with the server's clock): an edit made just after the stat, within the same
# granularity, can carry the very same times. Two seconds cover the coarsest of these and a
# small clock skew; a file younger than that is read, as if it had no stat recorded.
MARGIN_NS = 2_000_000_000

StrPath = str | os.PathLike[str]
FileState = list[int | str]  # [size, sha256 hex] and, once settled, [.., mtime_ns, ctime_ns, inode]


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
    parts = [code_digest(), platform.python_version(), *library_versions()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache  # the libraries a process has loaded stay loaded: 6 ms a look-up, 3 a run
def library_versions() -> tuple[str, ...]:
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return tuple(versions)


def inputs_digest(data_sha256: str, secret: bytes, as_of: dt.date, site_url: str) -> str:
    """One digest of everything a run's output depends on (the data file by its SHA-256)."""
    digest = hashlib.sha256()
    for part in (
        environment_digest().encode(),
        data_sha256.encode(),
        hmac.new(secret, b"render-stamp", hashlib.sha256).hexdigest().encode(),
        as_of.isoformat().encode(),
        site_url.encode(),
    ):
        digest.update(part + b"\0")
    return digest.hexdigest()


def fresh_zone(stamp_file: Path, manifest: Path, docs_dir: Path, inputs: Callable[[str], str]) -> str | None:
    """The time zone the last run dated its pages in, when that run had the inputs ``inputs``
    gives for it and its files are all still on disk as it left them; else None.

    The zone is the data's (``newsletter.timezone``), known only once the data is read, and the
    digest holds the date in it: so the last run's zone keys this check, which is exact while the
    data is unchanged, and any change to the data changes the digest anyway.

    Like ``git status`` refreshing the index, a stamp whose files had to be read (not yet
    settled, or touched without a change) is written again with their stat fields, so that the
    next run can skip reading them.
    """
    try:
        stamp = json.loads(record_bytes(stamp_file).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # the last: JSON nested thousands deep
        return None
    if not isinstance(stamp, dict) or stamp.get("version") != STAMP_VERSION:
        return None
    zone = stamp.get("zone")
    if not isinstance(zone, str) or stamp.get("inputs") != (digest := inputs(zone)):
        return None
    recorded = stamp.get("files")
    if not isinstance(recorded, dict) or sorted(recorded) != read_manifest(manifest):
        return None
    now = _current_states(docs_dir, recorded)
    if now is None:
        return None
    if now != recorded:
        _refresh(stamp_file, now, digest, zone)
    return zone


def _current_states(docs_dir: Path, recorded: dict[str, object]) -> dict[str, FileState] | None:
    """Each recorded file's state now, or None as soon as one no longer holds what was recorded."""
    states: dict[str, FileState] = {}
    folder = os.fspath(docs_dir)  # joined as strings: a Path per file was a third of the check
    for relative, state in recorded.items():
        current = current_state(os.path.join(folder, relative), state)
        if current is None:
            return None
        states[relative] = current
    return states


def _refresh(stamp_file: Path, states: Mapping[str, FileState], inputs: str, zone: str) -> None:
    # A cache: a read-only state folder only means reading the files again next time.
    with contextlib.suppress(OSError):
        write_stamp(stamp_file, states, inputs, zone)


def content_state(content: bytes) -> FileState:
    """Size in bytes and a digest of the content."""
    return [len(content), hashlib.sha256(content).hexdigest()]


def written_states(
    docs_dir: Path, contents: Mapping[str, FileState], written: Collection[str] = (), since: int = 0
) -> dict[str, FileState]:
    """Each file a run has just written (or found holding those bytes), by its
    :func:`content_state` (worked out as the file was written), with its stat fields when it is
    old enough to be settled (one ``lstat`` each, no read).

    As git does when it checks files out, the stat is taken after the write: an edit in the
    moment between the two would be recorded as ours, a window of microseconds per file.

    The files in ``written`` were written after ``since`` (a reading of this clock): while that
    is within the margin, none of them is settled (each changed later still), so none is
    stat'ed: the 10,081 files of a first run at 10,000 partners took 0.04 s."""
    young = set(written) if since >= _clock_ns() - MARGIN_NS else set()
    states: dict[str, FileState] = {}
    folder = os.fspath(
        docs_dir
    )  # joined as strings, as _current_states does: a Path each was 0.03 s at 10,000
    for relative, state in contents.items():
        if relative in young:
            states[relative] = state[:2]  # what _settled gives a file changed within the margin
            continue
        try:
            states[relative] = _settled(state, _clock_ns(), os.lstat(os.path.join(folder, relative)))
        except OSError:
            states[relative] = state
    return states


def current_state(path: StrPath, state: object) -> FileState | None:
    """``state`` as it stands now when the file at ``path`` still holds the bytes it records,
    else None. Read only when its stat fields do not vouch for it; never through a link, whose
    target can change without the link changing."""
    if not _well_formed(state):
        return None
    try:
        before = _clock_ns()  # before the stat: any later edit is stamped after this
        info = os.lstat(path)
        if not stat_mode.S_ISREG(info.st_mode) or info.st_size != state[0]:
            return None  # the size alone, without reading, settles most changes
        if len(state) == 5 and state[2:] == _stat_fields(info):
            return state
        if content_state(read_back(path)) != state[:2]:
            return None
        return _settled(state, before, info)
    except OSError:
        return None


def read_back(path: StrPath) -> bytes:
    """The one place a recorded file is read (tests count the calls)."""
    with open(path, "rb") as stream:
        return stream.read()


def clock_ns() -> int:
    """The clock file states are judged by, now: before a run writes, for written_states."""
    return _clock_ns()


def _clock_ns() -> int:
    return time.time_ns()


def _stat_fields(info: os.stat_result) -> list[int | str]:
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _settled(state: FileState, before: int, info: os.stat_result) -> FileState:
    """``state`` (size and digest) with ``info``'s stat fields when they can vouch for it next time:
    a regular file of that size, last changed more than the margin before ``before``, the clock
    read just before ``info`` was taken."""
    base = state[:2]
    if not stat_mode.S_ISREG(info.st_mode) or info.st_size != base[0]:
        return base
    if info.st_ctime_ns >= before - MARGIN_NS:
        return base  # racy: an edit right after this stat could keep every field
    return [*base, *_stat_fields(info)]


def _well_formed(state: object) -> TypeGuard[FileState]:
    return (
        isinstance(state, list)
        and len(state) in (2, 5)
        and isinstance(state[0], int)
        and isinstance(state[1], str)
        and all(isinstance(field, int) for field in state[2:])
    )


def write_stamp(stamp_file: Path, states: Mapping[str, FileState], inputs: str, zone: str) -> None:
    """Record the inputs of a run that just finished, the zone it dated its pages in (public:
    ``newsletter.timezone``), and the state of the files it left.

    ``states`` come from the bytes the run wrote or found already there, and from the pages it
    kept unrendered (checked on disk): exactly what the docs folder holds now, not read back
    (10,000 reads at 10,000 partners).
    """
    recorded = {relative: states[relative] for relative in sorted(states)}
    content = {"version": STAMP_VERSION, "inputs": inputs, "zone": zone, "files": recorded}
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(content, separators=(",", ":")) + "\n", encoding="utf-8")


def forget(stamp_file: Path) -> None:
    """Before a run changes anything: a run that stops half-way must not look complete."""
    stamp_file.unlink(missing_ok=True)
