"""The leak guard under `mkdocs serve`: after a rebuild it reads only the files that changed,
and still finds every leak a full scan finds (tests/test_serve.py drives a real server)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_SECRET, TODAY, fixture_text

from generator import guard, scan_memory, validate
from generator.guard import Leak
from generator.models import PartnersFile
from generator.render import SiteLayout
from generator.scan_memory import ScanMemory, Stamp

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
STEVE_PUBLIC = "referred_by: anne-ortiz\n    public: true\n"
FILES = {
    "index.html": "<h1>Test Partner News</h1><p>Thanks to Steve Hall.</p>",
    "blog/a/index.html": "<p>A quiet month.</p>",
    "sitemap.xml": "<urlset></urlset>",
    "feed_rss_created.xml": "<rss></rss>",
    "search/search_index.json": '{"docs": []}',
}


SECOND = 1_000_000_000
HOUR = 3600 * SECOND


def settled_memory() -> ScanMemory:
    """Scans long after the files were written: every file read is settled (see the tick tests)."""
    return ScanMemory(clock=lambda: time.time_ns() + HOUR)


def load(tmp_path: Path, text: str) -> PartnersFile:
    path = tmp_path / "partners.yaml"
    path.write_text(text, encoding="utf-8")
    return validate.load_partners(path, TODAY)


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    return root


def scan(root: Path, data: PartnersFile, memory: ScanMemory) -> tuple[list[Leak], int]:
    """The serve scan, checked against a full scan of the same site."""
    leaks, read = guard.guard_changed(root, data, LAYOUT, memory)
    assert leaks == guard.guard_site(root, data, LAYOUT)
    return leaks, read


def test_a_rescan_reads_only_changed_files_and_the_sitemap_search_index_and_feeds(tmp_path: Path) -> None:
    data, memory = load(tmp_path, fixture_text("small.yaml")), settled_memory()
    root = write_site(tmp_path / "site", FILES)
    assert scan(root, data, memory) == ([], 5)
    assert scan(root, data, memory) == ([], 3)
    write_site(root, {"blog/a/index.html": "<p>A busy month, with news.</p>"})
    assert scan(root, data, memory) == ([], 4)


def test_a_leak_written_into_one_page_is_found_and_the_next_scan_reads_everything(tmp_path: Path) -> None:
    data, memory = load(tmp_path, fixture_text("small.yaml")), settled_memory()
    root = write_site(tmp_path / "site", FILES)
    scan(root, data, memory)
    write_site(root, {"blog/a/index.html": "<p>We met SECRET-PROSPECT-DANA.</p>"})
    assert scan(root, data, memory) == ([Leak("blog/a/index.html", "referrals[0].prospect")], 4)
    write_site(root, {"blog/a/index.html": "<p>A quiet month.</p>"})
    assert scan(root, data, memory) == ([], 5)


def test_a_partner_made_private_is_found_on_pages_that_did_not_change(tmp_path: Path) -> None:
    text, memory = fixture_text("small.yaml"), settled_memory()
    assert STEVE_PUBLIC in text
    root = write_site(tmp_path / "site", FILES)
    scan(root, load(tmp_path, text), memory)
    private = load(tmp_path, text.replace(STEVE_PUBLIC, STEVE_PUBLIC.replace("true", "false")))
    assert scan(root, private, memory) == ([Leak("index.html", "partners[1].name")], 3)


def test_another_site_folder_is_read_in_full(tmp_path: Path) -> None:
    data, memory = load(tmp_path, fixture_text("small.yaml")), settled_memory()
    scan(write_site(tmp_path / "one", FILES), data, memory)
    assert scan(write_site(tmp_path / "two", FILES), data, memory) == ([], 5)


QUIET, LEAKY = "<p>A quiet month, nothing news.</p>", "<p>We met SECRET-PROSPECT-DANA.</p>"


@pytest.mark.parametrize("how", ["in place", "renamed over it"])
def test_a_same_size_rewrite_that_restores_the_mtime_is_read_again(tmp_path: Path, how: str) -> None:
    # What `cp -p`, `touch -r` or `rsync -t` leave: same size, same modification time.
    assert len(QUIET) == len(LEAKY)
    data, memory = load(tmp_path, fixture_text("small.yaml")), settled_memory()
    root = write_site(tmp_path / "site", {**FILES, "blog/a/index.html": QUIET})
    page = root / "blog" / "a" / "index.html"
    before = page.stat()
    assert scan(root, data, memory) == ([], 5)
    target = page if how == "in place" else root / "blog" / "a" / "new.html"
    target.write_text(LEAKY, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    if target != page:
        os.replace(target, page)
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert scan(root, data, memory) == ([Leak("blog/a/index.html", "referrals[0].prospect")], 4)


def test_a_removed_file_is_forgotten_and_a_new_one_at_its_path_is_read(tmp_path: Path) -> None:
    data, memory = load(tmp_path, fixture_text("small.yaml")), settled_memory()
    root = write_site(tmp_path / "site", FILES)
    scan(root, data, memory)
    (root / "blog" / "a" / "index.html").unlink()
    assert scan(root, data, memory) == ([], 3)
    write_site(root, {"blog/a/index.html": LEAKY})
    assert scan(root, data, memory) == ([Leak("blog/a/index.html", "referrals[0].prospect")], 4)


# A public text and a note that share their first 48 characters (leak_text.ANCHOR) in a text that
# repeats itself: searched with one automaton, the public text's match hid the note's, which
# starts inside it (the full scan missed it; the serve scan, whose digest covers the values
# checked, kept missing it once the public copy was gone).
REPEATED = "abcd " * 29 + "abcd"  # made public by Steve's consent; Quinn's copy is a candidate value
NOTE = "abcd " * 11 + "secret"


def test_a_note_starting_inside_a_longer_public_text_is_still_found(tmp_path: Path) -> None:
    steve = fixture_text("small.yaml").replace("SECRET-NOTE-DANA-MET", NOTE)
    steve = steve.replace("Steve finds warehouse space.", REPEATED)
    both = steve.replace("SECRET-SPOTLIGHT-QUINN", REPEATED)
    without_quinns = steve.replace("    spotlight: SECRET-SPOTLIGHT-QUINN\n", "")
    root = write_site(tmp_path / "site", {**FILES, "index.html": f"<p>{'abcd ' * 30}secret</p>"})
    expected = [Leak("index.html", "referrals[0].updates[0].note")]
    assert guard.guard_site(root, load(tmp_path, without_quinns), LAYOUT) == expected
    memory = settled_memory()
    assert scan(root, load(tmp_path, both), memory)[0] == expected
    assert scan(root, load(tmp_path, without_quinns), memory)[0] == expected


# --- a file changed within one tick of its clock before a scan is read again at the next ------


def scans_at(*moments: int) -> ScanMemory:
    """A memory whose scans start at these moments, one each."""
    clock: Iterator[int] = iter(moments)
    return ScanMemory(clock=lambda: next(clock))


@pytest.mark.parametrize(
    ("fraction", "before_scan", "read_again"),
    [
        (0, SECOND, True),  # whole seconds: a coarse clock, which can still show the same time
        (0, 3 * SECOND, False),  # more than FAT's two-second tick ago
        (123_456_789, SECOND, False),  # a fine clock: a second is many ticks
        (123_456_789, SECOND // 20, True),  # within the kernel's coarse clock, with room to spare
    ],
)
def test_a_file_changed_just_before_a_scan_is_read_again_at_the_next(
    tmp_path: Path, fraction: int, before_scan: int, read_again: bool
) -> None:
    # Times an hour ahead: the change time the write left (now, which os.utime cannot set) is
    # then long settled, and the modification time alone decides, whatever this kernel's tick.
    changed = (time.time_ns() // SECOND) * SECOND + HOUR + fraction
    data = load(tmp_path, fixture_text("small.yaml"))
    root = write_site(tmp_path / "site", FILES)
    os.utime(root / "blog" / "a" / "index.html", ns=(changed, changed))
    first = changed + before_scan
    memory = scans_at(first, first + HOUR, first + 2 * HOUR)
    assert scan(root, data, memory) == ([], 5)
    assert scan(root, data, memory) == ([], 4 if read_again else 3)
    assert scan(root, data, memory) == ([], 3)  # read an hour after its change: settled


def fat_stamp(path: Path) -> Stamp:
    """The status a FAT file system gives: modification times in steps of two seconds, and no
    change time (0 here; Windows gives the creation time, which a rewrite keeps too)."""
    status = os.stat(path)
    mtime = status.st_mtime_ns - status.st_mtime_ns % (2 * SECOND)
    return (status.st_size, mtime, 0, status.st_ino)


def test_a_same_size_rewrite_within_the_tick_of_a_coarse_clock_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_memory, "file_stamp", fat_stamp)
    saved = (time.time_ns() // (2 * SECOND)) * (2 * SECOND) + HOUR
    data = load(tmp_path, fixture_text("small.yaml"))
    root = write_site(tmp_path / "site", {**FILES, "blog/a/index.html": QUIET})
    page = root / "blog" / "a" / "index.html"
    os.utime(page, ns=(saved, saved))
    memory = scans_at(saved + SECOND // 2, saved + SECOND)
    assert scan(root, data, memory) == ([], 5)
    page.write_text(LEAKY, encoding="utf-8")  # a second save in the same two seconds
    os.utime(page, ns=(saved + SECOND * 3 // 4, saved + SECOND * 3 // 4))
    assert scan(root, data, memory) == ([Leak("blog/a/index.html", "referrals[0].prospect")], 4)
