"""`check` names every problem in one run (README, "Commands"), even where a record also
fails for another reason, and names what `mkdocs build --strict` refuses (review36)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, SiteProject, load_problems

from generator.problems import InvalidData
from generator.validate import load_text

# A referral with a mistake of its own (the method) and updates out of date order.
UNORDERED = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
referrals:
  - id: r
    partner: a
    prospect: P
    introduced: 2026-02-01
    method: dinner
    updates:
      - date: 2026-03-01
        stage: met
      - date: 2026-02-15
        stage: proposal
      - date: 2026-01-15
        stage: won
"""


def test_updates_out_of_order_are_named_beside_another_mistake_of_their_referral() -> None:
    """Fixing every line check names must not bring up a second list: the order of the updates
    was only checked once the method was fixed."""
    assert load_problems(UNORDERED) == [
        "partners.yaml:12:13: referrals[0].method: 'dinner' is not one of name, letter, call, lunch",
        "partners.yaml:16:15: referrals[0].updates[1].date: 2026-02-15 is out of order: it is listed after an"
        " update of 2026-03-01; list updates oldest first",
        "partners.yaml:18:15: referrals[0].updates[2].date: 2026-01-15 is before the introduction on 2026-02-01",
    ]


# A cycle through a partner with a mistake of its own (public), and one among valid partners.
CYCLES = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
    referred_by: b
  - id: b
    name: B
    referred_by: a
    public: maybe
  - id: c
    name: C
    referred_by: d
  - id: d
    name: D
    referred_by: c
"""


def test_a_cycle_through_a_partner_with_another_mistake_is_named_once() -> None:
    assert load_problems(CYCLES) == [
        "partners.yaml:7:18: partners[0].referred_by: the referral tree has a cycle: a → b → a",
        "partners.yaml:11:13: partners[1].public: 'maybe' is not true or false",
        "partners.yaml:14:18: partners[2].referred_by: the referral tree has a cycle: c → d → c",
    ]


LOGO = """\
newsletter:
  title: T
  owner: O
  logo: images/logo.svg
partners:
  - id: a
    name: A
"""


def test_a_logo_is_looked_for_in_the_docs_folder_when_one_is_given(tmp_path: Path) -> None:
    with pytest.raises(InvalidData) as caught:
        load_text(LOGO, "partners.yaml", TODAY, docs_dir=tmp_path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"partners.yaml:4:9: newsletter.logo: 'images/logo.svg' is not a file in {tmp_path}/"
    ]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert load_text(LOGO, "partners.yaml", TODAY, docs_dir=tmp_path).newsletter.logo == "images/logo.svg"
    assert (
        load_text(LOGO, "partners.yaml", TODAY).newsletter.logo == "images/logo.svg"
    )  # no folder: not looked for


def test_check_names_a_logo_that_is_not_in_the_docs_folder_as_the_strict_build_does(
    project: SiteProject,
) -> None:
    """CI runs check before the build: a logo the build refuses passed check."""
    project.write_data(LOGO)
    result = project.generator("check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "partners.yaml:4:9: newsletter.logo: 'images/logo.svg' is not a file in content/",
        "1 problem found; nothing was generated.",
    ]
    (project.content / "images").mkdir()
    (project.content / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert project.generator("check").returncode == 0


def test_generate_warns_of_a_logo_that_is_not_in_the_docs_folder_and_still_writes_the_pages(
    project: SiteProject,
) -> None:
    """generate exited 0 in silence on a logo that check and a strict build refuse: an editor who
    only generated learnt of it when the build failed (review45)."""
    project.write_data(LOGO)
    result = project.generator("generate")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "warning: partners.yaml:4:9: newsletter.logo: 'images/logo.svg' is not a file in content/; "
        "check and mkdocs build --strict refuse it"
    )
    assert result.stdout.startswith("Generated into content: ")
    assert (project.content / "index.md").is_file()
    again = project.generator("generate")  # nothing to render: still said
    assert "(nothing changed since the last run: not rendered)" in again.stdout
    assert again.stderr.splitlines()[-1] == result.stderr.splitlines()[-1]
    (project.content / "images").mkdir()
    (project.content / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert "logo" not in project.generator("generate").stderr


def test_check_of_a_path_looks_for_the_logo_beside_it_and_names_it_with_other_problems(
    project: SiteProject,
) -> None:
    data = project.write_data(LOGO.replace("  owner: O\n", ""))
    elsewhere = project.root / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(data)],
        cwd=elsewhere,
        env=project.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{data}:2:3: newsletter.owner: required, but missing",
        f"{data}:3:9: newsletter.logo: 'images/logo.svg' is not a file in {project.content}/",
        "2 problems found; nothing was generated.",
    ]


# Three partners at one address (any case); the second has a mistake of its own.
SHARED = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
    email: same@example.com
  - id: b
    name: B
    email: Same@example.com
    public: maybe
  - id: c
    name: C
    email: same@example.com
"""
SAME = (
    "have the same email: each would receive the other's private link and news by mail; give each their own"
    " address, or set mail: false on one of them"
)


def test_a_shared_email_of_a_partner_with_another_mistake_is_named_with_it() -> None:
    assert load_problems(SHARED) == [
        f"partners.yaml:10:12: partners[1].email: partners 'a' and 'b' {SAME}",
        "partners.yaml:11:13: partners[1].public: 'maybe' is not true or false",
        f"partners.yaml:14:12: partners[2].email: partners 'a' and 'c' {SAME}",
    ]
    # The first at that address has the mistake: the others are each named once.
    first_wrong = SHARED.replace("    public: maybe\n", "").replace(
        "    email: same@example.com\n", "    email: same@example.com\n    public: maybe\n", 1
    )
    assert load_problems(first_wrong) == [
        "partners.yaml:8:13: partners[0].public: 'maybe' is not true or false",
        f"partners.yaml:11:12: partners[1].email: partners 'a' and 'b' {SAME}",
        f"partners.yaml:14:12: partners[2].email: partners 'b' and 'c' {SAME}",
    ]


# An event at an hour the clocks skip (Chicago, 14 March 2027), with an unknown field too.
SKIPPED_HOUR = """\
newsletter:
  title: T
  owner: O
  timezone: America/Chicago
events:
  - date: 2027-03-14
    title: E
    time: "02:30"
    end: "04:00"
    bogus: x
"""


def test_a_time_the_clocks_skip_is_named_beside_another_mistake_of_its_event() -> None:
    assert load_problems(SKIPPED_HOUR) == [
        "partners.yaml:8:11: events[0].time: 02:30 does not exist on 2027-03-14 in America/Chicago: the clocks"
        " go forward that night; choose a time outside the hour they skip",
        "partners.yaml:10:5: events[0].bogus: unknown field 'bogus'; known fields: date, title, where, time,"
        " end, description",
    ]


def test_a_partner_referred_by_themselves_is_named_beside_another_mistake() -> None:
    data = "newsletter:\n  title: T\n  owner: O\npartners:\n  - id: a\n    name: A\n    referred_by: a\n    public: maybe\n"
    assert load_problems(data) == [
        "partners.yaml:7:18: partners[0].referred_by: a partner cannot be referred by themselves",
        "partners.yaml:8:13: partners[0].public: 'maybe' is not true or false",
    ]
