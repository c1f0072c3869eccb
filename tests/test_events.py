"""Event calendar files: timed in the site's zone, all day without a time, read by two parsers."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml
from conftest import TEST_SECRET, TODAY, load_problems, make_project
from ical.calendar_stream import IcsCalendarStream

from generator import project as pipeline
from generator.mail.run import compose_month
from generator.plugin import ReferralNewsletterPlugin
from generator.render import SiteLayout, render_site
from generator.validate import load_text
from generator.views import Month

DATA = """\
newsletter:
  title: Event News
  owner: Olive Owner
  timezone: {zone}
partners:
  - {{id: anne, name: Anne Able}}
events:
  - date: 2026-12-10
    title: Holiday mixer
    where: The mill
    time: "18:00"
    end: "21:30"
    description: Drinks and a look at next year's bikes.
  - date: 2027-01-15
    title: New year ride
"""
MIXER = "events/2026-12-10-holiday-mixer.ics"
RIDE = "events/2027-01-15-new-year-ride.ics"


def _files(zone: str) -> dict[str, str]:
    data = load_text(DATA.format(zone=zone), "partners.yaml", TODAY)
    return render_site(data, SiteLayout(as_of=TODAY, secret=b"s"))


@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC"])
def test_timed_event_reads_the_same_in_two_parsers(zone: str) -> None:
    ics = _files(zone)[MIXER]
    start = dt.datetime(2026, 12, 10, 18, 0, tzinfo=ZoneInfo(zone))
    end = dt.datetime(2026, 12, 10, 21, 30, tzinfo=ZoneInfo(zone))
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end
    # Made at the start of the owner's day (test_owners_day): 23:00 UTC the day before in Paris.
    assert event.decoded("dtstamp") == dt.datetime(2026, 11, 20, tzinfo=ZoneInfo(zone))
    assert str(event["description"]) == "Drinks and a look at next year's bikes."
    (other,) = IcsCalendarStream.calendar_from_ics(ics).events
    assert other.dtstart == start and other.dtend == end
    assert other.summary == "Holiday mixer" and other.location == "The mill"
    if zone != "UTC":
        assert f"DTSTART;TZID={zone}:20261210T180000" in ics and "BEGIN:VTIMEZONE" in ics
    else:
        assert "DTSTART:20261210T180000Z" in ics and "VTIMEZONE" not in ics


def test_an_event_past_midnight_ends_the_next_day_on_its_page_and_in_both_parsers() -> None:
    """A party from 21:00 to 01:00: an end before the start is the next morning, in the
    calendar file (two parsers) and on the partner's and the public pages (the mail says it in the
    same words: dates_in_words.event_when)."""
    text = DATA.format(zone="Europe/Paris").replace(
        'time: "18:00"\n    end: "21:30"', 'time: "21:00"\n    end: "01:00"'
    )
    data = load_text(text, "partners.yaml", TODAY)
    files = render_site(data, SiteLayout(as_of=TODAY, secret=b"s"))
    zone = ZoneInfo("Europe/Paris")
    start, end = dt.datetime(2026, 12, 10, 21, 0, tzinfo=zone), dt.datetime(2026, 12, 11, 1, 0, tzinfo=zone)
    (event,) = icalendar.Calendar.from_ical(files[MIXER]).walk("VEVENT")
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end
    (other,) = IcsCalendarStream.calendar_from_ics(files[MIXER]).events
    assert other.dtstart == start and other.dtend == end
    partner_page = next(text for path, text in files.items() if path.startswith("p/") and "Anne" in text)
    for page in (files["index.md"], partner_page):
        assert '10 December 2026</span>, <span class="date">21:00 to 01:00 the next day</span>' in page


def test_an_end_after_midnight_must_exist_on_the_next_day() -> None:
    """The end is checked on the day it falls: 02:30 on the night New York's clocks go forward."""
    text = DATA.format(zone="America/New_York").replace(
        '  - date: 2026-12-10\n    title: Holiday mixer\n    where: The mill\n    time: "18:00"\n    end: "21:30"',
        '  - date: 2027-03-13\n    title: Late mixer\n    where: The mill\n    time: "22:00"\n    end: "02:30"',
    )
    assert load_problems(text) == [
        "partners.yaml:12:10: events[0].end: 02:30 does not exist on 2027-03-14 in America/New_York: the "
        "clocks go forward that night; choose a time outside the hour they skip"
    ]


def test_event_without_time_is_all_day_in_both_parsers() -> None:
    ics = _files("Europe/Paris")[RIDE]
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2027, 1, 15)
    (other,) = IcsCalendarStream.calendar_from_ics(ics).events
    assert other.dtstart == dt.date(2027, 1, 15) and other.dtend == dt.date(2027, 1, 16)


def test_same_build_date_same_bytes_and_pages_show_the_time() -> None:
    files = _files("Europe/Paris")
    assert files == _files("Europe/Paris")
    assert (
        '**<span class="date">10 December 2026</span>, <span class="date">18:00 to 21:30</span>**: Holiday mixer, The mill'
        in files["index.md"]
    )
    assert '**<span class="date">15 January 2027</span>**: New year ride' in files["index.md"]


def test_two_sessions_of_one_event_on_one_day_are_two_calendar_entries() -> None:
    """A calendar keeps one entry per UID: the afternoon session must not replace the morning's."""
    text = DATA.format(zone="UTC") + (
        '  - {date: 2026-12-12, title: Open house, time: "10:00"}\n'
        '  - {date: 2026-12-12, title: Open house, time: "15:00"}\n'
    )
    files = render_site(load_text(text, "partners.yaml", TODAY), SiteLayout(as_of=TODAY, secret=b"s"))
    morning = icalendar.Calendar.from_ical(files["events/2026-12-12-open-house.ics"]).walk("VEVENT")[0]
    afternoon = icalendar.Calendar.from_ical(files["events/2026-12-12-open-house-2.ics"]).walk("VEVENT")[0]
    assert morning.decoded("dtstart").hour == 10 and afternoon.decoded("dtstart").hour == 15
    assert str(morning["uid"]) != str(afternoon["uid"])
    # Stable: the same data gives the same UIDs on the next build.
    again = render_site(load_text(text, "partners.yaml", TODAY), SiteLayout(as_of=TODAY, secret=b"s"))
    assert again["events/2026-12-12-open-house.ics"] == files["events/2026-12-12-open-house.ics"]


SPRING_FORWARD = """\
newsletter: {{title: T, owner: O, timezone: America/New_York}}
partners: [{{id: anne, name: Anne Able}}]
events:
  - {{date: 2026-03-08, title: Breakfast, time: "{start}", end: "{end}"}}
"""


def test_a_time_the_clocks_skip_is_refused_with_its_place() -> None:
    # 8 March 2026 in New York: 02:00 becomes 03:00. A calendar reads 02:30 as 03:30, so
    # "02:30 to 03:30" would be an event of no length while the page says an hour.
    assert load_problems(SPRING_FORWARD.format(start="02:30", end="03:30")) == [
        "partners.yaml:4:48: events[0].time: 02:30 does not exist on 2026-03-08 in America/New_York: "
        "the clocks go forward that night; choose a time outside the hour they skip"
    ]
    assert len(load_problems(SPRING_FORWARD.format(start="01:00", end="02:15"))) == 1  # the end
    # Either side of the skipped hour, and every time on other days, is fine; so is the hour
    # repeated when the clocks go back (1 November), which exists twice.
    load_text(SPRING_FORWARD.format(start="01:00", end="03:00"), "partners.yaml", TODAY)
    fall_back = SPRING_FORWARD.replace("2026-03-08", "2026-11-01").format(start="01:30", end="01:45")
    load_text(fall_back, "partners.yaml", TODAY)


@pytest.mark.parametrize(
    ("zone", "day", "skipped"),
    [
        # Lord Howe Island moves its clocks half an hour: 02:00 becomes 02:30.
        (
            "Australia/Lord_Howe",
            "2026-10-04",
            "the clocks go forward that night; choose a time outside the half hour they skip",
        ),
        # Samoa crossed the date line: 29 December 2011 was followed by the 31st.
        ("Pacific/Apia", "2011-12-30", "the clocks skip that whole day there; choose another day"),
    ],
)
def test_a_skipped_time_is_told_by_what_the_clocks_skip_there(zone: str, day: str, skipped: str) -> None:
    # Both were told to "choose a time outside the hour they skip": any time outside 02:15 to
    # 03:15 on Lord Howe Island, and any time of a day Samoa never had.
    text = SPRING_FORWARD.replace("America/New_York", zone).replace("2026-03-08", day)
    assert load_problems(text.format(start="02:15", end="06:00")) == [
        f"partners.yaml:4:48: events[0].time: 02:15 does not exist on {day} in {zone}: {skipped}"
    ] + (
        [f"partners.yaml:4:62: events[0].end: 06:00 does not exist on {day} in {zone}: {skipped}"]
        if zone == "Pacific/Apia"
        else []
    )


def test_a_partners_page_gives_the_events_sentence_as_the_home_page_does() -> None:
    # The description is public (DESIGN v1.1); the home page and the issue gave it, while the
    # partner's own page, where partners read on a phone, listed the title alone.
    files = _files("UTC")
    (page,) = (text for path, text in files.items() if path.startswith("p/") and "Thank you, Anne" in text)
    mixer = next(line for line in page.splitlines() if "Holiday mixer" in line)
    assert mixer.endswith("): Drinks and a look at next year&#39;s bikes.")
    ride = next(line for line in page.splitlines() if "New year ride" in line)
    assert ride.endswith("calendar](../events/2027-01-15-new-year-ride.ics))")


EVENT_MONTH = """\
newsletter: {title: Event News, owner: Olive Owner}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-10-05}
events:
  - {date: 2026-12-10, title: Holiday mixer, where: The mill, time: "18:00", end: "21:30"}
  - {date: 2027-02-18, title: Bike night}
"""
# The month's own events without the year: the sentence has just named it (review54).
INVITATION = "An invitation for December 2026: Holiday mixer (10 December, 18:00 to 21:30)."
AFTERWARDS = (
    "In December 2026 we got together with our partners: Holiday mixer (10 December, 18:00 to 21:30)."
)


def _mail_text(as_of: dt.date, text: str = EVENT_MONTH, kind: str = "plain") -> str:
    data = load_text(text, "partners.yaml", as_of)
    layout = SiteLayout(as_of=as_of, secret=b"s")
    environ = {"REFERRAL_MAIL_FROM": "Olive <olive@example.com>"}
    (outgoing,) = compose_month(data, Month(2026, 12), layout, "https://example.com/", environ)
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body((kind,))
    assert part is not None
    return " ".join(part.get_content().split())


def _as_read(markdown: str) -> str:
    """A post's Markdown as its words read, without the tags that keep a date on one line."""
    return " ".join(re.sub(r"<[^>]+>", "", markdown).split())


def _mail_html(as_of: dt.date, text: str) -> str:
    """The HTML part as its text would read, the inline styles left out."""
    return re.sub(r' style="[^"]*"', "", _mail_text(as_of, text, "html"))


@pytest.mark.parametrize(
    ("as_of", "opening"), [(dt.date(2026, 12, 4), INVITATION), (dt.date(2027, 1, 5), AFTERWARDS)]
)
def test_a_month_whose_only_news_is_an_event_has_an_issue_that_announces_it(
    as_of: dt.date, opening: str
) -> None:
    # December's only news is the mixer: it had no issue, so `mail --month 2026-12` failed and
    # the post, home page and feed never announced it. November, with nothing at all, and
    # February, not begun yet, still have none.
    files = render_site(load_text(EVENT_MONTH, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s"))
    posts = sorted(path for path in files if path.startswith("blog/posts/newsletter/"))
    assert posts == ["blog/posts/newsletter/2026-10.md", "blog/posts/newsletter/2026-12.md"]
    post = files["blog/posts/newsletter/2026-12.md"]
    meta = yaml.safe_load(post.split("---")[1])
    assert _as_read(post.split("<!-- more -->")[0].split("---", 2)[2]).startswith(
        f"# December 2026 {opening}"
    )
    assert meta["rss"]["feed_description"].startswith(opening)
    assert "## The month in numbers" not in post
    assert (
        "[December 2026](blog/posts/newsletter/2026-12.md): Partner get-together: Holiday mixer"
        in files["index.md"]
    )
    text = _mail_text(as_of)
    assert f"Dear Anne, {opening}" in text
    # Dated while December is under way, the message does not close the month's news early.
    no_news = (
        "Your introduction is still in progress, with no news so far in December 2026."
        if as_of.month == 12
        else ("Your introduction is still in progress, with no news in December 2026.")
    )
    assert no_news in text
    assert "New referrals: 0" not in text


def _home_built_at(root: Path, moment: dt.datetime) -> str:
    """The home page a generator run writes at ``moment`` (SOURCE_DATE_EPOCH, as CI sets it)."""
    project = pipeline.Project.at(root)
    environ = {"SOURCE_DATE_EPOCH": str(int(moment.timestamp())), "REFERRAL_SITE_SECRET": TEST_SECRET}
    pipeline.generate(project, pipeline.moment(environ), environ)
    return (project.docs_dir / "index.md").read_text("utf-8")


def test_an_event_already_over_where_it_is_held_is_no_longer_coming_up(tmp_path: Path) -> None:
    # Built on 10 December at 20:00 UTC: 09:00 on 11 December in Auckland, where last night's
    # 18:00 to 21:30 mixer is over. The home page still listed it under "Coming up": pages
    # were dated by the build's date in UTC (review14's xfail).
    make_project(tmp_path).write_data(DATA.format(zone="Pacific/Auckland"))
    during = _home_built_at(tmp_path, dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.UTC))  # 19:00 there
    assert "Holiday mixer" in during.split("## Coming up")[-1]
    moment = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
    assert moment.astimezone(ZoneInfo("Pacific/Auckland")).date() == dt.date(2026, 12, 11)
    home = _home_built_at(tmp_path, moment)
    assert "Holiday mixer" not in home.split("## Coming up")[-1]
    assert "New year ride" in home.split("## Coming up")[-1]


@pytest.mark.build
def test_a_build_lists_coming_events_by_the_date_where_the_owner_lives(tmp_path: Path) -> None:
    # The plugin pins SOURCE_DATE_EPOCH to the start of the UTC day when it is unset, for the
    # feeds; it reads the run's moment first. Here CI sets it to 20:00 UTC, 09:00 in Auckland.
    site = make_project(tmp_path)
    site.write_data(DATA.format(zone="Pacific/Auckland"))
    moment = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
    result = site.mkdocs_build("--strict", SOURCE_DATE_EPOCH=str(int(moment.timestamp())))
    assert result.returncode == 0, result.stderr
    coming = site.read_site("index.html").split('id="coming-up"')[-1]
    assert "New year ride" in coming and "Holiday mixer" not in coming


def test_the_plugin_dates_by_the_clock_not_by_the_build_date_it_pinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without SOURCE_DATE_EPOCH the plugin pins it to the start of the UTC day, for the feeds;
    # read back as the run's moment (every rebuild under mkdocs serve), 20:00 UTC on 10
    # December, 09:00 on the 11th in Auckland, became midnight UTC: the 10th there.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # unset for the plugin; restored after the test
    monkeypatch.setattr(pipeline, "_now", lambda: dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC))
    plugin = ReferralNewsletterPlugin()
    for _ in ("build", "rebuild"):
        assert plugin._build_moment().date_in("Pacific/Auckland") == dt.date(2026, 12, 11)
    assert os.environ["SOURCE_DATE_EPOCH"]  # pinned for MkDocs and the feeds


def test_events_of_one_day_are_listed_in_the_order_they_happen() -> None:
    # Listed by date then title, the 14:00 talk came before the 07:00 breakfast ride on the home
    # page, the posts, the partners' pages and in the mail (review14); the month's own list
    # (an issue of events only) already went by the clock.
    text = """\
newsletter: {title: Event News, owner: Olive Owner}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-11-05}
events:
  - {date: 2026-12-10, title: Afternoon talk, time: "14:00"}
  - {date: 2026-12-10, title: Breakfast ride, time: "07:00", end: "09:00"}
"""
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    files = render_site(data, layout)
    partner = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    for page in (files["index.md"], files["blog/posts/newsletter/2026-11.md"], partner):
        assert page.index("Breakfast ride") < page.index("Afternoon talk")
    environ = {"REFERRAL_MAIL_FROM": "Olive <olive@example.com>"}
    (outgoing,) = compose_month(data, Month(2026, 11), layout, "https://example.com/", environ)
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    for kind in ("plain", "html"):
        part = message.get_body((kind,))
        assert part is not None
        body = part.get_content()
        assert body.index("Breakfast ride") < body.index("Afternoon talk")


def test_a_month_with_an_event_held_and_one_to_come_thanks_for_one_and_invites_to_the_other() -> None:
    # Built on 4 December, between the breakfast (3 December) and the mixer (10 December): the
    # issue, the feed and the mail invited to the mixer alone, as if the breakfast never was
    # (review16 saw it). "Coming up" lists the mixer and not the breakfast.
    as_of = dt.date(2026, 12, 4)
    data = EVENT_MONTH.replace("events:\n", "events:\n  - {date: 2026-12-03, title: Partner breakfast}\n")
    opening = (
        "In December 2026 we got together with our partners: Partner breakfast (3 December). "
        "Thank you to everyone who came. Still to come this month: Holiday mixer "
        "(10 December, 18:00 to 21:30). We would love to see you there."
    )
    files = render_site(load_text(data, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s"))
    post = files["blog/posts/newsletter/2026-12.md"]
    opened, rest = post.split("<!-- more -->")
    assert _as_read(opened.split("---", 2)[2]).startswith(f"# December 2026 {opening}")
    assert yaml.safe_load(post.split("---")[1])["rss"]["feed_description"].startswith(opening)
    coming_up = rest.split("## Coming up")[1]
    assert "Holiday mixer" in coming_up and "Partner breakfast" not in coming_up
    for page in (files["index.md"].split("## Coming up")[1], coming_up):
        assert "Partner breakfast" not in page
    assert f"Dear Anne, {opening}" in _mail_text(as_of, data)


@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 11), dt.date(2027, 1, 5)])
def test_an_event_held_in_a_month_with_other_news_stays_in_that_months_issue(as_of: dt.date) -> None:
    # December has an introduction too. Until the mixer, its issue and mail listed it under
    # "Coming up"; from the day after, neither said a word of it, and the month's final issue
    # never did: "Coming up" lists only what is still to come.
    data = EVENT_MONTH.replace("introduced: 2026-10-05}", "introduced: 2026-12-02}")
    # After the issue's opening (and the mail's heading) named the month, not named again (review54).
    held = "We got together with our partners: Holiday mixer (10 December, 18:00 to 21:30). Thank you to everyone who came."
    files = render_site(load_text(data, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s"))
    post = files["blog/posts/newsletter/2026-12.md"]
    together = _as_read(post.split("## Getting together")[1].split("##")[0])
    assert together == held
    assert "Holiday mixer" not in post.split("## Coming up")[-1]
    mail = _mail_text(as_of, data)
    assert "DECEMBER 2026 IN THE NEWSLETTER * New referrals: 1" in mail and held in mail
    assert f'<tr><td class="section">{held}</td></tr>' in _mail_html(as_of, data)
    # The day before, the mixer is still to come: listed under "Coming up", not told as held.
    before = dt.date(2026, 12, 9)
    files = render_site(load_text(data, "partners.yaml", before), SiteLayout(as_of=before, secret=b"s"))
    post = files["blog/posts/newsletter/2026-12.md"]
    assert "## Getting together" not in post and "Holiday mixer" in post.split("## Coming up")[1]


HELD_MONTH = """\
newsletter: {title: Event News, owner: Olive Owner}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-12-02}
events:
"""
HELD_BREAKFAST = "  - {date: 2026-12-03, title: Partner breakfast}\n"  # all day, no where
HELD_MIXER = '  - {date: 2026-12-10, title: Holiday mixer, where: The mill, time: "18:00", end: "21:30"}\n'
HELD_RIDE = '  - {date: 2026-12-12, title: Dawn ride, time: "07:00", description: Coffee after.}\n'
THANKS = "Thank you to everyone who came."


@pytest.mark.parametrize(
    ("events", "told"),
    [
        (
            HELD_MIXER,
            f"We got together with our partners: Holiday mixer (10 December, 18:00 to 21:30). {THANKS}",
        ),
        (HELD_BREAKFAST, f"We got together with our partners: Partner breakfast (3 December). {THANKS}"),
        (
            HELD_BREAKFAST + HELD_MIXER,
            "We got together with our partners twice: Partner breakfast (3 December) and Holiday mixer "
            f"(10 December, 18:00 to 21:30). {THANKS}",
        ),
        (
            HELD_BREAKFAST + HELD_MIXER + HELD_RIDE,
            "We got together with our partners three times: Partner breakfast (3 December), Holiday "
            f"mixer (10 December, 18:00 to 21:30) and Dawn ride (12 December, 07:00). {THANKS}",
        ),
    ],
)
def test_the_get_togethers_of_a_month_with_other_news_do_not_name_the_month_again(
    events: str, told: str
) -> None:
    # The December issue opens "In December 2026 our partners introduced …", and its mail's
    # section is headed "DECEMBER 2026 IN THE NEWSLETTER": its "Getting together" said "In
    # December 2026 we got together with our partners: Holiday mixer (10 December 2026, …)" (review54).
    as_of, data = dt.date(2027, 1, 5), HELD_MONTH + events
    files = render_site(load_text(data, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s"))
    post = files["blog/posts/newsletter/2026-12.md"]
    opened = _as_read(post.split("<!-- more -->")[0].split("---", 2)[2])
    assert (
        opened == "# December 2026 In December 2026 our partners introduced one new person to us. Thank you!"
    )
    assert _as_read(post.split("## Getting together")[1].split("##")[0]) == told
    mail = _mail_text(as_of, data)
    assert "DECEMBER 2026 IN THE NEWSLETTER * New referrals: 1" in mail and told in mail
    assert f'<tr><td class="section">{told}</td></tr>' in _mail_html(as_of, data)


def test_the_feed_summary_tells_of_the_get_together_held_in_a_month_with_other_news() -> None:
    # The feed item gave December's figures and thanks, but not the mixer the issue tells of
    # (review54): only its public title, day and hours, as the issue's own sentence has them.
    as_of, data = dt.date(2027, 1, 5), HELD_MONTH + HELD_MIXER
    files = render_site(load_text(data, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s"))
    post = files["blog/posts/newsletter/2026-12.md"]
    summary = yaml.safe_load(post.split("---")[1])["rss"]["feed_description"]
    assert summary.startswith("December 2026 in numbers: one new introduction, no meetings")
    held = f"We got together with our partners: Holiday mixer (10 December, 18:00 to 21:30). {THANKS}"
    assert summary.endswith(f". {held}")
    assert "Dana" not in summary and "anne@" not in summary
    # Before the mixer it is still to come: the summary does not tell it as held.
    before = dt.date(2026, 12, 9)
    files = render_site(load_text(data, "partners.yaml", before), SiteLayout(as_of=before, secret=b"s"))
    summary = yaml.safe_load(files["blog/posts/newsletter/2026-12.md"].split("---")[1])["rss"][
        "feed_description"
    ]
    assert "Holiday mixer" not in summary


def test_the_feed_summary_of_the_month_under_way_gives_its_figures_so_far() -> None:
    # The issue of a month under way says "So far in October 2026, …" (review23), but its feed
    # summary gave the figures as the month's ("October 2026 in numbers: one new introduction"),
    # and a feed reader keeps the summary it first fetched (review23 saw it; review27).
    def summary(as_of: dt.date) -> str:
        files = render_site(
            load_text(EVENT_MONTH, "partners.yaml", as_of), SiteLayout(as_of=as_of, secret=b"s")
        )
        meta = yaml.safe_load(files["blog/posts/newsletter/2026-10.md"].split("---")[1])
        return str(meta["rss"]["feed_description"])

    assert summary(dt.date(2026, 10, 20)).startswith(
        "October 2026 so far, in numbers: one new introduction, no meetings, no proposals and no new clients."
    )
    assert summary(dt.date(2026, 11, 2)).startswith("October 2026 in numbers: one new introduction,")


def test_an_event_ending_at_midnight_ends_at_midnight_not_the_next_day() -> None:
    # "21:00 to 00:00 the next day" on every page: true, but nobody writes a party's end so.
    text = DATA.format(zone="UTC").replace(
        'time: "18:00"\n    end: "21:30"', 'time: "21:00"\n    end: "00:00"'
    )
    files = render_site(load_text(text, "partners.yaml", TODAY), SiteLayout(as_of=TODAY, secret=b"s"))
    partner_page = next(text for path, text in files.items() if path.startswith("p/") and "Anne" in text)
    for page in (files["index.md"], partner_page):
        assert '10 December 2026</span>, <span class="date">21:00 to midnight</span>' in page
        assert "00:00" not in page
