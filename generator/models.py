"""The partners.yaml data contract (version 1) as validated, immutable models.

The loader hands every scalar over as the text the editor wrote, so the field types (field_types.py)
decide what a value means: dates must be ISO dates, booleans ``true``/``false``, numbers
plain numbers. A name such as ``no`` or ``0755`` simply stays text.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from .audience import audience
from .field_types import (
    Clock,
    Currency,
    DocsPath,
    DueDays,
    Email,
    Epoch,
    Id,
    LongText,
    Money,
    Text,
    TimeZone,
    YamlBool,
    YamlDate,
    empty_when_null,
)

STAGES: tuple[str, ...] = ("contacted", "met", "proposal", "won", "lost")
TERMINAL_STAGES = frozenset({"won", "lost"})
METHODS: tuple[str, ...] = ("name", "letter", "call", "lunch")


# What a schema cannot say (it knows no today, nor the other records), said to editors in the
# fields' descriptions.
A_PARTNERS_ID = " (`python -m generator check` refuses an id no partner has)."
UP_TO_TODAY = "from 1900-01-01 to today (`python -m generator check` refuses a date after today)."
UP_TO_FIVE_YEARS = (
    "from 1900-01-01 to five years after today (`python -m generator check` refuses a later date)."
)

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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class, its values and its fields set: the tail of a large file comes
        back as models from the process that read it (validate._as_models), and pydantic's
        own state mapping and ``__setstate__`` took 0.15 s to pickle and 0.1 s to unpickle them
        at 10,000 partners, against 0.08 and 0.06 s this way. Records sharing a fields set still
        share it once unpickled (pickle keeps one copy of an object it meets twice)."""
        return (_unpickled, (type(self), self.__dict__, self.__pydantic_fields_set__))


def _unpickled(cls: type[_Model], values: dict[str, Any], fields: set[str]) -> _Model:
    """What pydantic's ``__setstate__`` makes of a record's state (no extra fields are allowed,
    and the models have no private attributes), without the mapping in between."""
    record = object.__new__(cls)
    object.__setattr__(record, "__dict__", values)
    object.__setattr__(record, "__pydantic_fields_set__", fields)
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


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
        description="An image under the docs folder shown as the site's logo, e.g. images/logo.png "
        "(`python -m generator check` also refuses one that is not a file there, or lies in "
        "blog/posts/, whose files the blog moves).",
        json_schema_extra=audience("public"),
    )


class Partner(_Model):
    """A referral source: someone who sends the owner business."""

    id: Id = Field(
        description="Unique id: lower-case letters, digits and '-' (`python -m generator check` "
        "refuses one another partner has).",
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
        None,
        description="Contact address; never published (`python -m generator check` refuses one "
        "another mailed partner has).",
        json_schema_extra=audience("never"),
    )
    since: YamlDate | None = Field(
        None,
        description=f"Date the partnership began (YYYY-MM-DD), {UP_TO_TODAY}",
        json_schema_extra=audience("consent"),
    )
    referred_by: Id | None = Field(
        None,
        description="Id of the partner who introduced this one (the referral tree); "
        "`python -m generator check` refuses an id no partner has, and a cycle.",
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

    date: YamlDate = Field(
        description="When it happened (YYYY-MM-DD), from the introduction to today, oldest first "
        "(`python -m generator check` refuses a date after today).",
        json_schema_extra=audience("public"),
    )
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

    id: Text = Field(
        description="Unique referral id, e.g. r-2026-001 (`python -m generator check` refuses one "
        "another referral has).",
        json_schema_extra=audience("owner"),
    )
    partner: Id = Field(
        description=f"Id of the partner who gave the referral{A_PARTNERS_ID}",
        json_schema_extra=audience("consent"),
    )
    prospect: Text = Field(
        description="The person referred; confidential (the partner's own page only).",
        json_schema_extra=audience("consent"),
    )
    introduced: YamlDate = Field(
        description=f"Date of the introduction (YYYY-MM-DD), {UP_TO_TODAY}",
        json_schema_extra=audience("public"),
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
        BeforeValidator(empty_when_null, json_schema_input_type=tuple[Update, ...] | None),
    ] = Field((), description="Progress, in date order.")


class Given(_Model):
    """Business the owner referred to a partner: giving back."""

    partner: Id = Field(
        description=f"Id of the partner who received the business{A_PARTNERS_ID}",
        json_schema_extra=audience("consent"),
    )
    date: YamlDate = Field(
        description=f"When (YYYY-MM-DD), {UP_TO_TODAY}", json_schema_extra=audience("public")
    )
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

    date: YamlDate = Field(
        description=f"Day of the event (YYYY-MM-DD), {UP_TO_FIVE_YEARS}", json_schema_extra=audience("public")
    )
    title: Text = Field(description="What it is.", json_schema_extra=audience("public"))
    where: Text | None = Field(
        None, description="Where it takes place.", json_schema_extra=audience("public")
    )
    time: Clock | None = Field(
        None,
        description="Start time, HH:MM in the newsletter's time zone; none means all day "
        "(`python -m generator check` also refuses a time the clocks skip that night).",
        json_schema_extra=audience("public"),
    )
    end: Clock | None = Field(
        None,
        description="End time, HH:MM, with a start `time`; earlier than `time` means the next day "
        "(21:00 to 01:00), and the same time is refused by `python -m generator check`.",
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
            raise ValueError(
                f"'{end:%H:%M}' ends an event with no start time: give its time: (when it starts, "
                "as HH:MM) or leave end: out"
            )
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
        BeforeValidator(empty_when_null, json_schema_input_type=tuple[Partner, ...] | None),
    ] = Field((), description="Referral sources.")
    referrals: Annotated[
        tuple[Referral, ...],
        BeforeValidator(empty_when_null, json_schema_input_type=tuple[Referral, ...] | None),
    ] = Field((), description="Referrals partners gave.")
    given: Annotated[
        tuple[Given, ...],
        BeforeValidator(empty_when_null, json_schema_input_type=tuple[Given, ...] | None),
    ] = Field((), description="Business the owner referred to partners.")
    events: Annotated[
        tuple[Event, ...],
        BeforeValidator(empty_when_null, json_schema_input_type=tuple[Event, ...] | None),
    ] = Field((), description="Social events.")
