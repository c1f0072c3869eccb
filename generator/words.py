"""A partner's referrals in sentences, for their page and their monthly message: how each
introduction came about, the thanks, what their branch grew into, where things stand."""

from __future__ import annotations

import datetime as dt

from .dates_in_words import long_date
from .names_in_words import capitalized, join_names
from .numbers_in_words import count_words, number_word
from .referral_labels import METHOD_PHRASES, STAGE_EVENTS


def introduction_line(introduced: dt.date, method: str | None, asked: bool | None) -> str:
    """``Introduced on 3 February 2026 over lunch, the three of us together, at our request.``"""
    return f"Introduced on {long_date(introduced)}{introduction_manner(method, asked)}"


def introduction_manner(method: str | None, asked: bool | None) -> str:
    """What follows the date in ``introduction_line``: `` over lunch, …, at our request.``

    Apart so a page can print the date as one unbreakable piece before it.
    """
    parts = []
    if method in METHOD_PHRASES:
        parts.append(f" {METHOD_PHRASES[method]}")
    if asked is not None:
        parts.append(", at our request" if asked else ", without our asking")
    return "".join(parts) + "."


def thanks_for_introductions(count: int, name: str | None = None, *, this_month: bool = False) -> str:
    """The thank-you that opens a page or message: never "the 1 introduction"."""
    sent = "you sent us this month" if this_month else "you have sent us"
    thanks = f"Thank you, {name}," if name else "Thank you"
    if count == 1:
        return f"{thanks} for the introduction {sent}."
    return f"{thanks} for the {count_words(count, 'introduction')} {sent}."


def still_in_progress(count: int, *, others_mentioned: bool) -> str:
    """Open introductions with no news this month, told relative to what was already said."""
    if others_mentioned:
        subject = count_words(count, "other introduction") + " of yours"
    else:
        subject = "your introduction" if count == 1 else f"your {count_words(count, 'introduction')}"
    verb = "is" if count == 1 else "are"
    return f"{capitalized(subject)} {verb} still in progress. Your page has every detail."


def grew_from_you(own_wins: int, wins_below: int, introductions: int) -> str | None:
    """The whole harvest of a partner's branch, own clients included; None when it adds nothing.

    With no clients of their own and one partner brought in, the total is the line just above
    it; with no clients below, the partner's own are already in the summary cards.
    """
    total = own_wins + wins_below
    if not wins_below or (not own_wins and introductions == 1):
        return None
    thanks = "Thank you for starting it."
    if not own_wins:
        return f"Everything that grew from you: {count_words(total, 'new client')}. {thanks}"
    own = "introduction" if own_wins == 1 else "introductions"  # one client, one introduction
    partners = "the partner" if introductions == 1 else "the partners"
    return (
        f"Everything that grew from you: {count_words(total, 'new client')}, "
        f"{number_word(own_wins)} from your own {own} and {number_word(wins_below)} "
        f"through {partners} you brought in. {thanks}"
    )


def brought_in_line(direct: int, in_all: int) -> str:
    said = f"You brought {count_words(direct, 'partner')} into our circle"
    if in_all <= direct:
        return said + "."
    return f"{said}, and {count_words(in_all, 'partner')} have joined through your branch in all."


def introduction_led_to(name: str, wins: int, partners: int, sent: int = 0) -> str:
    """What one partner brought in by this partner has led to, without "led to 0 new clients";
    ``sent`` counts their own introductions, so one who sent some is not said to have sent none."""
    results = []
    if wins:
        results.append(count_words(wins, "new client"))
    if partners:
        results.append(count_words(partners, "more partner"))
    if not results and sent:
        return f"{capitalized(name)} joined through you and has sent us {count_words(sent, 'introduction')} so far."
    if not results:
        return f"{capitalized(name)} joined through you; their first introductions are still to come."
    return f"Your introduction of {name} led to {join_names(results)}."


def step_line(day: dt.date, stage: str, note: str | None) -> str:
    """One dated step of a referral's history in a message."""
    text = f"{long_date(day)}: {STAGE_EVENTS[stage]}."
    return f"{text} {note}" if note else text


def partners_who_sent(count: int, introductions: int = 1) -> str:
    """The month's givers in a message, thanked as one or as many; ``introductions``, all they
    sent ("One partner sent us an introduction" told of one who sent a thousand)."""
    if count == 1:
        sent = "an introduction" if introductions <= 1 else count_words(introductions, "introduction")
        return f"One partner sent us {sent} this month. Thank you!"
    return f"{capitalized(count_words(count, 'partner'))} sent us introductions this month. Thank you all."


def no_news_on(count: int, month: str, month_over: bool = True, sent: int | None = None) -> str:
    """A message's opening when none of the partner's introductions moved during the month, in
    one paragraph: which of them wait for news, and how long; a message dated before its month
    ends says "so far" (news may still come). ``sent`` counts all their introductions: "No news
    on your introduction" to a partner of four, three of them closed, told them of one, and
    "Your introduction is still in progress" below it said it again."""
    when = f"in {month}" if month_over else f"so far in {month}"
    if sent is not None and sent > count:
        which = f"{capitalized(number_word(count))} of your {number_word(sent)} introductions"
    else:
        which = "Your introduction" if count == 1 else f"Your {count_words(count, 'introduction')}"
    verb = "is" if count == 1 else "are"
    return (
        f"{which} {verb} still in progress, with no news {when}. Your page has every detail. "
        "Thank you for being one of our referral partners."
    )


def where_they_stood(count: int, month: str, month_over: bool = True, sent: int | None = None) -> str:
    """The opening of a partner's monthly message, in the singular when there is one; a message
    dated before its month ends tells how things stand so far. With ``sent``, all their
    introductions, more than the ``count`` with news: "one of your three introductions" ("the
    introduction you gave us" told a partner of three that they had given one)."""
    if sent is not None and sent > count:
        which = f"{number_word(count)} of your {number_word(sent)} introductions"
    else:
        which = "the introduction you gave us" if count == 1 else "the introductions you gave us"
    stand = "stands" if count == 1 else "stand"
    when = f"stood at the end of {month}" if month_over else f"{stand} so far in {month}"
    return f"Here is where {which} {when}."
