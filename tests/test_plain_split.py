"""Reading a large plain file on two cores (generator/plain_split.py) gives exactly what the plain
reader gives: the same data, or None for the same texts, whichever item line the text is cut at.

``test_plain_yaml`` holds the plain reader to the marked reader; this holds the split to the
plain reader, for every cut the split can choose in each text.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from multiprocessing.connection import Connection

import pytest
from conftest import TODAY, SiteProject, fixture_text, load_problems
from hypothesis import event, given, settings
from test_injection import hostile_yaml
from test_input_safety import BASE, CORPUS
from test_plain_yaml import EDGES, documents, make_data
from test_render_split import needs_two_cores
from test_validation_fuzz import edited

from generator import forked, models, plain_split, source, validate
from generator.plain_yaml import parse_plain
from generator.problems import InvalidData


def every_cut(text: str) -> set[plain_split.Cut]:
    """Each cut the split can choose: the one found from every line's start."""
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    return {cut for near in starts if (cut := plain_split.find_cut(text, near)) is not None}


def assert_every_cut_reads_as_the_whole(text: str) -> int:
    whole = json.dumps(parse_plain(text))  # order and types too
    cuts = every_cut(text)
    for cut in cuts:
        assert cut.offset > 0 and text[cut.offset - 1] == "\n"
        assert json.dumps(plain_split.parse_in_two(text, cut)) == whole, cut
    return len(cuts)


USUAL = [BASE, make_data.make_yaml(12)] + [fixture_text(name) for name in ("small.yaml", "golden.yaml")]


@pytest.mark.parametrize("text", USUAL, ids=["base", "generated", "small", "golden"])
def test_a_usual_file_is_read_alike_at_every_cut(text: str) -> None:
    assert parse_plain(text) is not None
    assert_every_cut_reads_as_the_whole(text)


def test_a_usual_file_can_be_cut_in_each_of_its_lists() -> None:
    sections = {cut.section for cut in every_cut(make_data.make_yaml(12))}
    assert sections == {"partners", "referrals", "given", "events"}


# Texts where a cut meets what the plain reader refuses or must see whole: a key repeated across
# the halves, a section after the cut, a list at the margin, odd indentation, comments.
AROUND_CUTS = [
    "b: 1\na:\n  - x: 1\n  - x: 2\nb: 2\n",
    "b:\n  - y: 1\na:\n  - x: 1\n  - x: 2\nb:\n  - y: 2\n",
    "a:\n  - x: 1\n  - x: 2\nb: 3\n",
    "a:\n  - x: 1\n  - x: 2\na: 3\n",
    "a:\n  - x: 1\n  - x: 2\nb:\n  - y: 1\n  - y: 2\na:\n  - x: 3\n",
    "a:\n- x: 1\n- x: 2\n",
    "a:\n  - x: 1\n    - x: 2\n  - x: 3\n",
    "a:\n  - x: 1\n - x: 2\n",
    "a:\n  - x: 1\n  x: 2\n  - x: 3\n",
    "a:\n  # c\n\n  - x: 1\n  # c\n  - x: 2\n\n  - x:\n  - x: 3\n",
    "a:\n  - x: 1\n  - x: 1\n    x: 2\n",
    "a:\n  - x: 1\n  - - x: 2\n",
    "a:\n  - x: 1\n  - x: 2\n# c\nb:\n  - y: 1\n",
    "a:\n  - x: 1\n  - x: 2\n---\n",
    "a:\n  - x: 1\n  - x: 2\n\tb: 1\n",
    "null:\n  - x: 1\n  - x: 2\n",
    "a:\n  - x: 1\n  - y:\n      - z: 1\n      - z: 2\n  - x: 2\n",
    "a:\n    - x: 1\n    - x: 2\n",
]


@pytest.mark.parametrize("text", AROUND_CUTS + EDGES, ids=[repr(text[:40]) for text in AROUND_CUTS + EDGES])
def test_an_edge_is_read_alike_at_every_cut(text: str) -> None:
    assert_every_cut_reads_as_the_whole(text)


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_malformed_file_is_read_alike_at_every_cut(name: str) -> None:
    assert_every_cut_reads_as_the_whole(CORPUS[name])


def test_hostile_values_are_read_alike_at_every_cut() -> None:
    assert_every_cut_reads_as_the_whole(hostile_yaml())


@settings(max_examples=150, deadline=None)
@given(edited())
def test_random_edits_of_the_fixture_are_read_alike_at_every_cut(text: str) -> None:
    event("cut" if assert_every_cut_reads_as_the_whole(text) else "no cut")


@settings(max_examples=400, deadline=None)
@given(documents())
def test_generated_documents_are_read_alike_at_every_cut(text: str) -> None:
    event("cut" if assert_every_cut_reads_as_the_whole(text) else "no cut")


LARGE = make_data.make_yaml(600)


def test_a_large_file_is_large_enough_to_be_read_on_two_cores() -> None:
    assert len(LARGE) >= plain_split.MIN_CHARS
    assert plain_split.find_cut(LARGE, len(LARGE) // 2) is not None


@needs_two_cores
def test_a_large_file_read_on_two_cores_gives_the_plain_readers_data() -> None:
    assert plain_split.parse_plain_fast(LARGE) == parse_plain(LARGE)


@needs_two_cores
def test_a_forked_reader_that_dies_leaves_the_tail_to_this_one(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def dies_elsewhere(text: str) -> object:
        if os.getpid() != parent:
            os._exit(9)
        return parse_plain(text)

    monkeypatch.setattr(plain_split, "parse_plain", dies_elsewhere)
    assert plain_split.parse_plain_fast(LARGE) == parse_plain(LARGE)


@needs_two_cores
def test_each_half_is_prepared_on_the_core_that_read_it() -> None:
    """validate has each half's records made models where the half was read: the tail's in
    the forked reader, the head's here, while the other core does the same."""

    def tagged(data: dict[str, object]) -> dict[str, object]:
        return {**data, f"read_in_{os.getpid()}": True}

    data = plain_split.parse_plain_fast(LARGE, tagged)
    assert data is not None
    readers = {key for key in data if key.startswith("read_in_")}
    assert len(readers) == 2 and f"read_in_{os.getpid()}" in readers
    assert {key: value for key, value in data.items() if key not in readers} == parse_plain(LARGE)


@needs_two_cores
def test_a_large_file_validated_on_two_cores_is_the_model_of_the_whole_file() -> None:
    whole = models.PartnersFile.model_validate(parse_plain(LARGE))
    split = validate.load_text(LARGE, "partners.yaml", TODAY)
    assert split == whole
    assert split.model_dump_json() == whole.model_dump_json()


def _with_date(text: str, at: int, date: str) -> str:
    """``text`` with the date after the ``introduced: `` at ``at`` replaced."""
    start = at + len("introduced: ")
    return text[:start] + date + text[start + len("2026-01-01") :]


@needs_two_cores
@pytest.mark.parametrize("half", ["head", "tail", "both"])
def test_a_mistake_in_either_half_of_a_large_file_is_told_as_the_marked_reader_tells_it(half: str) -> None:
    """A half whose records all pass reaches the file's model as models, the other as read: the
    file's validation then fails with data the error path does not read, and the marked reader
    must still say what is wrong, where."""
    text = LARGE
    if half in ("head", "both"):
        text = _with_date(text, text.find("introduced: "), "2024-02-30")
    if half in ("tail", "both"):
        text = _with_date(text, text.rfind("introduced: "), "2025-13-01")
    marked = source.parse(text, "partners.yaml", with_marks=True)
    with pytest.raises(InvalidData) as caught:
        validate.validate_document(marked, TODAY)
    expected = [str(problem) for problem in caught.value.problems]
    assert load_problems(text) == expected
    assert len(expected) == (2 if half == "both" else 1)
    assert ("2024-02-30" in expected[0]) == (half != "tail")


def _read_in_a_daemon(sender: Connection) -> None:
    try:
        sender.send((forked.can_fork(), plain_split.parse_plain_fast(LARGE) == parse_plain(LARGE)))
    except BaseException as error:
        sender.send(repr(error))


def test_a_daemonic_process_reads_a_large_file_alone() -> None:
    """The leak guard's process is daemonic, and multiprocessing lets it have no children: it
    loads the data itself on a build with nothing changed, and forking there stopped the build."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_read_in_a_daemon, args=(sender,), daemon=True)
    process.start()
    assert receiver.recv() == (False, True)
    process.join()


@pytest.mark.build
def test_a_build_with_nothing_changed_passes_with_a_large_file(project: SiteProject) -> None:
    project.write_data(LARGE)
    first = project.mkdocs_build()
    assert first.returncode == 0, first.stderr
    again = project.mkdocs_build()
    assert again.returncode == 0, again.stderr
    assert "nothing changed since the last run" in again.stderr
