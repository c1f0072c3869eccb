"""The partners.yaml data contract (version 1) as validated, immutable models.

The loader hands every scalar over as the text the editor wrote, so the field types below
decide what a value means: dates must be ISO dates, booleans ``true``/``false``, numbers
plain numbers. A name such as ``no`` or ``0755`` simply stays text.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import math
import re
import zoneinfo
from typing import Annotated, Any, Literal

from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from . import value_hints
from .audience import audience

STAGES: tuple[str, ...] = ("contacted", "met", "proposal", "won", "lost")
TERMINAL_STAGES = frozenset({"won", "lost"})
METHODS: tuple[str, ...] = ("name", "letter", "call", "lunch")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NAME_MAX = 200  # names, titles, places: one line of text
NOTE_MAX = 5000  # notes and descriptions: a few paragraphs
# Control characters other than tab and newline (and the Unicode line/paragraph separators,
# which break a line in some readers but not in others) have no place in a newsletter. Nor have
# the bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): each runs on
# past its value to the end of the paragraph, so a name holding one turns the rest of a public
# sentence around. The marks (U+200E, U+200F, U+061C) hold no such state and stay welcome.
# U+FFFE and U+FFFF are no characters at all, and XML cannot carry them: one in a public name
# made the whole RSS feed unreadable.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# _CONTROL and tab, line feed, return
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# One plain address, no display name, no list, nothing a mail header could be split on.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*")
CLOCK_PATTERN = r"^(?:[01]\d|2[0-3]):[0-5]\d$"
_CLOCK = re.compile(CLOCK_PATTERN)
_CURRENCY = re.compile(r"[A-Z]{3}")
_DOCS_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*")


def _parse_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(f"'{value}' is not true or false{_write(value_hints.meant_boolean(value))}")
    return value


def _write(meant: str | None) -> str:
    return f"; write {meant}" if meant is not None else ""


def _parse_date(value: Any) -> Any:
    return _iso_date(value) if isinstance(value, str) else value


# A file repeats a few hundred dates 150,000 times (10,000 partners): each text is read once,
# and its records share one date object. A text that is not a date raises, and is not kept.
# Kept for the process, not one load: a validator has no per-load state unless every
# model_validate passes a context; it holds at most 4,096 date texts, never a name.
@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> dt.date:
    if not _ISO_DATE.match(text):
        meant = value_hints.meant_date(text)
        hint = f", here {meant}" if meant is not None else ""
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD{hint}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date") from None


def _parse_number(value: Any) -> Any:
    if isinstance(value, str):
        if value_hints.DOTTED_THOUSANDS.fullmatch(value):
            raise ValueError(
                f"'{value}' is ambiguous: write {value.replace('.', '')} if the dot separates thousands, "
                f"or {float(value):g} if it is a decimal point"
            )
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            meant = value_hints.meant_number(value)
            hint = f"; write the plain number, {meant}" if meant is not None else ""
            raise ValueError(f"'{value}' is not a number{hint}") from None
        if not math.isfinite(number):
            raise ValueError(f"'{value}' is not a finite number")
        return int(number) if number.is_integer() else number
    return value


INTEGER_DIGITS = 9  # epoch and day counts are small; int() of 5,000 digits fails in jargon


def _parse_integer(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(f"'{value}' is not a whole number")
        if len(value.lstrip("+-").lstrip("0")) > INTEGER_DIGITS:
            raise ValueError(f"is a number of more than {INTEGER_DIGITS} digits; use a small whole number")
        return int(value)
    return value


def _no_control_characters(value: str) -> str:
    found = _CONTROL.search(value)
    if found and found.group() in "\ufffe\uffff":  # XML has no place for them: a feed would break
        raise ValueError(f"contains U+{ord(found.group()):04X}, which is no character; remove it")
    if found:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}; remove it")
    _not_blank(value)
    return value


def _not_blank(value: str) -> None:
    # A quoted value of spaces only ("   ") passes the length check but prints as nothing:
    # an empty heading, "Thank you, ,", a blank box in the tree. So does one of invisible
    # characters. A value starting with a letter or digit (nearly all) skips the search.
    if value.isspace() or (not value[:1].isalnum() and _BLANK.fullmatch(value)):
        raise ValueError("must not be blank: write the text, or leave the field out if it is optional")


def _one_line_text(value: str) -> str:
    """No control character, then no line break: one search for the two checks of a Text value."""
    if _CONTROL_OR_BREAK.search(value):
        _no_control_characters(value)
        raise ValueError("must be one line: remove the line break or tab")
    _not_blank(value)
    return value


def _parse_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(
            f"'{value}' is not one plain email address; write it as name@example.com, "
            "without a display name, brackets or a second address"
        )
    if not value.rpartition("@")[0].isascii():  # mail refused it, after check had passed it
        raise ValueError(
            f"'{value}' has letters outside ASCII before the @, which the newsletter mail cannot "
            "be sent to; use the partner's ASCII address (an international domain after the @ is fine)"
        )
    return value


def _parse_clock(value: Any) -> Any:
    if isinstance(value, str):
        if not _CLOCK.fullmatch(value):
            meant = value_hints.meant_clock(value)
            example = f"here {meant}" if meant is not None else "e.g. 18:30"
            raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, {example}")
        return dt.time.fromisoformat(value)
    return value


@functools.cache
def currency_codes() -> tuple[str, ...]:
    """The ISO 4217 codes the pinned CLDR data (babel) knows: three capitals alone also let
    through codes no currency has, such as XYZ, which the pages could only print as letters."""
    return tuple(sorted(list_currencies()))


def _parse_currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value) or value not in currency_codes():
        raise ValueError(f"'{value}' is not an ISO 4217 currency code such as USD or EUR")
    return value


@functools.cache
def _iana_zones() -> frozenset[str]:
    """The zone names of the pinned IANA database (tzdata). The system's database also answers to
    names such as "localtime", which mean whatever zone the building machine is set to."""
    return frozenset(importlib.resources.files("tzdata").joinpath("zones").read_text("utf-8").split())


def _parse_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
        known = value in _iana_zones()
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        known = False
    if not known:
        raise ValueError(f"'{value}' is not a time zone name such as Europe/Paris or UTC")
    return value


def _parse_docs_path(value: str) -> str:
    parts = value.split("/")
    if not _DOCS_PATH.fullmatch(value) or any(part in (".", "..") for part in parts):
        raise ValueError(f"'{value}' is not a path inside the docs folder; write it like images/logo.png")
    return value


def _empty_when_null(value: Any) -> Any:
    # An optional list left empty (`events:` and nothing under it) means none, like any
    # optional field left empty.
    return () if value is None else value


YamlBool = Annotated[bool, BeforeValidator(_parse_bool)]
YamlDate = Annotated[dt.date, BeforeValidator(_parse_date)]
# Every text field is one of these two, so no field escapes the length and character limits.
# Field() comes first so its limits are checked by pydantic-core: after a validator they run as
# Python functions, two calls per text value (a 10,000-partner file has 300,000). A list or a
# mapping where text belongs fails pydantic's own string check ("expected text, got a list").
# The patterns tell editors (through the JSON Schema) what _one_line_text and
# _no_control_characters check: something besides spaces, and no control character (in a Text,
# no line break or tab either).
# Characters that print as nothing: soft hyphen, joiners, zero-width spaces and marks, word
# joiner, byte-order mark. A value of these (and spaces) alone is blank.
_INVISIBLE = r"\u00ad\u034f\u061c\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_BLANK = re.compile(f"[\\s{_INVISIBLE}]+")
_LINE_BREAKING = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff"
_CONTROL_CHARACTERS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff"
ONE_LINE = {"pattern": f"^[^{_LINE_BREAKING}]*[^{_LINE_BREAKING}\\s{_INVISIBLE}][^{_LINE_BREAKING}]*$"}
NOT_BLANK = {
    "pattern": f"^[^{_CONTROL_CHARACTERS}]*[^{_CONTROL_CHARACTERS}\\s{_INVISIBLE}][^{_CONTROL_CHARACTERS}]*$"
}
Text = Annotated[
    str,
    Field(min_length=1, max_length=NAME_MAX, json_schema_extra=ONE_LINE),
    AfterValidator(_one_line_text),
]
LongText = Annotated[
    str,
    Field(min_length=1, max_length=NOTE_MAX, json_schema_extra=NOT_BLANK),
    AfterValidator(_no_control_characters),
]
# For editors, looser patterns than the checks (JSON Schema's regular expressions know no
# Unicode \w): every value `check` accepts matches, while a display name, a second address, a
# web address or an absolute path is underlined as it is typed.
EMAIL_HINT = {"pattern": r'^[^\s<>(),;:"\[\]@]+@[^\s<>(),;:"\[\]@]+$'}
DOCS_PATH_HINT = {"pattern": r"^[^/\s:\\][^\s:\\]*$"}
Email = Annotated[str, Field(max_length=254, json_schema_extra=EMAIL_HINT), AfterValidator(_parse_email)]
# Not JSON Schema's `format: time`: that is RFC 3339's 18:00:00Z, and the YAML language server
# underlines every "18:00" written as the contract asks.
Clock = Annotated[
    dt.time, BeforeValidator(_parse_clock), WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN})
]
# The schema lists the codes, so an editor completes them and underlines XYZ as check does.
Currency = Annotated[
    str, Field(json_schema_extra={"enum": list(currency_codes())}), AfterValidator(_parse_currency)
]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_parse_timezone)]
DocsPath = Annotated[
    str,
    Field(max_length=NAME_MAX, json_schema_extra=DOCS_PATH_HINT),
    AfterValidator(_parse_docs_path),
]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
# A trillion in any currency is no referral's deal; far larger values (1e300) also break the
# decimal formatting of the insights page's sums, so `check` refuses what could not build.
MONEY_MAX = 10**12
Money = Annotated[float, Field(ge=0, le=MONEY_MAX), BeforeValidator(_parse_number)]
Epoch = Annotated[int, Field(ge=0, le=10**INTEGER_DIGITS - 1), BeforeValidator(_parse_integer)]
DueDays = Annotated[
    int, BeforeValidator(_parse_integer), Field(ge=1, le=3650)
]  # once per file; this order keeps the schema


FIELDS_SETS = "fields sets"  # the validation context's key for the shared sets


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    def model_post_init(self, context: Any, /) -> None:
        """Each record keeps the names of the fields it was given (pydantic's
        ``model_fields_set``) in a set of its own: 216 to 728 bytes for every referral and
        update, half of the model's memory (6.3 of 13.2 MB at 1,000 partners). The records are
        frozen, so nothing adds to those sets (``model_copy`` copies the set first): records
        of one file given the same fields share one, kept in the validation's context."""
        shared = context.get(FIELDS_SETS) if isinstance(context, dict) else None
        if shared is not None:
            given = self.__pydantic_fields_set__
            object.__setattr__(self, "__pydantic_fields_set__", shared.setdefault(frozenset(given), given))


# Each field says who may read it (generator/audience.py): the leak guard, the public views
# and the README's privacy table are derived from these declarations.


class Newsletter(_Model):
    """Who runs the referral program and what the newsletter is called."""

    title: Text = Field(
        description="Title of the newsletter and the site.", json_schema_extra=audience("public")
    )
    owner: Text = Field(
        description="The person whose referral program this is.",
        json_schema_extra=audience("public"),
    )
    business: Text | None = Field(
        None, description="The owner's business, shown publicly.", json_schema_extra=audience("public")
    )
    intro: LongText | None = Field(
        None,
        description="A short welcome shown on the home page (plain text).",
        json_schema_extra=audience("public"),
    )
    due_after_days: DueDays = Field(
        30,
        description="An open referral with no update for more than this many days "
        "is listed as due an update.",
        json_schema_extra=audience("owner"),
    )
    email: Email | None = Field(
        None,
        description="The owner's reply address: contact links, 'introduce someone', "
        "and the mail's default From.",
        json_schema_extra=audience("public"),
    )
    phone: Text | None = Field(
        None, description="The owner's phone, shown beside the email.", json_schema_extra=audience("public")
    )
    currency: Currency = Field(
        "USD",
        description="ISO 4217 code of every deal value (default USD).",
        json_schema_extra=audience("owner"),
    )
    timezone: TimeZone = Field(
        "UTC",
        description="IANA time zone of event times and of the site's today: what is past, coming "
        "up, due or in the future, e.g. Europe/Paris (default UTC).",
        json_schema_extra=audience("public"),
    )
    logo: DocsPath | None = Field(
        None,
        description="An image under the docs folder shown as the site's logo, e.g. images/logo.png.",
        json_schema_extra=audience("public"),
    )


class Partner(_Model):
    """A referral source: someone who sends the owner business."""

    id: Id = Field(
        description="Unique id: lower-case letters, digits and '-'.",
        json_schema_extra=audience("consent"),
    )
    name: Text = Field(
        description="Full name; public only with `public: true`.", json_schema_extra=audience("consent")
    )
    greeting: Text | None = Field(
        None,
        description="How to address the partner, e.g. Anne (default: the first word of the name).",
        json_schema_extra=audience("partner"),
    )
    company: Text | None = Field(
        None, description="The partner's company.", json_schema_extra=audience("consent")
    )
    profession: Text | None = Field(
        None, description="What the partner does.", json_schema_extra=audience("consent")
    )
    email: Email | None = Field(
        None, description="Contact address; never published.", json_schema_extra=audience("never")
    )
    since: YamlDate | None = Field(
        None, description="Date the partnership began.", json_schema_extra=audience("consent")
    )
    referred_by: Id | None = Field(
        None,
        description="Id of the partner who introduced this one (the referral tree).",
        json_schema_extra=audience("consent"),
    )
    public: YamlBool = Field(
        False,
        description="Consent to be named on public pages (default false).",
        # Their own page tells them whether they are named ("should you agree to be named").
        json_schema_extra=audience("partner"),
    )
    spotlight: LongText | None = Field(
        None,
        description="A line about the partner's own business; public only with consent.",
        json_schema_extra=audience("consent"),
    )
    epoch: Epoch = Field(
        0,
        description="Raise by one to give this partner's private page a new address.",
        json_schema_extra=audience("owner"),
    )
    mail: YamlBool = Field(
        True,
        description="Send this partner the newsletter by email when they have an email "
        "(default true); false opts them out.",
        json_schema_extra=audience("owner"),
    )


class Update(_Model):
    """One step of progress on a referral."""

    date: YamlDate = Field(description="When it happened (YYYY-MM-DD).", json_schema_extra=audience("public"))
    stage: Literal["contacted", "met", "proposal", "won", "lost"] = Field(
        description="contacted | met | proposal | won (sale closed) | lost (file closed).",
        json_schema_extra=audience("public"),
    )
    note: LongText | None = Field(
        None,
        description="Shown to the referring partner on their private page only.",
        json_schema_extra=audience("partner"),
    )
    internal: LongText | None = Field(
        None, description="For the owner only; never published.", json_schema_extra=audience("never")
    )


class Referral(_Model):
    """A person a partner introduced to the owner, and how it is going."""

    id: Text = Field(description="Unique referral id, e.g. r-2026-001.", json_schema_extra=audience("owner"))
    partner: Id = Field(
        description="Id of the partner who gave the referral.", json_schema_extra=audience("consent")
    )
    prospect: Text = Field(
        description="The person referred; confidential (the partner's own page only).",
        json_schema_extra=audience("consent"),
    )
    introduced: YamlDate = Field(
        description="Date of the introduction (YYYY-MM-DD).", json_schema_extra=audience("public")
    )
    method: Literal["name", "letter", "call", "lunch"] | None = Field(
        None,
        description="How it came about: name (a bare name), letter (of introduction), "
        "call (introductory phone call), lunch (a meeting of the three).",
        json_schema_extra=audience("public"),
    )
    asked: YamlBool | None = Field(
        None,
        description="true if the owner asked for it; false if it was earned.",
        # The partner's page says "at our request" or "without our asking".
        json_schema_extra=audience("partner"),
    )
    public: YamlBool = Field(
        False,
        description="The prospect consents to be named publicly (default false).",
        json_schema_extra=audience("owner"),
    )
    value: Money | None = Field(None, description="Deal value.", json_schema_extra=audience("owner"))
    updates: Annotated[
        tuple[Update, ...],
        BeforeValidator(_empty_when_null, json_schema_input_type=tuple[Update, ...] | None),
    ] = Field((), description="Progress, in date order.")


class Given(_Model):
    """Business the owner referred to a partner: giving back."""

    partner: Id = Field(
        description="Id of the partner who received the business.",
        json_schema_extra=audience("consent"),
    )
    date: YamlDate = Field(description="When (YYYY-MM-DD).", json_schema_extra=audience("public"))
    to: Text = Field(
        description="Who was referred; confidential like a prospect.",
        json_schema_extra=audience("partner"),
    )
    note: LongText | None = Field(
        None,
        description="What it was about; partner's page only.",
        json_schema_extra=audience("partner"),
    )


class Event(_Model):
    """A social event for referral sources and prospects."""

    # Tells editors what _end_after_start checks first: an end needs a start time (an `end:` left
    # empty is no end).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"end": {"type": "string", "description": "An end time."}},
                "required": ["end"],
            },
            "then": {
                "properties": {"time": {"type": "string", "description": "Then a start time too."}},
                "required": ["time"],
            },
        }
    )

    date: YamlDate = Field(description="Day of the event (YYYY-MM-DD).", json_schema_extra=audience("public"))
    title: Text = Field(description="What it is.", json_schema_extra=audience("public"))
    where: Text | None = Field(
        None, description="Where it takes place.", json_schema_extra=audience("public")
    )
    time: Clock | None = Field(
        None,
        description="Start time, HH:MM in the newsletter's time zone; none means all day.",
        json_schema_extra=audience("public"),
    )
    end: Clock | None = Field(
        None,
        description="End time, HH:MM; earlier than `time` means the next day (21:00 to 01:00).",
        json_schema_extra=audience("public"),
    )
    description: LongText | None = Field(
        None, description="A sentence about the event.", json_schema_extra=audience("public")
    )

    # A field validator, not a model one, so the problem is located at the `end` value itself.
    # `time` is declared first: info.data holds it, or lacks it when it was itself invalid
    # (already reported, so not said again here).
    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.time | None, info: ValidationInfo) -> dt.time | None:
        if end is None or "time" not in info.data:
            return end
        start = info.data["time"]
        if start is None:
            raise ValueError("an event with an `end` needs a start `time`")
        if end == start:
            # An end before the start is the next day (a party from 21:00 to 01:00); the same
            # time would be a day-long event nobody means. Quote it, as every message quotes
            # the bad value.
            raise ValueError(
                f"'{end:%H:%M}' is the event's start time: give when it ends (an end before "
                "the start, such as 01:00 after 21:00, is the next day)"
            )
        return end

    @property
    def end_day(self) -> dt.date:
        """The day it ends: the next one when its end comes before its start (after midnight)."""
        if self.time is not None and self.end is not None and self.end < self.time:
            return self.date + dt.timedelta(days=1)
        return self.date


class PartnersFile(_Model):
    """partners.yaml, version 1."""

    newsletter: Newsletter = Field(description="The program and its newsletter.")
    # A new program may have no partners or referrals yet: a list section left out, or left
    # empty, is none, the same for all four (a missing `partners:` alone was refused).
    partners: Annotated[
        tuple[Partner, ...],
        BeforeValidator(_empty_when_null, json_schema_input_type=tuple[Partner, ...] | None),
    ] = Field((), description="Referral sources.")
    referrals: Annotated[
        tuple[Referral, ...],
        BeforeValidator(_empty_when_null, json_schema_input_type=tuple[Referral, ...] | None),
    ] = Field((), description="Referrals partners gave.")
    given: Annotated[
        tuple[Given, ...],
        BeforeValidator(_empty_when_null, json_schema_input_type=tuple[Given, ...] | None),
    ] = Field((), description="Business the owner referred to partners.")
    events: Annotated[
        tuple[Event, ...],
        BeforeValidator(_empty_when_null, json_schema_input_type=tuple[Event, ...] | None),
    ] = Field((), description="Social events.")
