"""The partners.yaml data contract (version 1) as validated, immutable models.

The loader hands every scalar over as the text the editor wrote, so the field types below
decide what a value means: dates must be ISO dates, booleans ``true``/``false``, numbers
plain numbers. A name such as ``no`` or ``0755`` simply stays text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

STAGES: tuple[str, ...] = ("contacted", "met", "proposal", "won", "lost")
TERMINAL_STAGES = frozenset({"won", "lost"})
METHODS: tuple[str, ...] = ("name", "letter", "call", "lunch")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(f"'{value}' is not true or false")
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a real calendar date") from None
    return value


def _parse_number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"'{value}' is not a finite number")
        return int(number) if number.is_integer() else number
    return value


def _parse_integer(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(f"'{value}' is not a whole number")
        return int(value)
    return value


def _reject_non_text(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        kind = "a list" if isinstance(value, list) else "a mapping"
        raise ValueError(f"expected text, got {kind}")
    return value


YamlBool = Annotated[bool, BeforeValidator(_parse_bool)]
YamlDate = Annotated[dt.date, BeforeValidator(_parse_date)]
Text = Annotated[str, BeforeValidator(_reject_non_text), Field(min_length=1)]
Id = Annotated[str, BeforeValidator(_reject_non_text), Field(pattern=ID_PATTERN)]
Money = Annotated[float, BeforeValidator(_parse_number), Field(ge=0)]
Epoch = Annotated[int, BeforeValidator(_parse_integer), Field(ge=0)]
DueDays = Annotated[int, BeforeValidator(_parse_integer), Field(ge=1, le=3650)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Newsletter(_Model):
    """Who runs the referral program and what the newsletter is called."""

    title: Text = Field(description="Title of the newsletter and the site.")
    owner: Text = Field(description="The person whose referral program this is.")
    business: Text | None = Field(None, description="The owner's business, shown publicly.")
    intro: Text | None = Field(None, description="A short welcome shown on the home page (plain text).")
    due_after_days: DueDays = Field(
        30,
        description="An open referral with no update for more than this many days "
        "is listed as due an update.",
    )


class Partner(_Model):
    """A referral source: someone who sends the owner business."""

    id: Id = Field(description="Unique id: lower-case letters, digits and '-'.")
    name: Text = Field(description="Full name; public only with `public: true`.")
    company: Text | None = Field(None, description="The partner's company.")
    profession: Text | None = Field(None, description="What the partner does.")
    email: Text | None = Field(None, description="Contact address; never published.")
    since: YamlDate | None = Field(None, description="Date the partnership began.")
    referred_by: Id | None = Field(
        None, description="Id of the partner who introduced this one (the referral tree)."
    )
    public: YamlBool = Field(False, description="Consent to be named on public pages (default false).")
    spotlight: Text | None = Field(
        None, description="A line about the partner's own business; public only with consent."
    )
    epoch: Epoch = Field(0, description="Raise by one to give this partner's private page a new address.")
    mail: YamlBool = Field(
        True,
        description="Send this partner the newsletter by email when they have an email "
        "(default true); false opts them out.",
    )


class Update(_Model):
    """One step of progress on a referral."""

    date: YamlDate = Field(description="When it happened (YYYY-MM-DD).")
    stage: Literal["contacted", "met", "proposal", "won", "lost"] = Field(
        description="contacted | met | proposal | won (sale closed) | lost (file closed)."
    )
    note: Text | None = Field(None, description="Shown to the referring partner on their private page only.")
    internal: Text | None = Field(None, description="For the owner only; never published.")


class Referral(_Model):
    """A person a partner introduced to the owner, and how it is going."""

    id: Text = Field(description="Unique referral id, e.g. r-2026-001.")
    partner: Id = Field(description="Id of the partner who gave the referral.")
    prospect: Text = Field(description="The person referred; confidential (the partner's own page only).")
    introduced: YamlDate = Field(description="Date of the introduction (YYYY-MM-DD).")
    method: Literal["name", "letter", "call", "lunch"] | None = Field(
        None,
        description="How it came about: name (a bare name), letter (of introduction), "
        "call (introductory phone call), lunch (a meeting of the three).",
    )
    asked: YamlBool | None = Field(
        None, description="true if the owner asked for it; false if it was earned."
    )
    public: YamlBool = Field(False, description="The prospect consents to be named publicly (default false).")
    value: Money | None = Field(None, description="Deal value.")
    updates: tuple[Update, ...] = Field((), description="Progress, in date order.")


class Given(_Model):
    """Business the owner referred to a partner: giving back."""

    partner: Id = Field(description="Id of the partner who received the business.")
    date: YamlDate = Field(description="When (YYYY-MM-DD).")
    to: Text = Field(description="Who was referred; confidential like a prospect.")
    note: Text | None = Field(None, description="What it was about; partner's page only.")


class Event(_Model):
    """A social event for referral sources and prospects."""

    date: YamlDate = Field(description="Day of the event (YYYY-MM-DD).")
    title: Text = Field(description="What it is.")
    where: Text | None = Field(None, description="Where it takes place.")


class PartnersFile(_Model):
    """partners.yaml, version 1."""

    newsletter: Newsletter = Field(description="The program and its newsletter.")
    partners: tuple[Partner, ...] = Field(description="Referral sources.")
    referrals: tuple[Referral, ...] = Field((), description="Referrals partners gave.")
    given: tuple[Given, ...] = Field((), description="Business the owner referred to partners.")
    events: tuple[Event, ...] = Field((), description="Social events.")
