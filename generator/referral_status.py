"""A referral as its partner's page shows it: where it stands, its status box with the progress
line, and how it came about. The boxes and phrases depend on a few values each (a few dozen kinds
for 50,000 referrals), so each kind is rendered once per render and reused."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

from markupsafe import Markup, escape

from . import referral_labels, words
from .html_page import PRINTED_NEWS, html_environment
from .models import Referral
from .names_in_words import name_order
from .views import PROGRESS_STEPS, STAGE_WORDS, last_activity, stage_of, step_of, with_news


class ReferralView(NamedTuple):
    """One referral as its partner's page shows it.

    An object, not a dict: Jinja reads ``item.stage`` with ``getattr`` first, and a dict made it
    raise and catch an AttributeError each time (380,000 times at 10,000 partners). A named
    tuple, not a frozen dataclass: built in a third of the time (50,000 at 10,000 partners).
    """

    referral: Referral
    stage: str
    status: Markup  # the status box: admonition, progress bar
    last: dt.date
    introduction: Markup  # how it was introduced, in words: " over lunch, at our request." (after its date)
    noted: bool  # any update has a note for the partner: else the history has no Note column
    former_client: bool  # won, then lost: a client for a while, not a file closed without a sale
    # Each update's row: its date, what it told in words as printed (views.with_news), its note or "".
    history: list[tuple[dt.date, Markup, str]]


_news_dates = operator.attrgetter("last", "referral.introduced")
_stage = operator.attrgetter("stage")
_note = operator.attrgetter("note")


def latest_news_first(views: list[ReferralView]) -> list[ReferralView]:
    """A partner page's order: the latest news first, then the latest introduced; referrals alike
    in both by the prospect's name as the partner counts ("Prospect 2" before "Prospect 10", where
    the ids' text order had put them), then by id."""
    ordered = sorted(views, key=_news_dates, reverse=True)
    if len(set(map(_news_dates, ordered))) == len(ordered):
        return ordered  # no two alike in both dates (most pages): no names to compare
    # Names are compared only within a run of equal dates: a few referrals, where keying all
    # 50,000 at 10,000 partners would cost a tenth of a second.
    return [view for _, run in groupby(ordered, key=_news_dates) for view in _by_name(list(run))]


def _by_name(alike: list[ReferralView]) -> list[ReferralView]:
    if len(alike) == 1:
        return alike
    return sorted(alike, key=lambda view: (name_order(view.referral.prospect), name_order(view.referral.id)))


@dataclass
class ReferralViews:
    """The referral views of one render, with what they share: a status box depends only on the
    referral's stage and the stages it went through, and how it was introduced (after its date)
    only on (method, asked)."""

    statuses: dict[tuple[str, frozenset[str], bool], Markup] = field(default_factory=dict)
    introductions: dict[tuple[str | None, bool | None], Markup] = field(default_factory=dict)
    # By the stages of a referral's updates, in order: its stage, status box, whether it made a
    # former client, and what each update told. A few hundred sequences for 50,000 referrals at
    # 10,000 partners, so each is worked out once, not once per referral.
    shapes: dict[tuple[str, ...], tuple[str, Markup, bool, tuple[Markup, ...]]] = field(default_factory=dict)

    def of(self, referral: Referral) -> ReferralView:
        updates = referral.updates
        stages = tuple(map(_stage, updates))
        shape = self.shapes.get(stages)
        if shape is None:
            shape = self.shapes[stages] = self._shape(referral)
        stage, status, former, told = shape
        how = (referral.method, referral.asked)
        introduction = self.introductions.get(how)
        if introduction is None:
            # Escaped here, not by the page's finalize, which would strip its leading space.
            introduction = self.introductions[how] = escape(words.introduction_manner(*how))
        noted = any(map(_note, updates))
        history = [(update.date, news, update.note or "") for update, news in zip(updates, told, strict=True)]
        last = last_activity(referral)
        return ReferralView(referral, stage, status, last, introduction, noted, former, history)

    def _shape(self, referral: Referral) -> tuple[str, Markup, bool, tuple[Markup, ...]]:
        """What depends on the stages of the referral's updates alone."""
        stage = stage_of(referral)
        reached = _stages_reached(referral)
        told = tuple(PRINTED_NEWS[news] for _, news in with_news(referral.updates))
        return stage, self.status(stage, reached), _former_client(stage, reached), told

    def status(self, stage: str, reached: frozenset[str], *, thanks: bool = False) -> Markup:
        """A status box, rendered once per kind and reused."""
        key = (stage, reached, thanks)
        status = self.statuses.get(key)
        if status is None:
            status = self.statuses[key] = _status_box(*key)
        return status

    def thank_once_for_the_lost(self, views: list[ReferralView]) -> None:
        """The first closed file without a sale on a page thanks the partner all the same; the
        others only say it did not go ahead (the thanks three times over read like a form letter).
        A former client's box thanks the partner for the sale, so it is passed over."""
        for index, view in enumerate(views):
            if view.stage == "lost" and not view.former_client:
                status = self.status(view.stage, _stages_reached(view.referral), thanks=True)
                views[index] = view._replace(status=status)
                return


def _status_box(stage: str, reached: frozenset[str], thanks: bool) -> Markup:
    template = html_environment().get_template("referral-status.html.j2")
    former = _former_client(stage, reached)
    label = _status_label(stage, former)
    progress = _progress_bar(stage, reached, label)
    # The page template puts the box on a line of its own: the file's last line break is its.
    return Markup(
        template.render(
            stage=stage, label=label, former=former, progress=progress, thanks=thanks
        ).removesuffix("\n")
    )


def _former_client(stage: str, reached: frozenset[str]) -> bool:
    """Won, then lost: the client did not stay. Still no win (views.won_on), but no file closed
    without a sale either, which "File closed" and "No new clients" told a partner who had been
    thanked for the sale."""
    return stage == "lost" and "won" in reached


def _status_label(stage: str, former: bool) -> str:
    """The box's title and the progress line's last step: "No longer a client", as the history's
    last row says, for a former client."""
    return referral_labels.STAGE_EVENTS[referral_labels.CLIENT_NO_MORE] if former else STAGE_WORDS[stage]


def _stages_reached(referral: Referral) -> frozenset[str]:
    return frozenset({"introduced", *(update.stage for update in referral.updates)})


def _progress_bar(stage: str, reached: frozenset[str], status_label: str) -> Markup:
    """Steps done, current and to come, told by symbols and words, not by colour alone.

    A closed referral, won or lost, shows only the steps it really went through: "✓ Met" on
    a referral that never met us would contradict its history (a sale closed straight from the
    introduction showed all three). An open one's earlier steps are implied by where it stands.
    """
    current = step_of(stage)
    parts = []
    for index, step in enumerate(PROGRESS_STEPS):
        label = "Closed" if step == "closed" else STAGE_WORDS[step]
        if index < current:
            if stage not in ("won", "lost") or step in reached:
                parts.append(Markup(f"<span>{_step('✓', label)}</span>"))
        elif index == current:
            shown = status_label if step == "closed" else label
            parts.append(Markup(f"<strong>{_step('●', shown)}</strong>"))
        else:
            parts.append(Markup(f"<span>{_step('○', label)}</span>"))
    # On a phone the line wraps: each step is kept whole (extra.css), and the no-break space
    # keeps each arrow after its step, so no line starts with one.
    return Markup('\u00a0<span aria-hidden="true">→</span> ').join(parts)


def _step(symbol: str, label: str) -> Markup:
    """One step of the progress line. A screen reader read the symbols aloud ("check mark
    Introduced right arrow black circle Met"): it says "Introduced (done)" instead, the symbols
    hidden from it and the state in words hidden from the eye (extra.css)."""
    return Markup(
        f'<span aria-hidden="true">{symbol}</span> {escape(label)}'
        f'<span class="visually-hidden"> ({referral_labels.STEP_STATES[symbol]})</span>'
    )
