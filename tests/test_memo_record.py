"""The render memo kept across runs (generator/memo_record.py): a run that keeps pages from the
last one leaves exactly the files a run rendering everything leaves, after every kind of edit;
a note edit renders one page; a page changed on disk, or a record that cannot be trusted, means
rendering again, never an error."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from code_changes import new_library, new_python, new_template, new_version
from conftest import TEST_SECRET, TODAY, make_project
from test_render_memo import EDITS, START
from test_stamp import MARGIN_S, Reads

from generator import memo_record, render, render_memo, stamp
from generator import project as pipeline
from generator.models import PartnersFile
from generator.render import SiteLayout
from generator.render_memo import names_digest, own_digests
from generator.validate import load_text

ENVIRON = {"REFERRAL_SITE_SECRET": TEST_SECRET}
# Every file the fixture gives: the pages, posts, calendars and host files.
PAGES = len(
    render.render_site(load_text(START, "partners.yaml", TODAY), SiteLayout(TODAY, TEST_SECRET.encode()))
)


class Copy:
    """One project folder, generated into again and again."""

    def __init__(self, root: Path) -> None:
        root.mkdir()
        make_project(root)
        self.project = pipeline.Project.at(root)

    def generate(self, text: str, environ: dict[str, str] = ENVIRON) -> pipeline.Outcome:
        self.project.data_file.write_text(text, "utf-8")
        return pipeline.generate(self.project, TODAY, environ)

    def content(self) -> dict[str, bytes]:
        docs = self.project.docs_dir
        return {
            path.relative_to(docs).as_posix(): path.read_bytes() for path in docs.rglob("*") if path.is_file()
        }

    def partner_pages(self) -> list[Path]:
        return sorted(path for path in (self.project.docs_dir / "p").glob("*.md") if path.name != "index.md")


def edits_that_differ(tmp_path: Path) -> list[str]:
    """Every edit of test_render_memo in turn, generated into a copy that keeps its record and
    into one that has none at each run: the edits after which the two content folders differ."""
    kept, fresh = Copy(tmp_path / "with-record"), Copy(tmp_path / "without-record")
    differ, text = [], START
    for name, edit in [("start", lambda text: text), *EDITS]:
        text = edit(text)
        kept.generate(text)
        memo_record.forget(fresh.project.memo_file)
        assert fresh.generate(text).report.kept == 0
        if kept.content() != fresh.content():
            differ.append(name)
    return differ


def test_after_every_edit_the_record_gives_what_rendering_everything_gives(tmp_path: Path) -> None:
    assert edits_that_differ(tmp_path) == []


def _leave_out(records: str, field: str, blank: object = None) -> Callable[[PartnersFile], dict[str, bytes]]:
    """own_digests blind to one field of one kind of record (``records``: its list in the file)."""

    def digests(data: PartnersFile) -> dict[str, bytes]:
        blind = tuple(r.model_copy(update={field: blank}) for r in getattr(data, records))
        return own_digests(data.model_copy(update={records: blind}))

    return digests


# Each leaves something out of a page's key; the comparison above must notice.
SABOTAGES: dict[str, tuple[object, str, object]] = {
    "names out of the shared part": (
        render_memo,
        "_OWN_FREE_TEXT",
        {**render_memo._OWN_FREE_TEXT, "partners": {"__all__": {"name"}}},  # type: ignore[dict-item]
    ),
    "own updates out of the key": (render_memo, "own_digests", _leave_out("referrals", "updates", ())),
    "given names out of the key": (render_memo, "own_digests", _leave_out("given", "to", "")),
    "prospects out of the key": (render_memo, "own_digests", _leave_out("referrals", "prospect", "")),
    "prospects out of the public pages' key": (
        render_memo,
        "names_digest",
        lambda data: names_digest(data.model_copy(update={"referrals": ()})),
    ),
}


@pytest.mark.parametrize("sabotage", SABOTAGES)
def test_a_key_missing_a_field_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sabotage: str
) -> None:
    owner, name, value = SABOTAGES[sabotage]
    monkeypatch.setattr(owner, name, value)
    assert edits_that_differ(tmp_path) != []


def test_a_note_edit_renders_one_page_and_writes_one_file(tmp_path: Path) -> None:
    copy = Copy(tmp_path / "site")
    first = copy.generate(START)
    assert first.report.kept == 0
    again = copy.generate(EDITS[0][1](START))
    assert again.report.kept == PAGES - 1
    assert len(again.report.written) == 1 and again.report.written[0].startswith("p/")


def _edit_by_hand(page: Path) -> None:
    page.write_bytes(page.read_bytes() + b"\nA line added by hand.\n")


def _same_size_edit(page: Path) -> None:
    content = page.read_bytes()
    page.write_bytes(content[:-2] + (b"!!" if content[-2:] != b"!!" else b"??"))


def _remove(page: Path) -> None:
    page.unlink()


@pytest.mark.parametrize("damage", [_edit_by_hand, _same_size_edit, _remove])
def test_a_page_changed_on_disk_is_rendered_and_written_again(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    copy, reference = Copy(tmp_path / "site"), Copy(tmp_path / "reference")
    copy.generate(START)
    reference.generate(START)
    damage(copy.partner_pages()[0])
    outcome = copy.generate(START)  # the same data: only the damage calls for a render
    assert outcome.report.kept == PAGES - 1
    assert copy.content() == reference.content()


def _garbage(record: Path) -> None:
    record.write_bytes(b"\x00not json{")


def _key_changed_by_hand(record: Path) -> None:
    content = json.loads(record.read_text("utf-8"))
    path = next(iter(content["pages"]))
    content["pages"][path][0] = "00" * 20
    record.write_text(json.dumps(content), "utf-8")


def _other_environment(record: Path) -> None:
    content = json.loads(record.read_text("utf-8"))
    content["environment"] = "0" * 64
    record.write_text(json.dumps(content), "utf-8")


def _unsigned(record: Path) -> None:
    content = json.loads(record.read_text("utf-8"))
    del content["signature"]
    record.write_text(json.dumps(content), "utf-8")


@pytest.mark.parametrize("spoil", [_garbage, _key_changed_by_hand, _other_environment, _unsigned])
def test_a_record_that_cannot_be_trusted_is_ignored(tmp_path: Path, spoil: Callable[[Path], None]) -> None:
    copy, reference = Copy(tmp_path / "site"), Copy(tmp_path / "reference")
    copy.generate(START)
    spoil(copy.project.memo_file)
    outcome = copy.generate(EDITS[0][1](START))
    assert outcome.report.kept == 0
    reference.generate(EDITS[0][1](START))
    assert copy.content() == reference.content()


def test_a_new_secret_renders_everything(tmp_path: Path) -> None:
    copy = Copy(tmp_path / "site")
    copy.generate(START)
    rotated = {"REFERRAL_SITE_SECRET": TEST_SECRET + "-rotated"}
    assert copy.generate(EDITS[0][1](START), rotated).report.kept == 0
    assert copy.generate(EDITS[1][1](EDITS[0][1](START)), rotated).report.kept == PAGES - 1


@pytest.mark.parametrize("change", [new_version, new_template, new_library, new_python])
def test_other_code_or_libraries_render_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[..., None]
) -> None:
    copy = Copy(tmp_path / "site")
    copy.generate(START)
    change(monkeypatch, tmp_path)
    stamp.code_digest.cache_clear()
    try:
        assert copy.generate(EDITS[0][1](START)).report.kept == 0
        assert copy.generate(EDITS[1][1](EDITS[0][1](START))).report.kept == PAGES - 1
    finally:
        monkeypatch.undo()
        stamp.code_digest.cache_clear()


def test_the_record_holds_no_secret_and_no_data(tmp_path: Path) -> None:
    copy = Copy(tmp_path / "site")
    copy.generate(START)
    record = copy.project.memo_file.read_text("utf-8")
    for value in (TEST_SECRET, "Evan Brooks", "budget is tight", "Anne Ortiz", "anne-ortiz"):
        assert value not in record


def test_a_throwaway_secret_records_nothing(tmp_path: Path) -> None:
    copy = Copy(tmp_path / "site")
    copy.generate(START, {"CI": "1", "REFERRAL_PREVIEW": "1"})
    assert copy.content()
    assert not copy.project.memo_file.exists()


def test_without_a_manifest_the_kept_pages_stay_listed(tmp_path: Path) -> None:
    copy, reference = Copy(tmp_path / "site"), Copy(tmp_path / "reference")
    copy.generate(START)
    copy.project.manifest.unlink()
    outcome = copy.generate(EDITS[0][1](START))
    assert outcome.report.kept == PAGES - 1 and outcome.report.removed == []
    reference.generate(EDITS[0][1](START))
    assert copy.content() == reference.content()
    listed = json.loads(copy.project.manifest.read_text("utf-8"))["files"]
    assert listed == json.loads(reference.project.manifest.read_text("utf-8"))["files"]


def test_a_record_of_another_docs_folder_is_ignored(tmp_path: Path) -> None:
    copy = Copy(tmp_path / "site")
    copy.generate(START)
    shutil.copytree(copy.project.docs_dir, copy.project.root / "elsewhere")
    elsewhere = pipeline.Project.at(copy.project.root, docs_dir="elsewhere")
    elsewhere.data_file.write_text(EDITS[0][1](START), "utf-8")
    assert pipeline.generate(elsewhere, TODAY, ENVIRON).report.kept == 0
    assert pipeline.generate(elsewhere, TODAY, ENVIRON).rendered is False
    elsewhere.data_file.write_text(EDITS[1][1](EDITS[0][1](START)), "utf-8")
    assert pipeline.generate(elsewhere, TODAY, ENVIRON).report.kept == PAGES - 1


# --- kept pages vouched for by their stat fields (stamp.current_state) -------------------------

NOTE_EDIT = EDITS[0][1](START)
SECOND_NOTE_EDIT = NOTE_EDIT.replace("thank you for coming along.", "thank you for coming along today.")


def _settled_copy(root: Path, monkeypatch: pytest.MonkeyPatch) -> Copy:
    """A first run, then a note edit once the files are older than the margin: that run reads the
    kept pages and records their stat fields."""
    monkeypatch.setattr(stamp, "MARGIN_NS", int(MARGIN_S * 1e9))
    copy = Copy(root)
    copy.generate(START)
    time.sleep(2 * MARGIN_S)
    assert copy.generate(NOTE_EDIT).report.kept == PAGES - 1
    time.sleep(2 * MARGIN_S)
    return copy


def test_a_note_edit_reads_no_settled_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _settled_copy(tmp_path / "site", monkeypatch)
    reads = Reads(monkeypatch)
    assert reads.during(lambda: copy.generate(SECOND_NOTE_EDIT).report.kept) == 0
    reference = Copy(tmp_path / "reference")
    reference.generate(SECOND_NOTE_EDIT)
    assert copy.content() == reference.content()


def test_a_kept_page_edited_with_its_mtime_restored_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _settled_copy(tmp_path / "site", monkeypatch)
    page = copy.partner_pages()[-1]
    before = os.stat(page)
    _same_size_edit(page)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t would
    outcome = copy.generate(SECOND_NOTE_EDIT)
    assert outcome.report.kept == PAGES - 2  # the edited partner's page and the damaged one
    reference = Copy(tmp_path / "reference")
    reference.generate(SECOND_NOTE_EDIT)
    assert copy.content() == reference.content()
