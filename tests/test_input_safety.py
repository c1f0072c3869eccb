"""Hostile or mistyped input: every value `check` accepts must build; the rest is refused, located.

Dates out of range, YAML tags, odd keys and characters: each gets `file:line:column: field: message`,
never a traceback, and a refused command changes nothing on disk.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CI_ONLY, FIXTURES, SOURCE_DATE_EPOCH, TODAY, SiteProject, load_problems
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.problems import InvalidData
from generator.project import today
from generator.render import SiteLayout, render_site
from generator.validate import load_text

BASE = """\
newsletter:
  title: T
  owner: O
partners:
  - id: anne
    name: Anne
    since: 2024-05-02
referrals:
  - id: r1
    partner: anne
    prospect: Dana
    introduced: 2026-02-03
    updates:
      - date: 2026-02-10
        stage: met
given:
  - partner: anne
    date: 2026-03-01
    to: Jo
events:
  - date: 2026-12-10
    title: Mixer
"""


problems = load_problems


def test_the_base_file_is_valid_and_renders() -> None:
    data = load_text(BASE, "partners.yaml", TODAY)
    assert render_site(data, SiteLayout(as_of=TODAY, secret=b"x" * 32))


# --- dates ---------------------------------------------------------------------------------------

DATES = {
    "event in year 9999": (
        ("2026-12-10", "9999-12-31"),
        "partners.yaml:21:11: events[0].date: 9999-12-31 is more than 5 years ahead "
        "(the latest event date is 2031-11-20)",
    ),
    "event in year 1": (
        ("2026-12-10", "0001-01-01"),
        "partners.yaml:21:11: events[0].date: 0001-01-01 is before 1900-01-01; write the real date (YYYY-MM-DD)",
    ),
    "introduced in the future": (
        ("introduced: 2026-02-03", "introduced: 2026-11-21"),
        "partners.yaml:12:17: referrals[0].introduced: 2026-11-21 is in the future (today is 2026-11-20)",
    ),
    "introduced in year 9999": (
        ("introduced: 2026-02-03", "introduced: 9999-12-31"),
        "partners.yaml:12:17: referrals[0].introduced: 9999-12-31 is in the future (today is 2026-11-20)",
    ),
    "given in the future": (
        ("date: 2026-03-01", "date: 2027-01-01"),
        "partners.yaml:18:11: given[0].date: 2027-01-01 is in the future (today is 2026-11-20)",
    ),
    "since in the future": (
        ("since: 2024-05-02", "since: 2030-01-01"),
        "partners.yaml:7:12: partners[0].since: 2030-01-01 is in the future (today is 2026-11-20)",
    ),
    "since in 1800": (
        ("since: 2024-05-02", "since: 1800-01-01"),
        "partners.yaml:7:12: partners[0].since: 1800-01-01 is before 1900-01-01; write the real date (YYYY-MM-DD)",
    ),
    "update in year 9999": (
        ("- date: 2026-02-10", "- date: 9999-12-31"),
        "partners.yaml:14:15: referrals[0].updates[0].date: 9999-12-31 is in the future (today is 2026-11-20)",
    ),
}


@pytest.mark.parametrize(("change", "expected"), list(DATES.values()), ids=list(DATES))
def test_dates_out_of_range_are_located_errors(change: tuple[str, str], expected: str) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    assert expected in problems(text)


@pytest.mark.parametrize(
    "change",
    [("2026-12-10", "2031-11-20"), ("introduced: 2026-02-03", "introduced: 1900-01-01")],
    ids=["event 5 years ahead", "introduced 1900-01-01"],
)
def test_the_edges_of_the_range_are_accepted_and_render(change: tuple[str, str]) -> None:
    text = BASE.replace(*change, 1)
    data = load_text(text, "partners.yaml", TODAY)
    assert render_site(data, SiteLayout(as_of=TODAY, secret=b"x" * 32))


def test_a_leap_day_today_gives_a_valid_event_limit() -> None:
    leap = dt.date(2028, 2, 29)
    text = BASE.replace("2026-12-10", "2033-02-28", 1)
    assert load_text(text, "partners.yaml", leap).events[0].date == dt.date(2033, 2, 28)


# --- YAML tags ---------------------------------------------------------------------------------

TAGS = {
    "object/new on a partner": (
        ("  - id: anne\n", "  - !!python/object/new:os.system\n    id: anne\n"),
        "partners.yaml:5:5: partners[0]: YAML tags such as !!python/object/new:os.system are not supported",
    ),
    "set on a section": (
        ("partners:\n", "partners: !!set\n"),
        "partners.yaml:4:11: partners: YAML tags such as !!set are not supported",
    ),
    "map on the file": (
        ("newsletter:\n", "!!map\nnewsletter:\n"),
        "partners.yaml:1:1: partners.yaml: YAML tags such as !!map are not supported",
    ),
    "seq on updates": (
        ("    updates:\n", "    updates: !!seq\n"),
        "partners.yaml:13:14: referrals[0].updates: YAML tags such as !!seq are not supported",
    ),
    "flow list with a tag": (
        ("    to: Jo\n", "    to: !!python/object/apply:os.system [echo]\n"),
        "partners.yaml:19:9: given[0].to: YAML tags such as !!python/object/apply:os.system are not supported",
    ),
    "tag on a key": (
        ("    name: Anne\n", "    !!str name: Anne\n"),
        "partners.yaml:6:5: partners[0].name: YAML tags such as !!str are not supported",
    ),
    "local tag on a value": (
        ("title: Mixer", "title: !shout Mixer"),
        "partners.yaml:22:12: events[0].title: YAML tags such as !shout are not supported",
    ),
}


@pytest.mark.parametrize(("change", "expected"), list(TAGS.values()), ids=list(TAGS))
def test_every_yaml_tag_is_refused_where_it_stands(change: tuple[str, str], expected: str) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    found = problems(text)
    assert any(line.startswith(expected) for line in found), found
    assert all(line.endswith("remove the tag") for line in found if "tags" in line)


def test_a_local_tag_on_text_says_how_to_keep_it_as_text() -> None:
    """`note: !Urgent call Bob`: YAML reads a tag, where the editor wrote a word of the note."""
    found = problems(BASE.replace("title: Mixer", "title: !Urgent call Bob", 1))
    assert found == [
        "partners.yaml:22:12: events[0].title: YAML tags such as !Urgent are not supported; if '!Urgent' is "
        "part of the text, put the whole value in quotes ('!Urgent call Bob'), else remove the tag"
    ]


# --- messages an editor understands ------------------------------------------------------------

MESSAGES = {
    "empty boolean": (
        ("    since: 2024-05-02\n", "    since: 2024-05-02\n    public:\n"),
        "partners.yaml:8:12: partners[0].public: expected true or false, but the value is empty",
    ),
    "empty date": (
        ("introduced: 2026-02-03", "introduced:"),
        "partners.yaml:12:16: referrals[0].introduced: expected a date (YYYY-MM-DD), but the value is empty",
    ),
    "line separator in a name": (
        ("name: Anne", "name: An\u2028ne"),
        "partners.yaml:6:13: partners[0].name: the character U+2028 (line separator) ends a line in YAML "
        "but is invisible in most editors; replace it with a space or a normal line break",
    ),
    "next line in a quoted name": (
        ("name: Anne", 'name: "An\x85ne"'),
        "partners.yaml:6:14: partners[0].name: the character U+0085 (next line) ends a line in YAML",
    ),
    "tilde key": (
        ("    name: Anne\n", "    name: Anne\n    ~: x\n"),
        "partners.yaml:7:5: partners[0]: a key is empty; write the field name",
    ),
    "empty quoted key": (
        ("    name: Anne\n", '    name: Anne\n    "": x\n'),
        "partners.yaml:7:5: partners[0]: a key is empty; write the field name",
    ),
    "control character in a note": (
        ("stage: met", "stage: met\n        note: a\x07b"),
        "partners.yaml:16:16: referrals[0].updates[0].note: the character U+0007 is not allowed in YAML",
    ),
    "escape character in an event title": (
        ("title: Mixer", "title: Mi\x1bxer"),
        "partners.yaml:22:14: events[0].title: the character U+001B is not allowed in YAML",
    ),
}


@pytest.mark.parametrize(("change", "expected"), list(MESSAGES.values()), ids=list(MESSAGES))
def test_messages_name_the_field_in_plain_words(change: tuple[str, str], expected: str) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    found = problems(text)
    assert any(line.startswith(expected) for line in found), found
    assert not any(".:" in line or "Input should" in line for line in found), found


# --- the whole command: refused, located, no traceback, nothing changed on disk -----------------

# Malformed files beyond the cases above; each is BASE with one edit, or whole text.
MORE: dict[str, tuple[tuple[str, str], str] | str] = {
    "duplicate key": (("    name: Anne\n", "    name: Anne\n    name: Ann\n"), ""),
    "alias": (("    to: Jo\n", "    to: *x\n"), ""),
    "anchor and alias key": (("  owner: O\n", "  owner: &o O\n  *o : x\n"), ""),
    "tab indentation": (("    name: Anne\n", "\tname: Anne\n"), ""),
    "unknown field": (("    name: Anne\n", "    nmae: Anne\n"), ""),
    "bad id": (("  - id: anne\n", "  - id: Anne Ortiz\n"), ""),
    "bad stage": (("stage: met", "stage: mett"), ""),
    "unknown partner": (("    partner: anne\n    prospect", "    partner: steve\n    prospect"), ""),
    "self referral": (("    name: Anne\n", "    name: Anne\n    referred_by: anne\n"), ""),
    "negative epoch": (("    name: Anne\n", "    name: Anne\n    epoch: -1\n"), ""),
    "nan value": (("    prospect: Dana\n", "    prospect: Dana\n    value: nan\n"), ""),
    "due after 0 days": (("  owner: O\n", "  owner: O\n  due_after_days: 0\n"), ""),
    "date with time": (("introduced: 2026-02-03", "introduced: 2026-02-03T10:00"), ""),
    "no such date": (("introduced: 2026-02-03", "introduced: 2026-02-30"), ""),
    "boolean yes": (("    since: 2024-05-02\n", "    since: 2024-05-02\n    public: yes\n"), ""),
    "list as name": (("name: Anne", "name: [a, b]"), ""),
    "mapping as title": (("  title: T\n", "  title: {a: b}\n"), ""),
    "update before introduction": (("- date: 2026-02-10", "- date: 2026-01-10"), ""),
    "second document": (("", ""), BASE + "---\nx: 1\n"),
    "list at the top": (("", ""), "- a\n- b\n"),
    "empty file": (("", ""), ""),
    "only a comment": (("", ""), "# nothing\n"),
    "unclosed quote": (("name: Anne", 'name: "Anne'), ""),
    "deep nesting": (("", ""), "newsletter: " + "[" * 200 + "]" * 200 + "\n"),
    "surrogate escape": (("name: Anne", 'name: "\\ud800"'), ""),
    "nul byte": (("name: Anne", "name: An\x00ne"), ""),
}


def _corpus() -> dict[str, str]:
    """Every malformed file of this module, by name."""
    corpus: dict[str, str] = {}
    for table in (DATES, TAGS, MESSAGES):
        for name, (change, _) in table.items():
            corpus[name] = BASE.replace(*change, 1)
    for name, (change, whole) in ((k, v) for k, v in MORE.items() if isinstance(v, tuple)):
        corpus[name] = whole if change == ("", "") else BASE.replace(*change, 1)
    return corpus


CORPUS = _corpus()
LOCATED = re.compile(r"^partners\.yaml:\d+:\d+: [^:\s][^:]*: \S")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_malformed_file_is_refused_located_and_changes_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.yaml").write_text(CORPUS[name], encoding="utf-8")
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", "")  # a build would create .referral/secret
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    for variable in CI_ONLY:
        monkeypatch.delenv(variable, raising=False)
    before = _snapshot(tmp_path)
    for command in (["check"], ["generate"]):
        assert main(command) == 1, command
        captured = capsys.readouterr()  # check's report is its output; generate's, an error
        lines = (captured.out if command == ["check"] else captured.err).splitlines()
        assert lines and lines[-1].endswith("; nothing was generated."), lines
        assert all(LOCATED.match(line) for line in lines[:-1]), lines
    assert _snapshot(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "partners.yaml"]


@pytest.mark.parametrize("epoch", ["9" * 5000, "99999999999999999", "253402300800", "4102444800"])
def test_a_source_date_epoch_beyond_2100_is_refused_in_words(epoch: str) -> None:
    with pytest.raises(ValueError, match=r"SOURCE_DATE_EPOCH '.*' is not a time before 2100"):
        today({"SOURCE_DATE_EPOCH": epoch})


@pytest.mark.parametrize("epoch", ["abc", "1795132800.5", "-5", "1,795,132,800", "²"])
def test_a_source_date_epoch_that_is_no_whole_number_is_refused_in_words(epoch: str) -> None:
    """Rendered for today's date instead, while MkDocs itself then stopped in a traceback
    (int() of the value, or a negative time in the sitemap's gzip header)."""
    with pytest.raises(
        ValueError, match=rf"SOURCE_DATE_EPOCH '{re.escape(epoch)}' is not a whole number of seconds"
    ):
        today({"SOURCE_DATE_EPOCH": epoch})


def test_a_source_date_epoch_in_range_is_the_day() -> None:
    assert today({"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}) == TODAY


# --- length limits and email addresses (the model's types), through `python -m generator check` ---

FIXTURE = (FIXTURES / "small.yaml").read_text("utf-8")
ANNE_EMAIL = "email: SECRET-EMAIL-ANNE@example.com"
CHECKED = {
    "600,000-character prospect": (
        ("prospect: SECRET-PROSPECT-DANA", "prospect: " + "x" * 600_000),
        "partners.yaml:35:15: referrals[0].prospect: is 600,000 characters long; shorten it to at most 200",
    ),
    "100,000-character note": (
        ("note: SECRET-NOTE-DANA-MET", "note: " + "Took a test ride. " * 5_556),
        "partners.yaml:43:15: referrals[0].updates[0].note: is 100,007 characters long; "
        "shorten it to at most 5,000",
    ),
    "600,000-character id": (
        ("- id: steve-hall", "- id: " + "a" * 600_000),
        "partners.yaml:18:9: partners[1].id: '" + "a" * 60 + "…' (600,000 characters) is not a valid id",
    ),
    "epoch of 5,000 digits": (
        ("    public: true\n", "    public: true\n    epoch: " + "9" * 5000 + "\n"),
        "partners.yaml:16:12: partners[0].epoch: is a number of more than 9 digits; use a small whole number",
    ),
    "email with a header": (
        (ANNE_EMAIL, 'email: "a@b.example\\nBcc: x@evil.example"'),
        # The line break quoted as \n: the located line stays one line (review17).
        "partners.yaml:13:12: partners[0].email: 'a@b.example\\nBcc: x@evil.example' is not one plain",
    ),
    "two email addresses": (
        (ANNE_EMAIL, "email: a@b.example, c@d.example"),
        "partners.yaml:13:12: partners[0].email: 'a@b.example, c@d.example' is not one plain email address",
    ),
    "email with a display name": (
        (ANNE_EMAIL, 'email: "Anne <a@b.example>"'),
        "partners.yaml:13:12: partners[0].email: 'Anne <a@b.example>' is not one plain email address",
    ),
    "not an address": (
        (ANNE_EMAIL, "email: not-an-address"),
        "partners.yaml:13:12: partners[0].email: 'not-an-address' is not one plain email address",
    ),
}


@pytest.mark.parametrize(("change", "expected"), list(CHECKED.values()), ids=list(CHECKED))
def test_check_refuses_long_values_and_bad_emails_located(
    change: tuple[str, str], expected: str, tmp_path: Path
) -> None:
    text = FIXTURE.replace(*change, 1)
    assert text != FIXTURE
    (tmp_path / "partners.yaml").write_text(text, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name not in CI_ONLY}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=tmp_path,
        env={**env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "REFERRAL_SITE_SECRET": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith(expected), result.stdout[:500]
    assert len(result.stdout) < 1000  # the value is not echoed in full
    assert sorted(path.name for path in tmp_path.iterdir()) == ["partners.yaml"]


def test_a_build_with_a_600000_character_name_never_starts(project: SiteProject) -> None:
    project.write_data(FIXTURE.replace("name: Steve Hall", "name: " + "S" * 600_000, 1))
    before = _snapshot(project.root)
    result = project.mkdocs_build("--strict")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert (
        "partners.yaml:19:11: partners[1].name: is 600,000 characters long; shorten it to at most 200"
        in output
    )
    assert "Traceback" not in output and len(output) < 5000
    assert _snapshot(project.root) == before
    assert not project.site.exists()


DATE_FIELDS = {
    "event": "2026-12-10",
    "introduced": "introduced: 2026-02-03",
    "given": "date: 2026-03-01",
    "since": "since: 2024-05-02",
    "update": "- date: 2026-02-10",
}


@settings(max_examples=150, deadline=None)
@example(field="event", day=dt.date.max)  # each field at the very edges of what Python can hold
@example(field="given", day=dt.date.max)
@example(field="since", day=dt.date.max)
@example(field="event", day=dt.date.min)
@example(field="update", day=dt.date.max)
@given(
    field=st.sampled_from(sorted(DATE_FIELDS)),
    day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
def test_any_date_check_accepts_renders(field: str, day: dt.date) -> None:
    old = DATE_FIELDS[field]
    new = old.replace(old[-10:], day.isoformat())
    try:
        data = load_text(BASE.replace(old, new, 1), "partners.yaml", TODAY)
    except InvalidData:
        return
    assert render_site(data, SiteLayout(as_of=TODAY, secret=b"x" * 32))
