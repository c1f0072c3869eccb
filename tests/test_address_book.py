"""An address handed to somebody else: a partner's address is a keyed hash of their id, so a
former partner's id given to a newcomer (or their record renamed to another person) puts the
newcomer's page, with its referrals and notes, behind the link the former partner kept. The
run that does it says so, from the book of names each address has shown (address_book)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import fixture_text, generate_saying, private_addresses

from generator.address_book import MAX_BOOK_BYTES, Handover, hand_overs, handover_warning

SECRET = "kT3v-9QxLm2pW_8ZrB4nYc-book"
OTHER = "zX8-qM4rTw7_Lp2NvB6yHc0JdK"
QUINN = "name: SECRET-PARTNER-QUINN\n"


def _edit(root: Path, old: str, new: str) -> None:
    data = root / "partners.yaml"
    text = data.read_text(encoding="utf-8")
    assert old in text
    data.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", SECRET)
    monkeypatch.delenv("REFERRAL_PREVIEW", raising=False)
    return tmp_path


def _warning(said: str) -> str:
    return next(line for line in said.splitlines() if "shows another name" in line)


def test_a_record_renamed_to_another_person_is_told_by_both_names(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, QUINN, "name: Nora Newcomer\n")
    line = _warning(generate_saying(data_dir, monkeypatch, capsys))
    assert line.startswith("warning: a private page's address shows another name than in an earlier run")
    assert "(the same partner id and epoch): SECRET-PARTNER-QUINN, now Nora Newcomer. Whoever" in line
    assert "raise the new partner's `epoch` by one" in line and "python -m generator links" in line
    assert not [address for address in private_addresses(data_dir) if address in line]
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)  # said once


def test_a_former_partners_id_given_to_a_newcomer_runs_later_is_told(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page at the old address was removed runs ago; the book keeps whose it was."""
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "quiet-quinn", "quinn-moved-away")  # Quinn's page leaves the address
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, QUINN, "name: Cleo Carter\n")  # Quinn, still a partner, under the new id
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "quinn-moved-away", "quiet-quinn")  # the old id, now somebody else's
    line = _warning(generate_saying(data_dir, monkeypatch, capsys))
    assert "SECRET-PARTNER-QUINN, now Cleo Carter." in line


def test_the_same_people_a_preview_or_another_secret_tell_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "title:", "title: Renamed")  # a change that renders every page again
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, QUINN, "name: Nora Newcomer\n")
    with monkeypatch.context() as preview:  # CI's throwaway secret: its addresses reach nobody
        preview.delenv("REFERRAL_SITE_SECRET")
        preview.setenv("CI", "true")
        preview.setenv("REFERRAL_PREVIEW", "1")
        assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", OTHER)  # every address new: none handed over
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)


def test_a_book_that_cannot_be_read_starts_afresh_and_one_edited_cannot_forge_a_secret(
    tmp_path: Path,
) -> None:
    book = tmp_path / "addresses.json"
    book.write_text("{not json", encoding="utf-8")
    assert hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Ann")}) == []
    assert hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Bea")}) == [Handover("Ann", "Bea", "a")]
    assert hand_overs(book, b"t" * 32, {"p/a.md": ("a", "Cid")}) == []  # another secret's book
    assert hand_overs(book, b"t" * 32, {"p/a.md": ("a", "Cid")}) == []


def test_the_warning_keeps_one_line_and_five_pairs() -> None:
    handed = [Handover(f"Old\n::error::{n}", f"New {n}", f"p{n}") for n in range(7)]
    said = handover_warning(handed)
    assert "\n" not in said and "Old\\n::error::0, now New 0; Old" in said
    assert "; and 2 more." in said


def test_a_book_nested_thousands_deep_starts_afresh_without_a_traceback(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """json.loads raises RecursionError, no ValueError, on such a file: the run ended in a
    traceback after writing its pages (under `mkdocs build` too)."""
    generate_saying(data_dir, monkeypatch, capsys)
    book = data_dir / ".referral" / "addresses.json"
    book.write_text("[" * 100_000, encoding="utf-8")
    _edit(data_dir, QUINN, "name: Nora Newcomer\n")
    said = generate_saying(data_dir, monkeypatch, capsys)
    assert "Traceback" not in said and "shows another name" not in said
    [pages] = json.loads(book.read_text(encoding="utf-8"))["books"].values()
    assert "Nora Newcomer" in pages.values()


def test_a_book_too_big_to_be_ours_is_not_read(tmp_path: Path) -> None:
    """A foreign file of hundreds of megabytes cost every run seconds and a gigabyte of memory."""
    book = tmp_path / "addresses.json"
    hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Ann")})
    padded = book.read_text(encoding="utf-8").replace("{", "{" + " " * MAX_BOOK_BYTES, 1)
    book.write_text(padded, encoding="utf-8")
    assert hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Bea")}) == []
    assert book.stat().st_size < 1000  # started afresh, with this run's page


def test_a_run_under_another_secret_between_two_keeps_the_first_secrets_book(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The owner previews under the local secret and publishes under REFERRAL_SITE_SECRET: the
    preview run wiped the published addresses' book, and a rename made meanwhile went untold."""
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, QUINN, "name: Nora Newcomer\n")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", OTHER)  # new addresses: nobody holds them
    assert "shows another name" not in generate_saying(data_dir, monkeypatch, capsys)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", SECRET)
    assert "SECRET-PARTNER-QUINN, now Nora Newcomer." in _warning(
        generate_saying(data_dir, monkeypatch, capsys)
    )


def test_a_book_in_the_first_form_is_read(tmp_path: Path) -> None:
    """One secret's pages, as the book was first written: an upgrade keeps what it knew."""
    book = tmp_path / "addresses.json"
    hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Ann")})
    fingerprint = next(iter(json.loads(book.read_text(encoding="utf-8"))["books"]))
    book.write_text(json.dumps({"secret": fingerprint, "pages": {"p/a.md": "Ann"}}), encoding="utf-8")
    assert hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Bea")}) == [Handover("Ann", "Bea", "a")]


def test_two_partners_names_swapped_are_told_as_two_pages(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both pages changed hands; the warning said "a private page's address shows another name"."""
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "name: Anne Ortiz\n", "name: SWAPPED\n")
    _edit(data_dir, "name: Steve Hall\n", "name: Anne Ortiz\n")
    _edit(data_dir, "name: SWAPPED\n", "name: Steve Hall\n")
    said = generate_saying(data_dir, monkeypatch, capsys)
    [line] = [line for line in said.splitlines() if "addresses show other names" in line]
    assert line.startswith(
        "warning: 2 private pages' addresses show other names than in an earlier run (the same "
        "partner ids and epochs): Anne Ortiz, now Steve Hall; and Steve Hall, now Anne Ortiz. "
        "Whoever was sent an earlier link opens the new page"
    )


def test_two_partners_of_one_name_renamed_alike_are_two_pages_told_by_id(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The warning listed (name before, name now) pairs as a set: two addresses that showed one
    name and now show another collapsed into one, said as "a private page's address" (leftovers)."""
    _edit(data_dir, QUINN, "name: Anne Ortiz\n")  # two partners named alike, both in the book
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "name: Anne Ortiz\n", "name: Anne Wu\n")
    [line] = [
        line for line in generate_saying(data_dir, monkeypatch, capsys).splitlines() if "now Anne Wu" in line
    ]
    assert line.startswith(
        "warning: 2 private pages' addresses show other names than in an earlier run (the same "
        "partner ids and epochs): Anne Ortiz, now Anne Wu (partner id anne-ortiz); and Anne Ortiz, "
        "now Anne Wu (partner id quiet-quinn). Whoever was sent an earlier link opens the new page"
    )


def test_a_partner_renamed_to_another_partners_name_is_told_by_id(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Steve Hall, now Anne Ortiz" beside another Anne Ortiz: the owner could raise the `epoch` of
    the Anne Ortiz who kept her page (leftovers)."""
    generate_saying(data_dir, monkeypatch, capsys)
    _edit(data_dir, "name: Steve Hall\n", "name: Anne Ortiz\n")
    line = _warning(generate_saying(data_dir, monkeypatch, capsys))
    assert (
        "(the same partner id and epoch): Steve Hall, now Anne Ortiz (partner id steve-hall). Whoever" in line
    )


def test_a_name_no_partner_can_have_is_not_quoted_from_the_book(tmp_path: Path) -> None:
    book = tmp_path / "addresses.json"
    hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Ann")})
    books = json.loads(book.read_text(encoding="utf-8"))
    [fingerprint] = books["books"]
    books["books"][fingerprint]["p/a.md"] = "Ann " * 250_000  # a megabyte, on the warning's line
    book.write_text(json.dumps(books), encoding="utf-8")
    assert hand_overs(book, b"s" * 32, {"p/a.md": ("a", "Bea")}) == []
