"""Data contract v1.1 and the limits every field keeps: located errors, never a crash later."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY, load_problems, load_valid
from pydantic import BaseModel, Field

from generator.audience import MEANINGS, UndeclaredField, declared
from generator.field_types import MONEY_MAX, NAME_MAX, NOTE_MAX
from generator.models import PartnersFile
from generator.render import SiteLayout, render_site

V11 = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
  email: mark@rodgers.example
  phone: +1 555 0100
  currency: EUR
  timezone: Europe/Paris
  logo: images/logo.png
partners:
  - id: anne
    name: Anne Ortiz
    greeting: Anne
    email: anne@example.com
events:
  - date: 2026-12-10
    title: Holiday partner mixer
    time: "18:30"
    end: "21:00"
    description: Drinks and a short talk.
"""


load = load_valid


problems = load_problems


def test_v11_fields_load() -> None:
    data = load(V11)
    assert data.newsletter.currency == "EUR"
    assert data.newsletter.timezone == "Europe/Paris"
    assert data.partners[0].greeting == "Anne"
    assert data.events[0].time == dt.time(18, 30)
    assert data.events[0].end == dt.time(21, 0)


def test_v1_file_gets_the_defaults() -> None:
    data = load(V11.split("  email: mark")[0] + "partners:\n  - id: anne\n    name: Anne\n")
    assert (data.newsletter.currency, data.newsletter.timezone) == ("USD", "UTC")
    assert data.newsletter.email is None
    assert data.partners[0].greeting is None


@pytest.mark.parametrize(
    "address",
    ['"a@b\\nBcc: x"', "a@b.com, c@d.com", '"Name <a@b.com>"', "not-an-address", "a@@b.com", "a@-b.com"],
)
def test_email_must_be_one_plain_address(address: str) -> None:
    found = problems(V11.replace("anne@example.com", address))
    assert len(found) == 1
    assert found[0].startswith("partners.yaml:13:12: partners[0].email:"), found


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("currency: EUR", "currency: euro", "6:13: newsletter.currency"),
        # Three capitals are not enough: ISO 4217 has no XYZ.
        ("currency: EUR", "currency: XYZ", "6:13: newsletter.currency"),
        ("currency: EUR", "currency: ABC", "6:13: newsletter.currency"),
        ("timezone: Europe/Paris", "timezone: Mars/Olympus", "7:13: newsletter.timezone"),
        ("timezone: Europe/Paris", "timezone: ../../etc/passwd", "7:13: newsletter.timezone"),
        # The building machine's own zone: the same file would give other event times elsewhere.
        ("timezone: Europe/Paris", "timezone: localtime", "7:13: newsletter.timezone"),
        ("logo: images/logo.png", "logo: ../secret.png", "8:9: newsletter.logo"),
        ("logo: images/logo.png", "logo: /etc/logo.png", "8:9: newsletter.logo"),
        ('time: "18:30"', 'time: "6pm"', "17:11: events[0].time"),
        ('time: "18:30"', 'time: "24:00"', "17:11: events[0].time"),
        # The offending value is the end: the message points at it, by its own path.
        ('end: "21:00"', 'end: "18:30"', "18:10: events[0].end:"),
    ],
)
def test_v11_values_are_checked(old: str, new: str, where: str) -> None:
    found = problems(V11.replace(old, new))
    assert len(found) == 1
    assert found[0].startswith(f"partners.yaml:{where}"), found


def test_an_end_at_the_start_is_refused_and_says_an_earlier_end_is_the_next_day() -> None:
    found = problems(V11.replace('end: "21:00"', 'end: "18:30"'))
    assert found == [
        "partners.yaml:18:10: events[0].end: '18:30' is the event's start time: give when it ends "
        "(an end before the start, such as 01:00 after 21:00, is the next day)"
    ]


def test_end_needs_a_start() -> None:
    found = problems(V11.replace('    time: "18:30"\n', ""))
    # It said "an event with an `end` needs a start `time`": no value quoted, no way out said (review37).
    assert found == [
        "partners.yaml:17:10: events[0].end: '21:00' ends an event with no start time: give its time: "
        "(when it starts, as HH:MM) or leave end: out"
    ]


def test_an_invalid_start_is_reported_once_not_again_at_the_end() -> None:
    found = problems(V11.replace('time: "18:30"', 'time: "6pm"'))
    assert len(found) == 1 and found[0].startswith("partners.yaml:17:11: events[0].time:"), found


@pytest.mark.parametrize(
    ("field", "limit"), [("name: Anne Ortiz", NAME_MAX), ("description: Drinks and a short talk.", NOTE_MAX)]
)
def test_text_has_a_length_limit(field: str, limit: int) -> None:
    key = field.split(":")[0]
    assert load(V11.replace(field, f"{key}: {'x' * limit}"))
    found = problems(V11.replace(field, f"{key}: {'x' * (limit + 1)}"))
    assert len(found) == 1 and f"shorten it to at most {limit:,}" in found[0], found


def test_a_huge_value_is_refused_quickly() -> None:
    found = problems(V11.replace("name: Anne Ortiz", f"name: {'Jo' * 300_000}"))
    assert found[0].startswith("partners.yaml:11:11: partners[0].name:"), found


# U+202E and U+2067 open a right-to-left override or isolate that runs on past the value, to the
# end of the paragraph: a name holding one turns the rest of a public post's sentence around
# (they were accepted; review10).
@pytest.mark.parametrize("character", ["\\x07", "\\u2028", "\\x1b", "\\u202e", "\\u2067"])
def test_control_characters_are_refused_with_the_field(character: str) -> None:
    found = problems(V11.replace("greeting: Anne", f'greeting: "An{character}ne"'))
    assert found[0].startswith("partners.yaml:12:15: partners[0].greeting:"), found
    assert "control character" in found[0]


# U+FFFE and U+FFFF passed, and a public name holding one made the feed XML unreadable: feed
# readers drop the whole feed (review16). U+FFFD and the planes' noncharacters XML does carry.
@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("greeting: Anne", "12:15: partners[0].greeting"),
        ("description: Drinks and a short talk.", "19:18: events[0].description"),
    ],
)
@pytest.mark.parametrize("character", ["\\uffff", "\\ufffe"])
def test_what_xml_cannot_carry_is_refused_with_the_field(field: str, where: str, character: str) -> None:
    key, value = field.split(": ")
    found = problems(V11.replace(field, f'{key}: "{value}{character}"'))
    assert len(found) == 1 and found[0].startswith(f"partners.yaml:{where}: contains U+FFF"), found
    assert load(V11.replace("greeting: Anne", 'greeting: "An\\ufffdne \\U0001fffe"'))


def test_right_to_left_text_and_its_marks_stay_welcome() -> None:
    # Arabic and Hebrew need no control character; the marks (RLM, LRM, ALM) hold no state.
    assert load(
        V11.replace(
            "name: Anne Ortiz",
            'name: "\u0645\u062d\u0645\u062f \u200f\u0627\u0644\u0639\u0644\u064a\u200e \u061c"',
        )
    )


def test_names_are_one_line_but_notes_may_have_several() -> None:
    found = problems(V11.replace("name: Anne Ortiz", 'name: "Anne\\nOrtiz"'))
    assert "one line" in found[0], found
    assert load(V11.replace("Drinks and", '"Drinks.\\n\\nAnd').replace("talk.", 'talk."'))


@pytest.mark.parametrize("block", [">", "|"])
def test_a_one_line_field_written_as_a_block_names_the_break_yaml_added(block: str) -> None:
    """`title: >` keeps a line break at its end that the editor never typed: 'remove the line
    break or tab' sent them looking for one in the text they could see."""
    found = problems(
        V11.replace("title: Holiday partner mixer", f"title: {block}\n      Holiday partner mixer")
    )
    assert found == [
        "partners.yaml:16:12: events[0].title: ends with a line break, which a '>' or '|' block keeps: "
        "write '>-' instead, or the text on the line of its key"
    ]
    assert load(V11.replace("title: Holiday partner mixer", "title: >-\n      Holiday partner mixer"))


def test_every_field_declares_its_audience() -> None:
    fields = declared(PartnersFile)
    assert set(fields.values()) <= set(MEANINGS)
    assert fields["partners[].email"] == "never"
    assert fields["referrals[].updates[].internal"] == "never"
    assert fields["referrals[].updates[].note"] == "partner"
    assert fields["partners[].profession"] == "consent"
    assert len(fields) == 44


def test_a_field_without_an_audience_is_refused() -> None:
    class Careless(BaseModel):
        secret_plan: str = Field(description="Added in a hurry.")

    class Root(BaseModel):
        items: tuple[Careless, ...] = ()

    with pytest.raises(UndeclaredField, match=r"Careless\.secret_plan"):
        declared(Root)


def test_an_optional_list_left_empty_means_none() -> None:
    data = load(V11.split("events:")[0] + "referrals:\ngiven:\nevents:\n")
    assert (data.referrals, data.given, data.events) == ((), (), ())
    with_updates = load(
        V11.split("events:")[0]
        + "referrals:\n  - id: r1\n    partner: anne\n    prospect: P\n    introduced: 2026-01-01\n    updates:\n"
    )
    assert with_updates.referrals[0].updates == ()


def test_a_missing_required_field_is_named_by_its_path_at_its_record() -> None:
    found = problems(V11.replace("    name: Anne Ortiz\n", ""))
    assert found == ["partners.yaml:10:5: partners[0].name: required, but missing"]


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("name: Anne Ortiz", "11:11: partners[0].name"),
        ("greeting: Anne", "12:15: partners[0].greeting"),
        ("title: Referral Partner Updates", "2:10: newsletter.title"),
        ("title: Holiday partner mixer", "16:12: events[0].title"),
        ("description: Drinks and a short talk.", "19:18: events[0].description"),
    ],
)
def test_a_value_of_spaces_only_is_refused_like_an_empty_one(field: str, where: str) -> None:
    # Quoted spaces pass the length check but print as nothing: an empty heading, "Thank you, ,".
    key = field.split(":")[0]
    found = problems(V11.replace(field, f'{key}: "   "'))
    assert len(found) == 1 and found[0].startswith(f"partners.yaml:{where}: must not be blank"), found


# Invisible characters alone (a zero-width space, a byte-order mark, a soft hyphen, with or
# without spaces) print as nothing too: they passed as a name (review10).
@pytest.mark.parametrize("invisible", ["\\u200b", "\\ufeff", " \\u00ad \\u2060", "\\u200f"])
def test_a_value_of_invisible_characters_only_is_refused_like_spaces(invisible: str) -> None:
    found = problems(V11.replace("name: Anne Ortiz", f'name: "{invisible}"'))
    assert len(found) == 1 and found[0].startswith(
        "partners.yaml:11:11: partners[0].name: must not be blank"
    ), found


def test_invisible_characters_inside_visible_text_stay_accepted() -> None:
    assert load(V11.replace("name: Anne Ortiz", 'name: "Anne\\u00adOrtiz\\u200b"'))


def test_a_deal_value_check_accepts_also_renders_and_a_huge_one_is_refused() -> None:
    # 1e300 passed `check`, then broke the build: the insights page's sums are formatted as
    # decimals, which refuse a number of 301 digits.
    referral = (
        "referrals:\n  - id: r1\n    partner: anne\n    prospect: P\n    introduced: 2026-01-01\n"
        "    value: {}\n    updates:\n      - {{date: 2026-01-02, stage: won}}\n"
    )
    text = V11.split("events:")[0]
    found = problems(text + referral.format("1e300"))
    assert found == ["partners.yaml:19:12: referrals[0].value: '1e+300' must be at most 1000000000000"]
    data = load(text + referral.format(MONEY_MAX))
    files = render_site(data, SiteLayout(as_of=TODAY, secret=b"contract-test"))
    assert "€1,000,000,000,000" in files[SiteLayout(as_of=TODAY, secret=b"contract-test").insights_page]
    assert problems(text + referral.format(-5)) == [
        "partners.yaml:19:12: referrals[0].value: '-5' must be at least 0"
    ]
