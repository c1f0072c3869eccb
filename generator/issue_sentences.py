"""The sentences of a newsletter issue, its listing line and its feed summary: the month's
opening, its thanks and its figures, built from what actually happened."""

from __future__ import annotations

from collections.abc import Sequence

from .names_in_words import capitalized, isolated, join_names
from .numbers_in_words import count_words, number_word


def month_summary(
    referrals: int, wins: int, updates: int = 1, given: int = 0, held: str = "", given_to: int | None = None
) -> str:
    """One line per newsletter in a list: only the numbers that happened; ``held``, the titles
    of a month's events, when they are its only news; ``given_to``, how many partners the
    ``given`` referrals went to (by default, one each)."""
    if held and not (referrals or updates or given):
        return f"Partner get-together: {held}"
    parts = []
    if referrals:
        parts.append(count_words(referrals, "new introduction"))
    if wins:
        parts.append(count_words(wins, "new client"))
    if parts:
        return capitalized(join_names(parts))
    if updates or not given:
        return "Progress on earlier introductions"
    # "Two referrals sent to partners" said two partners got business when one got both.
    one_partner = (given if given_to is None else given_to) == 1
    return capitalized(count_words(given, "referral")) + (
        " sent to a partner" if one_partner else " sent to partners"
    )


def giving_back(month: str, given: int, *, so_far: bool = False, given_to: int | None = None) -> str:
    """A month whose only news is the business we sent to partners (``so_far``: still under way;
    ``given_to``: how many partners it went to, by default one each)."""
    one_partner = (given if given_to is None else given_to) == 1
    whom = "a partner's business" if one_partner else "our partners' businesses"
    when, sent = (f"So far in {month},", "we have sent") if so_far else (f"In {month}", "we sent")
    return (
        f"{when} {sent} {count_words(given, 'referral')} to {whom}: giving back to those who send us theirs."
    )


def gathering(month: str, held: Sequence[tuple[str, str]], coming: Sequence[tuple[str, str]]) -> str:
    """A month whose only news is its events (title, when): a record of those already held,
    and an invitation to those still to come (a month may have both: the breakfast last week
    is thanked for, not invited to)."""
    said: list[str] = []
    if held:
        said.append(f"In {month} we got together with our partners: {_events_listed(held)}.")
        said.append("Thank you to everyone who came.")
    if coming:
        # The month was just named in the sentence before; naming it again read like a form.
        invitation = "Still to come this month" if held else f"An invitation for {month}"
        said.append(f"{invitation}: {_events_listed(coming)}. We would love to see you there.")
    return " ".join(said)


def held_together(held: Sequence[tuple[str, str]]) -> str:
    """The events (title, when) held in a month with other news, told after that news: the
    issue opened with the month, and the mail's heading names it, so neither names it again
    ("In September 2026 we got together", in the September issue, read like a form)."""
    times = {1: "", 2: " twice"}.get(len(held), f" {number_word(len(held))} times")
    return (
        f"We got together with our partners{times}: {_events_listed(held)}. Thank you to everyone who came."
    )


def _events_listed(events: Sequence[tuple[str, str]]) -> str:
    return join_names([f"{isolated(title)} ({when})" for title, when in events])


def issue_opening(
    month: str,
    referrals: int,
    wins: int,
    updates: int = 1,
    given: int = 0,
    moved: int | None = None,
    gathering: str | None = None,
    *,
    so_far: bool = False,
    given_to: int | None = None,
) -> str:
    """The first line of a newsletter issue, built from what actually happened that month;
    ``moved`` counts the meetings and proposals (unknown: taken as some); ``gathering`` is the
    line of a month whose only news is its events; ``so_far``: the month is still under way, so
    the issue tells what has happened so far, as that month's mail does."""
    if gathering:
        return gathering
    when = f"So far in {month}," if so_far else f"In {month}"
    news = _month_news(referrals, wins, so_far)
    if news:
        return f"{when} {news}. Thank you!"
    if given and not updates:
        return giving_back(month, given, so_far=so_far, given_to=given_to)
    if moved == 0 and updates:  # only first contacts and closed files: nothing moved forward
        return f"{when} we {'have followed' if so_far else 'followed'} up on the introductions you gave us."
    moved_forward = f"have moved forward so far in {month}" if so_far else f"moved forward in {month}"
    return f"Here is how the introductions you gave us {moved_forward}."


def _month_news(referrals: int, wins: int, so_far: bool) -> str:
    """The month's introductions and wins as the opening tells them, in the present perfect
    while the month is under way ("our partners have introduced one new person to us")."""
    parts = []
    if referrals:
        people = count_words(referrals, "new person", "new people")
        parts.append(f"our partners {'have introduced' if so_far else 'introduced'} {people} to us")
    if wins:
        became = ("has become" if wins == 1 else "have become") if so_far else "became"
        parts.append(
            f"{count_words(wins, 'introduction')} {became} {'a new client' if wins == 1 else 'new clients'}"
        )
    return ", and ".join(parts)


def month_in_numbers(
    month: str, referrals: int, meetings: int, proposals: int, wins: int, *, so_far: bool = False
) -> str:
    """A newsletter issue's figures as one sentence, for feed readers that show only a summary.
    ``so_far`` for a month under way: its figures are not the month's, and a reader keeps the
    summary it first fetched (the issue itself says "so far" too)."""
    figures = join_names(
        [
            count_words(referrals, "new introduction"),
            count_words(meetings, "meeting"),
            count_words(proposals, "proposal"),
            count_words(wins, "new client"),
        ]
    )
    return f"{month}{' so far,' if so_far else ''} in numbers: {figures}."


def _behind_the_scenes(unnamed: int, *, comma: bool = False) -> str:
    """ ", and to one more partner who prefers to stay behind the scenes" after named partners."""
    if not unnamed:
        return ""
    prefer = "prefers" if unnamed == 1 else "prefer"
    return f", and to {count_words(unnamed, 'more partner')} who {prefer} to stay behind the scenes{',' if comma else ''}"


def win_thanks(named: Sequence[str], unnamed: int, wins: int) -> str:
    """The issue's first thanks: the partners whose own introduction became a client this month,
    named only with their consent ("the partner" without it)."""
    won = f"{'introduction' if wins == 1 else 'introductions'} became {'a new client' if wins == 1 else 'new clients'}"
    if named:
        return (
            f"A warm thank-you to {join_names(named)}{_behind_the_scenes(unnamed)}, whose {won} this month."
        )
    if unnamed:
        who = "the partner" if unnamed == 1 else f"the {count_words(unnamed, 'partner')}"
        return f"A warm thank-you to {who} whose {won} this month."
    return ""


def thank_you_line(
    named: Sequence[str], unnamed: int, introductions: int, *, after_wins: bool = False, others: bool = False
) -> str:
    """The issue's thanks for the month's introductions, naming only partners who agreed to be
    named; ``after_wins``: right after :func:`win_thanks`, which it does not echo word for word;
    ``others``: someone here was just thanked for a win, so these are their other introductions."""
    what = "introduction" if introductions == 1 else "introductions"
    what = f"other {what}" if others else what
    thanks = "Thank you as well to" if after_wins else "A warm thank-you to"
    if named:
        return f"{thanks} {join_names(named)}{_behind_the_scenes(unnamed, comma=True)} for the {what} this month."
    if unnamed:
        who = "the partner who" if unnamed == 1 else f"the {count_words(unnamed, 'partner')} who"
        sent = "an introduction" if introductions == 1 else "introductions"
        sent = ("another introduction" if introductions == 1 else "other introductions") if others else sent
        return f"{thanks} {who} sent us {sent} this month."
    return ""
