"""The owner's day: everything dated by "today" agrees on the date where the owner lives."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
from conftest import TEST_SECRET, make_project

from generator.cli import main

# 23:30 UTC on 31 December is 12:30 on 1 January in Auckland: a new day, month and year there.
MOMENT = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
DATA = """\
newsletter: {title: Year News, owner: Olive Owner, timezone: Pacific/Auckland}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
referrals:
  - id: r-met
    partner: anne
    prospect: Dana Wu
    introduced: 2026-12-20
    updates:
      - {date: 2027-01-01, stage: met, note: Met over breakfast on New Year's Day.}
  - {id: r-quiet, partner: anne, prospect: Pat Lee, introduced: 2026-11-02}
events:
  - {date: 2026-12-31, title: Year-end drinks, time: "18:00", end: "20:00"}
  - {date: 2027-01-01, title: New year ride, time: "16:00"}
"""
RIDE = "events/2027-01-01-new-year-ride.ics"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(tmp_path).write_data(DATA)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("REFERRAL_MAIL_FROM", "Olive <olive@example.com>")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(MOMENT.timestamp())))
    for variable in ("CI", "GITHUB_ACTIONS", "REFERRAL_PREVIEW", "REFERRAL_PUBLISH"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def _plain(eml: Path) -> tuple[EmailMessage, str]:
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    return message, " ".join(part.get_content().split())


def test_new_years_day_in_auckland_on_a_utc_runners_new_years_eve(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # check: this morning's meeting is not in the future; due: 60 days since 2 November.
    assert main(["check", "partners.yaml"]) == 0, capsys.readouterr().out
    assert main(["due", "partners.yaml"]) == 0
    assert "due an update: r-quiet from anne, no news for 60 days" in capsys.readouterr().out
    assert main(["generate"]) == 0
    content = project / "content"
    # The newest issue is January's; last night's drinks are over, today's ride is coming up.
    assert (content / "blog/posts/newsletter/2027-01.md").is_file()
    home = (content / "index.md").read_text("utf-8")
    assert "## Coming up" in home
    coming = home.split("## Coming up")[-1]
    assert "New year ride" in coming and "Year-end drinks" not in coming
    partner = next(p for p in (content / "p").glob("*.md") if "Met over breakfast" in p.read_text("utf-8"))
    page = partner.read_text("utf-8")
    assert 'Last news: <span class="date">1 January 2027</span> <span class="date">(today)</span>' in page
    coming = page.split('id="coming-up"')[-1]
    assert "New year ride" in coming and "Year-end drinks" not in coming
    insights = next(
        p for p in (content / "p").glob("*.md") if "title: Referral insights" in p.read_text("utf-8")
    )
    assert 'no news for <span class="date">60 days</span>' in insights.read_text("utf-8")
    # The calendar file was made at the start of the owner's day, not ahead of the build.
    (event,) = icalendar.Calendar.from_ical((content / RIDE).read_text("utf-8")).walk("VEVENT")
    assert event.decoded("dtstamp") == dt.datetime(2026, 12, 31, 11, 0, tzinfo=dt.UTC) <= MOMENT
    # January's mail: so far in January 2027, dated by the owner's clock, today's ride only.
    assert main(["mail", "--month", "2027-01"]) == 0
    message, text = _plain(project / "mail-out/2027-01/anne.eml")
    assert "so far in January 2027" in text
    assert "New year ride" in text and "Year-end drinks" not in text
    assert message["Date"].datetime == MOMENT

    # December's mail: the month is over where the owner lives, and so are the drinks.
    assert main(["mail", "--month", "2026-12"]) == 0
    _, text = _plain(project / "mail-out/2026-12/anne.eml")
    assert "stood at the end of December 2026" in text
    assert "Coming up: * 1 January 2027, 16:00: New year ride Read the issue online" in text
