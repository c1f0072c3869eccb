"""DESIGN.md's limits (data contract v1.1) at their edges, and the JSON Schema editors use, held
against `check`: a value exactly at a limit passes check, generate and a strict build; one past
it is refused at its own line and column, in words that say what is allowed; and the schema
accepts what `check` accepts. test_contract_clauses.py reads the contract clause by clause and
test_schema.py holds the agreement table of ordinary values: neither is repeated here."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import TODAY, SiteProject, load_problems, load_valid

from generator.problems import InvalidData
from generator.schema import partners_schema
from generator.validate import load_text

# One field line is put in at the slot of its record; each record's other fields are valid.
BASE = """\
newsletter:
  title: T
  owner: O
  {newsletter}
partners:
  - id: anne
    name: Anne
    {partner}
referrals:
  - id: r1
    partner: anne
    prospect: Dana
    {referral}
    updates:
      - date: 2026-02-10
        stage: met
        {update}
events:
  - title: Mixer
    {event}
"""
SLOT_LINES = {"newsletter": 4, "partner": 8, "referral": 13, "update": 17, "event": 20}
SLOT_INDENT = {"newsletter": 2, "partner": 4, "referral": 4, "update": 8, "event": 4}
SLOT_PATH = {
    "newsletter": "newsletter",
    "partner": "partners[0]",
    "referral": "referrals[0]",
    "update": "referrals[0].updates[0]",
    "event": "events[0]",
}
# A required field written at a slot unless the line put there is that field.
REQUIRED_AT = {"referral": "introduced: 2026-02-03", "event": "date: 2026-12-10"}


def with_line(slot: str, line: str) -> str:
    """BASE with ``line`` at ``slot``: the slot's line is ``line``'s first."""
    slots = {name: REQUIRED_AT.get(name, "") for name in SLOT_LINES}
    required = REQUIRED_AT.get(slot)
    if required is None or required.split(":")[0] == line.split(":")[0]:
        slots[slot] = line
    else:
        slots[slot] = f"{line}\n{' ' * SLOT_INDENT[slot]}{required}"
    return BASE.format(**slots)


def located(slot: str, key: str, message: str) -> str:
    """A problem as `check` prints it, at the value of ``key`` on the slot's line."""
    column = SLOT_INDENT[slot] + len(key) + 3
    return f"partners.yaml:{SLOT_LINES[slot]}:{column}: {SLOT_PATH[slot]}.{key}: {message}"


SCRIPT_A = "\U0001d49c"  # one character, two UTF-16 units: a limit counts characters
AT_THE_LIMIT = {
    "note of 5,000 characters in a |- block": ("update", "note: |-\n" + " " * 10 + "n" * 5000),
    "business of 200 characters": ("newsletter", f"business: {'B' * 200}"),
    "note of 5,000 characters": ("update", f"note: {'n' * 5000}"),
    "greeting of 200 characters outside the BMP": ("partner", f"greeting: {SCRIPT_A * 200}"),
    "since 1900-01-01": ("partner", "since: 1900-01-01"),
    "value zero": ("referral", "value: 0"),
    "value of a trillion": ("referral", "value: 1000000000000"),
    "value with cents": ("referral", "value: 12000.5"),
    "event five years ahead to the day": ("event", "date: 2031-11-20"),
    "event on 1900-01-01": ("event", "date: 1900-01-01"),
    "time 00:00 to 23:59": ("event", "time: 00:00\n    end: 23:59"),
    "end after midnight": ("event", "time: 21:00\n    end: 00:00"),
    "timezone Etc/GMT+5": ("newsletter", "timezone: Etc/GMT+5"),
    "timezone US/Eastern, a link": ("newsletter", "timezone: US/Eastern"),
    "currency JPY": ("newsletter", "currency: JPY"),
    "logo in a folder": ("newsletter", "logo: images/brand-2026/logo_v2.png"),
    "logo with dots inside its name": ("newsletter", "logo: logo..final.png"),
    "due after 3,650 days": ("newsletter", "due_after_days: 3650"),
}


@pytest.mark.parametrize(("slot", "line"), AT_THE_LIMIT.values(), ids=AT_THE_LIMIT.keys())
def test_a_value_at_its_limit_passes_check(slot: str, line: str) -> None:
    load_valid(with_line(slot, line))


# One past each limit: (slot, key, value as written, the message after "field.path: ").
ONE_PAST = {
    "business of 201 characters": (
        "newsletter",
        "business",
        "B" * 201,
        "is 201 characters long; shorten it to at most 200",
    ),
    "note of 5,001 characters": (
        "update",
        "note",
        "n" * 5001,
        "is 5,001 characters long; shorten it to at most 5,000",
    ),
    "note of 5,000 characters in a | block": (
        "update",
        "note",
        "|\n" + " " * 10 + "n" * 5000,
        "is 5,001 characters long; shorten it to at most 5,000 "
        "(the line break ending a | block counts: write |- to leave it out)",
    ),
    "greeting empty": (
        "partner",
        "greeting",
        '""',
        "must not be empty: write the text, or leave the field out if it is optional",
    ),
    "greeting of spaces": (
        "partner",
        "greeting",
        '"   "',
        "must not be blank: write the text, or leave the field out if it is optional",
    ),
    "since 1899-12-31": (
        "partner",
        "since",
        "1899-12-31",
        "1899-12-31 is before 1900-01-01; write the real date (YYYY-MM-DD)",
    ),
    "since tomorrow": (
        "partner",
        "since",
        "2026-11-21",
        "2026-11-21 is in the future (today is 2026-11-20)",
    ),
    "event five years and a day ahead": (
        "event",
        "date",
        "2031-11-21",
        "2031-11-21 is more than 5 years ahead (the latest event date is 2031-11-20)",
    ),
    "value below zero": ("referral", "value", "-1", "'-1' must be at least 0"),
    "value past a trillion": (
        "referral",
        "value",
        "1000000000001",
        "'1000000000001' must be at most 1000000000000",
    ),
    "value with a thousands comma": (
        "referral",
        "value",
        '"12,000"',
        "'12,000' is not a number; write the plain number, 12000",
    ),
    "value with two thousands dots": (
        "referral",
        "value",
        "1.000.000",
        "'1.000.000' is not a number; write the plain number, 1000000",
    ),
    "value in Arabic-Indic digits": (
        "referral",
        "value",
        "\u0661\u0662\u0663",
        "'\u0661\u0662\u0663' is not a number; write it with the digits 0-9",
    ),
    "since in Arabic-Indic digits": (
        "partner",
        "since",
        "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",
        "'\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661' is not a date; write it as YYYY-MM-DD, "
        "here 2024-01-01",
    ),
    "public yes": ("partner", "public", "yes", "'yes' is not true or false; write true"),
    "since as a | block": (
        "partner",
        "since",
        "|\n      2024-01-01",
        "'2024-01-01\\n' is not a date; write it as YYYY-MM-DD, here 2024-01-01",  # quoted, one line
    ),
    "public tRuE": ("partner", "public", "tRuE", "'tRuE' is not true or false; write true"),
    "public ' true'": ("partner", "public", "' true'", "' true' is not true or false; write true"),
    "asked 0": ("referral", "asked", "0", "'0' is not true or false; write false"),
    "mail 1": ("partner", "mail", "1", "'1' is not true or false; write true"),
    "time 9:00": (
        "event",
        "time",
        '"9:00"',
        "'9:00' is not a time of day; write it as HH:MM from 00:00 to 23:59, here 09:00",
    ),
    "time 24:00": (
        "event",
        "time",
        '"24:00"',
        "'24:00' is not a time of day; write it as HH:MM from 00:00 to 23:59, e.g. 18:30",
    ),
    "time 12:60": (
        "event",
        "time",
        '"12:60"',
        "'12:60' is not a time of day; write it as HH:MM from 00:00 to 23:59, e.g. 18:30",
    ),
    "time with a leading space": (
        "event",
        "time",
        '" 09:00"',
        "' 09:00' is not a time of day; write it as HH:MM from 00:00 to 23:59, here 09:00",
    ),
    "timezone utc": (
        "newsletter",
        "timezone",
        "utc",
        "'utc' is not a time zone name such as Europe/Paris or UTC; did you mean 'UTC'?",
    ),
    "timezone of no place": (
        "newsletter",
        "timezone",
        "Nowhere/City",
        "'Nowhere/City' is not a time zone name such as Europe/Paris or UTC",
    ),
    "currency in lower case": (
        "newsletter",
        "currency",
        "usd",
        "'usd' is not an ISO 4217 currency code such as USD or EUR; write USD",
    ),
    "currency of no country": (
        "newsletter",
        "currency",
        "XYZ",
        "'XYZ' is not an ISO 4217 currency code such as USD or EUR",
    ),
    "logo above the docs folder": (
        "newsletter",
        "logo",
        "../x.png",
        "'../x.png' is not a path inside the docs folder; write it like images/logo.png",
    ),
    "logo hidden": (
        "newsletter",
        "logo",
        ".logo.png",
        "'.logo.png' names a hidden file or folder (starting with a dot), which the build leaves "
        "out of the site; rename it without the dot, e.g. images/logo.png",
    ),
    "logo in a hidden folder": (
        "newsletter",
        "logo",
        "images/.brand/logo.png",
        "'images/.brand/logo.png' names a hidden file or folder (starting with a dot), which the "
        "build leaves out of the site; rename it without the dot, e.g. images/logo.png",
    ),
    "logo in templates/": (
        "newsletter",
        "logo",
        "templates/logo.png",
        "'templates/logo.png' is in the docs folder's templates/ folder, which the build leaves "
        "out of the site; move the image to another folder, e.g. images/logo.png",
    ),
}


@pytest.mark.parametrize(("slot", "key", "value", "message"), ONE_PAST.values(), ids=ONE_PAST.keys())
def test_one_past_a_limit_is_refused_at_the_value_in_plain_words(
    slot: str, key: str, value: str, message: str
) -> None:
    assert load_problems(with_line(slot, f"{key}: {value}")) == [located(slot, key, message)]


# -- the schema editors use accepts what `check` accepts ----------------------------------------

# The YAML language server's date check (vscode-json-languageservice's RFC 3339 full-date).
_EDITOR_DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


def editor_accepts(slot: str, key: str, value: Any) -> bool:
    """Whether an editor holding the schema leaves the value, as YAML 1.2 reads it, unmarked."""
    document: dict[str, Any] = {
        "newsletter": {"title": "T", "owner": "O"},
        "partners": [{"id": "anne", "name": "Anne"}],
        "referrals": [
            {
                "id": "r1",
                "partner": "anne",
                "prospect": "Dana",
                "introduced": "2026-02-03",
                "updates": [{"date": "2026-02-10", "stage": "met"}],
            }
        ],
        "events": [{"title": "Mixer", "date": "2026-12-10"}],
    }
    records = {
        "newsletter": document["newsletter"],
        "partner": document["partners"][0],
        "referral": document["referrals"][0],
        "update": document["referrals"][0]["updates"][0],
        "event": document["events"][0],
    }
    records[slot][key] = value
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date")(lambda text: not isinstance(text, str) or bool(_EDITOR_DATE.match(text)))
    schema = partners_schema()
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=checker)
    return bool(validator.is_valid(document))


def check_accepts(slot: str, key: str, written: str) -> bool:
    """Whether `check` finds nothing wrong with the value (the rest of the file is valid)."""
    try:
        load_text(with_line(slot, f"{key}: {written}"), "partners.yaml", TODAY)
    except InvalidData:
        return False
    return True


# (slot, key, as written in partners.yaml, as YAML 1.2 reads it, whether both accept it)
AGREEMENT = {
    "timezone UTC": ("newsletter", "timezone", "UTC", "UTC", True),
    "timezone utc": ("newsletter", "timezone", "utc", "utc", False),
    "timezone of no place": ("newsletter", "timezone", "Nowhere/City", "Nowhere/City", False),
    "timezone localtime": ("newsletter", "timezone", "localtime", "localtime", False),
    "timezone empty text": ("newsletter", "timezone", '""', "", False),
    "timezone Etc/GMT+5": ("newsletter", "timezone", "Etc/GMT+5", "Etc/GMT+5", True),
    "timezone US/Eastern": ("newsletter", "timezone", "US/Eastern", "US/Eastern", True),
    "logo in a folder": ("newsletter", "logo", "images/logo.png", "images/logo.png", True),
    "logo with non-Latin letters": ("newsletter", "logo", "bilder/größe.png", "bilder/größe.png", True),
    "logo above the docs folder": ("newsletter", "logo", "../x.png", "../x.png", False),
    "logo from here": ("newsletter", "logo", "./x.png", "./x.png", False),
    "logo with an empty folder": ("newsletter", "logo", "images//x.png", "images//x.png", False),
    "logo that is a folder": ("newsletter", "logo", "images/", "images/", False),
    "logo with brackets": ("newsletter", "logo", '"logo(1).png"', "logo(1).png", False),
    "logo hidden": ("newsletter", "logo", ".logo.png", ".logo.png", False),
    "logo in a hidden folder": ("newsletter", "logo", "img/.x/logo.png", "img/.x/logo.png", False),
    "logo in templates/": ("newsletter", "logo", "templates/logo.png", "templates/logo.png", False),
    "logo in a folder of templates": (
        "newsletter",
        "logo",
        "img/templates/l.png",
        "img/templates/l.png",
        True,
    ),
    "since 1900-01-01": ("partner", "since", "1900-01-01", "1900-01-01", True),
    "since 1899-12-31": ("partner", "since", "1899-12-31", "1899-12-31", False),
    "event on 1900-01-01": ("event", "date", "1900-01-01", "1900-01-01", True),
    "event in 1066": ("event", "date", "1066-10-14", "1066-10-14", False),
    # The editor's own `format: date` is a pattern: it took days no month has.
    "since 30 February": ("partner", "since", "2024-02-30", "2024-02-30", False),
    "since 31 April": ("partner", "since", "2024-04-31", "2024-04-31", False),
    "since 29 February of a common year": ("partner", "since", "2025-02-29", "2025-02-29", False),
    "since 29 February of a leap year": ("partner", "since", "2024-02-29", "2024-02-29", True),
    "since 29 February 1900, no leap year": ("partner", "since", "1900-02-29", "1900-02-29", False),
    "since 29 February 2000, a leap year": ("partner", "since", "2000-02-29", "2000-02-29", True),
    "value zero": ("referral", "value", "0", 0, True),
    "value below zero": ("referral", "value", "-0.5", -0.5, False),
    "value of a trillion": ("referral", "value", "1e12", 1e12, True),
    "value past a trillion": ("referral", "value", "1000000000000.5", 1000000000000.5, False),
    "value with a comma": ("referral", "value", "12,000", "12,000", False),
    # JSON Schema's "integer" is any number without a fraction: check reads 30.0 as 30 too.
    "due after 30.0 days": ("newsletter", "due_after_days", "30.0", 30.0, True),
    "due after 3e1 days": ("newsletter", "due_after_days", "3e1", 30.0, True),
    "due after 1.5 days": ("newsletter", "due_after_days", "1.5", 1.5, False),
    "due after 3651.0 days": ("newsletter", "due_after_days", "3651.0", 3651.0, False),
    "epoch 2.0": ("partner", "epoch", "2.0", 2.0, True),
    "epoch 1e400": ("partner", "epoch", "1e400", float("inf"), False),
    "email plain": (
        "partner",
        "email",
        "anne.o+news@ortiz-accounting.example",
        "anne.o+news@ortiz-accounting.example",
        True,
    ),
    "email at an international domain": (
        "partner",
        "email",
        "anne@bücher.example",
        "anne@bücher.example",
        True,
    ),
    "email ending in a dot": ("partner", "email", "anne@example.com.", "anne@example.com.", False),
    "email with two dots": ("partner", "email", "anne@example..com", "anne@example..com", False),
    "email with a dot before the @": ("partner", "email", "anne.@example.com", "anne.@example.com", False),
    "email with a domain starting with -": (
        "partner",
        "email",
        "anne@-example.com",
        "anne@-example.com",
        False,
    ),
    "email with a non-ASCII name": ("partner", "email", "änne@example.com", "änne@example.com", False),
    "email quoted": ("partner", "email", "'\"anne\"@example.com'", '"anne"@example.com', False),
    # Digits other than 0-9 are text to YAML and to an editor.
    "value in Arabic-Indic digits": ("referral", "value", "\u0661\u0662\u0663", "\u0661\u0662\u0663", False),
    "due after fullwidth 30 days": ("newsletter", "due_after_days", "\uff13\uff10", "\uff13\uff10", False),
    "time with an Arabic-Indic 8": ("event", "time", "1\u0668:30", "1\u0668:30", False),
    "since with Arabic-Indic digits": (
        "partner",
        "since",
        "19\u0662\u0664-01-01",
        "19\u0662\u0664-01-01",
        False,
    ),
    "public True": ("partner", "public", "True", True, True),
    "public FALSE": ("partner", "public", "FALSE", False, True),
    "public tRuE, text in YAML 1.2": ("partner", "public", "tRuE", "tRuE", False),
    "public yes": ("partner", "public", "yes", "yes", False),
    "public 1": ("partner", "public", "1", 1, False),
    "asked no": ("referral", "asked", "no", "no", False),
    "asked 0": ("referral", "asked", "0", 0, False),
    "time 23:59": ("event", "time", "23:59", "23:59", True),
    "time 9:00": ("event", "time", "9:00", "9:00", False),
    "time with a leading space": ("event", "time", '" 09:00"', " 09:00", False),
    "currency in lower case": ("newsletter", "currency", "usd", "usd", False),
    "greeting of spaces": ("partner", "greeting", '"   "', "   ", False),
    # A | block keeps its last line break, which Python's $ (jsonschema's) let through.
    "greeting as a | block": ("partner", "greeting", "|\n      Anne", "Anne\n", False),
    "logo as a | block": ("newsletter", "logo", "|\n    images/logo.png", "images/logo.png\n", False),
    "email as a | block": ("partner", "email", "|\n      anne@example.com", "anne@example.com\n", False),
    "since as a | block": ("partner", "since", "|\n      2024-01-01", "2024-01-01\n", False),
    "greeting of 200 characters": ("partner", "greeting", "G" * 200, "G" * 200, True),
    "greeting of 201 characters": ("partner", "greeting", "G" * 201, "G" * 201, False),
    "description of 5,000 characters": ("event", "description", "d" * 5000, "d" * 5000, True),
    "description of 5,001 characters": ("event", "description", "d" * 5001, "d" * 5001, False),
}


@pytest.mark.parametrize(
    ("slot", "key", "written", "read", "valid"), AGREEMENT.values(), ids=AGREEMENT.keys()
)
def test_the_editor_and_check_agree_at_each_edge(
    slot: str, key: str, written: str, read: Any, valid: bool
) -> None:
    assert check_accepts(slot, key, written) is valid
    assert editor_accepts(slot, key, read) is valid


def test_what_a_schema_cannot_know_is_said_in_the_descriptions() -> None:
    """Limits of today and of five years ahead, and rules across records: an editor reads them
    on hover, since the schema cannot check them."""
    definitions = partners_schema()["$defs"]

    def described(model: str, field: str) -> str:
        return str(definitions[model]["properties"][field]["description"])

    past = [("Partner", "since"), ("Referral", "introduced"), ("Update", "date"), ("Given", "date")]
    assert all("to today" in described(*field) for field in past)
    assert "five years after today" in described("Event", "date")
    across_records = [
        ("Partner", "id"),
        ("Partner", "email"),
        ("Partner", "referred_by"),
        ("Referral", "id"),
        ("Referral", "partner"),
        ("Given", "partner"),
        ("Update", "date"),
        ("Event", "time"),
        ("Event", "end"),
        ("Newsletter", "logo"),
    ]
    undescribed = [field for field in across_records if "python -m generator check" not in described(*field)]
    assert not undescribed


def test_every_pattern_is_explained_in_words_to_an_editor() -> None:
    """The YAML language server shows patternErrorMessage instead of quoting a regular expression
    of 200 characters at someone who wrote a tab in a name."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(partners_schema())
    assert len(found) > 20
    assert all(str(node.get("patternErrorMessage", "")).endswith(".") for node in found)


# -- every problem at once, and nothing on disk changed ----------------------------------------

VALID_FIRST = """\
newsletter:
  title: T
  owner: O
partners:
  - id: anne
    name: Anne
referrals:
  - id: r1
    partner: anne
    prospect: Dana
    introduced: 2026-02-03
events:
  - date: 2026-12-10
    title: Mixer
"""
# 35 mistakes of 35 kinds, one a line; "today" is conftest's TODAY, 2026-11-20.
MANY_MISTAKES = """\
newsletter:
  title: T
  owner: O
  currency: usd
  timezone: utc
  logo: .brand/logo.png
  due_after_days: 0
  email: "Mark <mark@example.com>"
  phone: "   "
partners:
  - id: Anne
    name: Anne
    greeting: ""
    since: 1899-12-31
    public: yes
    epoch: -1
  - id: bob
    name: "Bob\\tLee"
    since: 2031-01-01
    referred_by: nobody
    mail: 1
    email: bob@example.com
  - id: bob
    name: Bob Two
referrals:
  - id: r1
    partner: bob
    prospect: "Dana\\u0007"
    introduced: 2026/02/03
    method: Lunch
    asked: no
    public: 0
    value: "12,000"
    updates:
      - date: 2026-02-10
        stage: Won
      - date: 2026-01-10
        stage: met
  - id: r1
    partner: carol
    prospect: Eve
    introduced: 2026-02-03
    value: -5
given:
  - partner: bob
    date: 2030-01-01
    to: ""
events:
  - date: 2032-01-01
    title: Mixer
    time: "9:00"
    end: "24:00"
  - date: 2026-12-10
    title: Brunch
    end: "12:60"
  - date: 2026-12-11
    title: Party
    time: "12:00"
    end: "12:00"
    colour: red
"""
# Each mistake at its value (an unknown field at its key), in file order.
MISTAKES_AT = [
    "4:13: newsletter.currency",
    "5:13: newsletter.timezone",
    "6:9: newsletter.logo",
    "7:19: newsletter.due_after_days",
    "8:10: newsletter.email",
    "9:10: newsletter.phone",
    "11:9: partners[0].id",
    "13:15: partners[0].greeting",
    "14:12: partners[0].since",
    "15:13: partners[0].public",
    "16:12: partners[0].epoch",
    "18:11: partners[1].name",
    "19:12: partners[1].since",
    "20:18: partners[1].referred_by",
    "21:11: partners[1].mail",
    "23:9: partners[2].id",
    "28:15: referrals[0].prospect",
    "29:17: referrals[0].introduced",
    "30:13: referrals[0].method",
    "31:12: referrals[0].asked",
    "32:13: referrals[0].public",
    "33:12: referrals[0].value",
    "36:16: referrals[0].updates[0].stage",
    "37:15: referrals[0].updates[1].date",
    "39:9: referrals[1].id",
    "40:14: referrals[1].partner",
    "43:12: referrals[1].value",
    "46:11: given[0].date",
    "47:9: given[0].to",
    "49:11: events[0].date",
    "51:11: events[0].time",
    "52:10: events[0].end",
    "55:10: events[1].end",
    "59:10: events[2].end",
    "60:5: events[2].colour",
]
_PROBLEM = re.compile(r"^partners\.yaml:(\d+:\d+: [\w.\[\]]+): (\S.*)$")


def snapshot(root: Path) -> dict[str, str]:
    """Every file below ``root`` but partners.yaml (content/, .referral/, site/ if any), by hash."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "partners.yaml"
    }


def test_every_mistake_is_reported_at_once_in_file_order_and_nothing_changes(project: SiteProject) -> None:
    project.write_data(VALID_FIRST)
    assert project.generator("generate").returncode == 0
    assert (project.root / ".referral").is_dir()
    before = snapshot(project.root)
    project.write_data(MANY_MISTAKES)
    for run in (project.generator("check"), project.generator("generate"), project.mkdocs_build("--strict")):
        assert run.returncode != 0
        # MkDocs' log puts "ERROR   -  " before the first line.
        output = (run.stdout + run.stderr).splitlines()
        lines = [line[line.index("partners.yaml:") :] for line in output if "partners.yaml:" in line]
        found = [_PROBLEM.match(line) for line in lines]
        assert all(found), lines
        assert [match.group(1) for match in found if match] == MISTAKES_AT
        assert f"{len(MISTAKES_AT)} problems found; nothing was generated." in run.stdout + run.stderr
    assert snapshot(project.root) == before


# -- at the limits, check, generate and a strict build agree ------------------------------------

LONG_LINE = "Ünïcødé & <b>" + "x" * 187  # 200 characters
LONG_TEXT = ("Notë <i>one</i> & two.\n" * 218)[:4999] + "."  # 5,000 characters
# The builds' moment is the start of TODAY in UTC: in Etc/GMT+5 (five hours behind UTC, the
# sign is POSIX's) the owner's today is still 2026-11-19, and the latest event date 2031-11-19.
AT_EVERY_LIMIT = f"""\
newsletter:
  title: "{LONG_LINE}"
  owner: "{LONG_LINE}"
  business: "{LONG_LINE}"
  intro: {json.dumps(LONG_TEXT)}
  phone: "{LONG_LINE}"
  email: owner@example.com
  currency: JPY
  timezone: Etc/GMT+5
  logo: images/brand-2026/logo_v2.png
  due_after_days: 3650
partners:
  - id: {"a" * 63}
    name: "{LONG_LINE}"
    greeting: "{SCRIPT_A * 200}"
    since: 1900-01-01
    public: true
    spotlight: {json.dumps(LONG_TEXT)}
    epoch: 999999999
referrals:
  - id: "{LONG_LINE}"
    partner: {"a" * 63}
    prospect: "{LONG_LINE}"
    introduced: 1900-01-01
    value: 1000000000000
    updates:
      - date: 2026-11-19
        stage: won
        note: {json.dumps(LONG_TEXT)}
given:
  - partner: {"a" * 63}
    date: 1900-01-01
    to: "{LONG_LINE}"
    note: {json.dumps(LONG_TEXT)}
events:
  - date: 2031-11-19
    title: "{LONG_LINE}"
    where: "{LONG_LINE}"
    time: "00:00"
    end: "23:59"
    description: {json.dumps(LONG_TEXT)}
  - date: 2026-11-19
    title: Late party
    time: "21:00"
    end: "00:00"
  - date: 1900-01-01
    title: The first
    time: "23:59"
    end: "00:00"
"""


@pytest.mark.build
def test_every_v1_1_limit_at_once_passes_check_generate_and_a_strict_build(project: SiteProject) -> None:
    assert (len(LONG_LINE), len(LONG_TEXT)) == (200, 5000)
    logo = project.content / "images" / "brand-2026" / "logo_v2.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    project.write_data(AT_EVERY_LIMIT)
    for run in (project.generator("check"), project.generator("generate"), project.mkdocs_build("--strict")):
        assert run.returncode == 0, run.stdout + run.stderr
    assert (project.site / "images" / "brand-2026" / "logo_v2.png").read_bytes() == logo.read_bytes()
    assert 'src="images/brand-2026/logo_v2.png"' in project.read_site("index.html")


@pytest.mark.build
@pytest.mark.parametrize(
    "logo", [".logo.png", "images/.brand/logo.png", "templates/logo.png", "blog/posts/logo.png"]
)
def test_a_logo_the_build_leaves_out_of_the_site_is_refused_by_check_and_build(
    project: SiteProject, logo: str
) -> None:
    """The file is there, so check and the strict build passed, and every page showed a broken
    logo: MkDocs leaves hidden files and templates/ out of the site, and Material's blog moves
    the files of its posts folder."""
    (project.content / logo).parent.mkdir(parents=True, exist_ok=True)
    (project.content / logo).write_bytes(b"\x89PNG\r\n\x1a\n")
    project.write_data(f"newsletter:\n  title: T\n  owner: O\n  logo: {logo}\n")
    before = snapshot(project.root)
    check = project.generator("check")
    assert check.returncode != 0
    assert f"partners.yaml:4:9: newsletter.logo: '{logo}' " in check.stdout
    assert snapshot(project.root) == before
    # As for a logo missing from the docs folder, the strict build fails (the pages written
    # first, in case a preview without the logo is wanted).
    build = project.mkdocs_build("--strict")
    assert build.returncode != 0
    assert f"partners.yaml:4:9: newsletter.logo: '{logo}' " in build.stdout + build.stderr
