"""The only code that touches the docs folder: write what changed, prune what is ours and stale.

A manifest (kept outside the docs folder) lists every file the generator wrote. A path that
exists on disk but is not in the manifest belongs to someone else: it is never overwritten,
and the whole write is refused before anything changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_VERSION = 1


class ForeignFileError(Exception):
    """Generated output would replace files the generator did not create."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        listed = ", ".join(str(path) for path in paths)
        super().__init__(
            f"refusing to overwrite files the generator did not create: {listed}. "
            "Move or rename them, then build again."
        )


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"


def write_files(docs_dir: Path, files: dict[str, str], manifest_path: Path) -> WriteReport:
    """Make ``docs_dir`` hold exactly ``files`` among the generator's own files."""
    previous = read_manifest(manifest_path)
    _refuse_foreign(docs_dir, files, previous)
    report = WriteReport()
    # Encoded one file at a time: a second copy of the whole site in bytes was the peak of memory.
    for relative in sorted(files):
        if _write_if_changed(docs_dir / relative, files[relative].encode("utf-8")):
            report.written.append(relative)
        else:
            report.unchanged += 1
    for relative in sorted(set(previous) - set(files)):
        if _remove(docs_dir, relative):
            report.removed.append(relative)
    _write_manifest(manifest_path, sorted(files))
    return report


def read_manifest(manifest_path: Path) -> list[str]:
    try:
        content = json.loads(manifest_path.read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        raise ValueError(f"the generator's manifest {manifest_path} is unreadable; delete it") from None
    files = content.get("files", []) if isinstance(content, dict) else []
    return [path for path in files if isinstance(path, str) and _is_safe_relative(path)]


def _is_safe_relative(path: str) -> bool:
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts


def _refuse_foreign(docs_dir: Path, files: dict[str, str], previous: list[str]) -> None:
    ours = set(previous)
    foreign = [
        docs_dir / relative
        for relative in sorted(files)
        if relative not in ours
        and (docs_dir / relative).exists()
        and (docs_dir / relative).read_bytes() != files[relative].encode("utf-8")
    ]
    if foreign:
        raise ForeignFileError(foreign)


def _write_if_changed(target: Path, content: bytes) -> bool:
    try:
        if target.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    _atomic_write(target, content)
    return True


def _atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove(docs_dir: Path, relative: str) -> bool:
    target = docs_dir / relative
    if not target.is_file() or target.is_symlink():
        return False
    target.unlink()
    parent = target.parent
    while parent != docs_dir and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True


def _write_manifest(manifest_path: Path, files: list[str]) -> None:
    content = json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1) + "\n"
    _write_if_changed(manifest_path, content.encode("utf-8"))
