"""The field types of partners.yaml: how each value an editor wrote (handed over as text, see
source.py) becomes a date, a number, a one-line text, an address or a time zone, with the
message `check` prints when it cannot, and the limits every text field respects."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import math
import re
import zoneinfo
from typing import Annotated, Any

from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, WithJsonSchema

from . import field_patterns, value_hints

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
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
CLOCK_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"  # [0-9]: Python's \d takes other digits too
_CLOCK = re.compile(CLOCK_PATTERN)
_CURRENCY = re.compile(r"[A-Z]{3}")
_DOCS_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*")


# The booleans of YAML 1.2, which editors read the file by: tRuE is text to them, not true.
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _parse_bool(value: Any) -> Any:
    if isinstance(value, str):
        if value in _BOOLEANS:
            return _BOOLEANS[value]
        raise ValueError(f"'{value}' is not true or false{_write(value_hints.meant_boolean(value))}")
    return value


def _write(meant: str | None) -> str:
    return f"; write {meant}" if meant is not None else ""


def _parse_date(value: Any) -> Any:
    return _iso_date(value) if isinstance(value, str) else value


# A file repeats a few hundred dates 150,000 times (10,000 partners): each text is read once,
# and its records share one date object. A text that is not a date raises, and is not kept.
# Kept for the process, not one load: only the whole file's validation passes a context
# (validate's record-by-record retry and build_facts do not), and the memo holds at most 4,096
# date texts, never a name.
@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> dt.date:
    if not _ISO_DATE.fullmatch(text):
        meant = value_hints.meant_date(text)
        hint = f", here {meant}" if meant is not None else ""
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD{hint}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date") from None


def _parse_number(value: Any) -> Any:
    if isinstance(value, str):
        if value.isascii() and value_hints.DOTTED_THOUSANDS.fullmatch(value):
            raise ValueError(_dotted_thousands(value))
        try:
            # float() reads Arabic-Indic and fullwidth digits too; YAML and editors do not.
            if not value.isascii():
                raise ValueError(value)
            number = float(value.replace("_", ""))
        except ValueError:
            raise ValueError(_not_a_number(value)) from None
        if not math.isfinite(number):
            raise ValueError(f"'{value}' is not a finite number")
        return int(number) if number.is_integer() else number
    return value


def _not_a_number(value: str) -> str:
    if any(character.isdecimal() and not character.isascii() for character in value):
        return f"'{value}' is not a number; write it with the digits 0-9"
    meant = value_hints.meant_number(value)
    hint = f"; write the plain number, {meant}" if meant is not None else ""
    return f"'{value}' is not a number{hint}"


def _dotted_thousands(value: str) -> str:
    plain = value.replace(".", "")
    if value.count(".") > 1:  # 1.000.000: no decimal point has two dots
        return f"'{value}' is not a number; write the plain number, {plain}"
    return f"'{value}' is ambiguous: write {plain} if the dot separates thousands, or {float(value):g} if it is a decimal point"


INTEGER_DIGITS = 9  # epoch and day counts are small; int() of 5,000 digits fails in jargon


# A number as YAML 1.2 writes one (the editor's reading of the file).
_YAML_NUMBER = re.compile(r"[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?", re.ASCII)


def _parse_integer(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            return _whole_number(value)
        if len(value.lstrip("+-").lstrip("0")) > INTEGER_DIGITS:
            raise ValueError(f"is a number of more than {INTEGER_DIGITS} digits; use a small whole number")
        return int(value)
    return value


def _whole_number(value: str) -> int:
    """30.0 or 3e1 as 30: JSON Schema's "integer" is any number without a fraction, so an editor
    underlined none of them while `check` refused them."""
    number = float(value) if _YAML_NUMBER.fullmatch(value) else math.nan
    if not (math.isfinite(number) and number.is_integer()):
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


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
        if value.endswith("\n") and not _CONTROL_OR_BREAK.search(value, 0, len(value) - 1):
            # A `>` or `|` block keeps the break at its end: the editor sees one line of text.
            raise ValueError(
                "ends with a line break, which a '>' or '|' block keeps: write '>-' instead, "
                "or the text on the line of its key"
            )
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
            raise ValueError(
                f"'{value}' is not a time of day; write it as HH:MM from 00:00 to 23:59, {example}"
            )
        return dt.time.fromisoformat(value)
    return value


@functools.cache
def currency_codes() -> tuple[str, ...]:
    """The ISO 4217 codes the pinned CLDR data (babel) knows: three capitals alone also let
    through codes no currency has, such as XYZ, which the pages could only print as letters."""
    return tuple(sorted(list_currencies()))


def _parse_currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value) or value not in currency_codes():
        meant = value.strip().upper()
        hint = f"; write {meant}" if meant in currency_codes() else ""
        raise ValueError(f"'{value}' is not an ISO 4217 currency code such as USD or EUR{hint}")
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
        meant = _zones_by_folded_name().get(value.strip().casefold())
        hint = f"; did you mean '{meant}'?" if meant is not None else ""
        raise ValueError(f"'{value}' is not a time zone name such as Europe/Paris or UTC{hint}")
    return value


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    """utc → UTC, europe/paris → Europe/Paris: the names are case-sensitive, and editors meet
    that only here."""
    return {zone.casefold(): zone for zone in sorted(_iana_zones())}


def _parse_docs_path(value: str) -> str:
    parts = value.split("/")
    if not _DOCS_PATH.fullmatch(value) or any(part in (".", "..") for part in parts):
        raise ValueError(f"'{value}' is not a path inside the docs folder; write it like images/logo.png")
    # MkDocs leaves these out of the site (its default exclude_docs: `.*` and `/templates/`), so
    # the check passed and the strict build too, and every page showed a broken logo.
    if any(part.startswith(".") for part in parts):
        raise ValueError(
            f"'{value}' names a hidden file or folder (starting with a dot), which the build leaves "
            "out of the site; rename it without the dot, e.g. images/logo.png"
        )
    if parts[0] == "templates" and len(parts) > 1:
        raise ValueError(
            f"'{value}' is in the docs folder's templates/ folder, which the build leaves out of "
            "the site; move the image to another folder, e.g. images/logo.png"
        )
    return value


def empty_when_null(value: Any) -> Any:
    # An optional list left empty (`events:` and nothing under it) means none, like any
    # optional field left empty.
    return () if value is None else value


YamlBool = Annotated[bool, BeforeValidator(_parse_bool)]
YamlDate = Annotated[dt.date, BeforeValidator(_parse_date), WithJsonSchema(field_patterns.DATE)]
# Every text field is one of these two, so no field escapes the length and character limits.
# Field() comes first so its limits are checked by pydantic-core: after a validator they run as
# Python functions, two calls per text value (a 10,000-partner file has 300,000). A list or a
# mapping where text belongs fails pydantic's own string check ("expected text, got a list").
# Their patterns tell editors (through the JSON Schema) what _one_line_text and
# _no_control_characters check (field_patterns.py).
# A value of spaces and characters that print as nothing alone is blank.
_BLANK = re.compile(f"[\\s{field_patterns.INVISIBLE}]+")
Text = Annotated[
    str,
    Field(min_length=1, max_length=NAME_MAX, json_schema_extra=field_patterns.ONE_LINE),
    AfterValidator(_one_line_text),
]
LongText = Annotated[
    str,
    Field(min_length=1, max_length=NOTE_MAX, json_schema_extra=field_patterns.NOT_BLANK),
    AfterValidator(_no_control_characters),
]
Email = Annotated[
    str, Field(max_length=254, json_schema_extra=field_patterns.EMAIL), AfterValidator(_parse_email)
]
# Not JSON Schema's `format: time`: that is RFC 3339's 18:00:00Z, and the YAML language server
# underlines every "18:00" written as the contract asks.
Clock = Annotated[
    dt.time,
    BeforeValidator(_parse_clock),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN, **field_patterns.CLOCK_WORDS}),
]
# The schema lists the codes, so an editor completes them and underlines XYZ as check does.
Currency = Annotated[
    str, Field(json_schema_extra={"enum": list(currency_codes())}), AfterValidator(_parse_currency)
]
# The schema lists the zone names too: an editor completes them and underlines `utc`.
TimeZone = Annotated[
    str,
    Field(max_length=64, json_schema_extra={"enum": sorted(_iana_zones())}),
    AfterValidator(_parse_timezone),
]
DocsPath = Annotated[
    str,
    Field(max_length=NAME_MAX, json_schema_extra=field_patterns.DOCS_PATH),
    AfterValidator(_parse_docs_path),
]
Id = Annotated[str, Field(pattern=ID_PATTERN, json_schema_extra=field_patterns.ID_WORDS)]
# A trillion in any currency is no referral's deal; far larger values (1e300) also break the
# decimal formatting of the insights page's sums, so `check` refuses what could not build.
MONEY_MAX = 10**12
Money = Annotated[float, Field(ge=0, le=MONEY_MAX), BeforeValidator(_parse_number)]
Epoch = Annotated[int, Field(ge=0, le=10**INTEGER_DIGITS - 1), BeforeValidator(_parse_integer)]
DueDays = Annotated[
    int, BeforeValidator(_parse_integer), Field(ge=1, le=3650)
]  # once per file; this order keeps the schema


@functools.cache
def is_id_field(model: type[BaseModel], name: str) -> bool:
    """Whether a model's field holds ids, one or none (its fields are fixed: asked once per field)."""
    field = model.model_fields[name]
    if any(getattr(rule, "pattern", None) == ID_PATTERN for rule in field.metadata):
        return True
    return field.annotation in (Id, Id | None)
