"""Numbers, dates and lists in plain words, the way a newsletter talks."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote

from babel.numbers import format_currency

# English whatever the machine's locale (calendar.month_name follows LC_TIME, and asks
# strftime on every lookup): the same data gives the same pages everywhere.
MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """``2026-02-03`` → ``3 February 2026``."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def whole_months(day: dt.date, today: dt.date) -> int:
    """Calendar months from ``day`` to ``today``, as a reader counts them: 23 May to 20 November
    is five (days // 30 said six from 181 days on, a year from 360)."""
    return (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)


def time_ago(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    months = whole_months(day, today)
    if months < 2:
        return f"{days // 7} weeks ago"
    if months < 24:
        return f"{months} months ago"
    return f"{months // 12} years ago"


def plural(count: int, singular: str, many: str | None = None) -> str:
    word = singular if count == 1 else (many or f"{singular}s")
    return f"{count} {word}"


def isolated(text: str) -> str:
    """``text`` set apart from the sentence around it, as HTML's ``<bdi>`` does, when it holds
    right-to-left letters: in "thanks to שרה לוי, عمر الفاروق and …" the comma between two
    right-to-left names joined them into one run, drawn in the opposite order (so were an event's
    title and place). Unicode's first-strong isolate and its pop say it in plain text too (the
    mail's text part); left-to-right text is returned as it is."""
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"\u2068{text}\u2069"
    return text


def join_names(names: Sequence[str]) -> str:
    """``[a, b, c]`` → ``a, b and c``, each name :func:`isolated`."""
    names = [isolated(name) for name in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def initials_avatar(name: str) -> str:
    """A small SVG with the owner's initials as a data URI: no request leaves the site."""
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="32" fill="#3f51b5"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" '
        f'text-anchor="middle">{html.escape(initials)}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


# --- referrals in words ---------------------------------------------------------------------

# A stage as a short status label: admonition titles, progress bars, history tables.
STAGE_LABELS = {
    "introduced": "Introduced",
    "contacted": "In touch",
    "met": "Met",
    "proposal": "Proposal made",
    "won": "New client",
    "lost": "File closed",
}

# How an introduction was made, as a table or chart label.
METHOD_LABELS = {
    "name": "Name passed on",
    "letter": "Letter of introduction",
    "call": "Introductory phone call",
    "lunch": "Lunch for the three of us",
}

# The insights page's rows for asking (insights.by_asking's labels), written like the methods.
NOT_RECORDED = "not recorded"  # an insights row of referrals whose method or asking is not given
ASKING_LABELS = {"asked": "Asked for", "earned": "Earned", NOT_RECORDED: "Not recorded"}

# The same, as it continues "Introduced on 3 February 2026 …".
_METHOD_PHRASES = {
    "name": "when you passed on their name",
    "letter": "with your letter of introduction",
    "call": "with an introductory phone call",
    "lunch": "over lunch, the three of us together",
}

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

# Titles and honorifics: "Dear Dr.," would be worse than the full name.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", "the"})


def number_word(count: int) -> str:
    """Small counts spelled out in running text, larger ones in digits."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def count_words(count: int, singular: str, many: str | None = None) -> str:
    """Counts in running text: ``one introduction``, ``two partners``, ``12 clients``."""
    return f"{number_word(count)} {singular if count == 1 else (many or singular + 's')}"


def card_count(count: int, singular: str) -> str:
    """A figure on a summary card: digits read at a glance, but "No referrals" beats "0 referrals"."""
    return plural(count, singular) if count else f"No {singular}s"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def introduction_line(introduced: dt.date, method: str | None, asked: bool | None) -> str:
    """``Introduced on 3 February 2026 over lunch, the three of us together, at our request.``"""
    return f"Introduced on {long_date(introduced)}{introduction_manner(method, asked)}"


def introduction_manner(method: str | None, asked: bool | None) -> str:
    """What follows the date in ``introduction_line``: `` over lunch, …, at our request.``

    Apart so a page can print the date as one unbreakable piece before it.
    """
    parts = []
    if method in _METHOD_PHRASES:
        parts.append(f" {_METHOD_PHRASES[method]}")
    if asked is not None:
        parts.append(", at our request" if asked else ", without our asking")
    return "".join(parts) + "."


def greeting_name(name: str, greeting: str | None = None) -> str:
    """What to call a partner: their ``greeting``, else a plain first name, else the full name.

    The contract's default is the first word of the name; it is used only when it looks like a
    given name, so "Dr. Jo Park", "O'Brien Partners" or "anne ortiz" stay whole rather than
    becoming "Dear Dr.,".
    """
    if greeting and greeting.strip():
        return " ".join(greeting.split())
    words = name.split()
    first = words[0] if words else ""
    plain = first.replace("-", "")  # "Jean-Luc" is a first name; "O'Brien" or "J." are not
    looks_given = len(words) >= 2 and plain.isalpha() and first.lower() not in _TITLES
    return first if looks_given and first[:1].isupper() else " ".join(words)


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


def month_summary(referrals: int, wins: int, updates: int = 1, given: int = 0, held: str = "") -> str:
    """One line per newsletter in a list: only the numbers that happened; ``held``, the titles
    of a month's events, when they are its only news."""
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
    return capitalized(count_words(given, "referral")) + (
        " sent to a partner" if given == 1 else " sent to partners"
    )


def giving_back(month: str, given: int, *, so_far: bool = False) -> str:
    """A month whose only news is the business we sent to partners (``so_far``: still under way)."""
    whom = "a partner's business" if given == 1 else "our partners' businesses"
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


def _events_listed(events: Sequence[tuple[str, str]]) -> str:
    return join_names([f"{isolated(title)} ({when})" for title, when in events])


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


# A `won` update right after a `won`: the client bought again, once a client (views.with_news).
REPEAT_WIN = "won-again"

# A `contacted` right after a `lost`: a closed file taken up again (views.with_news); "We got in
# touch" under "We closed the file" read as if the file had never been closed.
BACK_IN_TOUCH = "back-in-touch"

# A `lost` right after a `won`: the client did not stay (a sale undone, a contract ended). "We
# closed the file" under "Became a client", and "This one did not go ahead", denied the win the
# partner had been told of; it is no win now (views.won_on), said without blame.
CLIENT_NO_MORE = "client-no-more"

# What happened on a date, for histories: "9 November 2026: We got in touch."
STAGE_EVENTS = {
    "introduced": "You introduced us",
    "contacted": "We got in touch",
    "met": "We met",
    "proposal": "We made a proposal",
    "won": "Became a client",
    REPEAT_WIN: "Bought from us again",
    BACK_IN_TOUCH: "We got back in touch",
    "lost": "We closed the file",
    CLIENT_NO_MORE: "No longer a client",
}

# Where a referral stands, as the headline of a message's item: the thanks is said here, once.
STAGE_HEADLINES = {
    **STAGE_LABELS,
    "won": "A new client, thanks to you!",
    REPEAT_WIN: "A returning client",
    BACK_IN_TOUCH: STAGE_LABELS["contacted"],
    CLIENT_NO_MORE: STAGE_LABELS["lost"],
}

# How a partner who did not consent to be named is shown on its own (a tree box, a list).
ANONYMOUS_PARTNER = "A partner"


def in_sentence(name: str, instead: str) -> str:
    """A partner's shown name inside a sentence: "by another partner", never "by A partner"."""
    return instead if name == ANONYMOUS_PARTNER else name


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
        return giving_back(month, given, so_far=so_far)
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


def step_line(day: dt.date, stage: str, note: str | None) -> str:
    """One dated step of a referral's history in a message."""
    text = f"{long_date(day)}: {STAGE_EVENTS[stage]}."
    return f"{text} {note}" if note else text


# What a screen reader says after each step of a referral's progress line, for the symbol the
# eye reads before it (render._progress_bar): "Introduced (done)", "Met (now)".
STEP_STATES = {"✓": "done", "●": "now", "○": "to come"}

# Fixed phrases the generator prints from code rather than from templates: the leak guard
# treats them as public words (a prospect called "We met" is not a leak of that prospect).
FIXED_PHRASES = (
    *STEP_STATES.values(),
    *STAGE_LABELS.values(),
    *METHOD_LABELS.values(),
    *_METHOD_PHRASES.values(),
    *STAGE_EVENTS.values(),
    *STAGE_HEADLINES.values(),
)


# Below this many referrals a rate is a hint, not a pattern: the page says so beside it.
FEW_REFERRALS = 10


def percent(part: int, whole: int) -> str:
    """``13%`` for 1 of 8: halves round up, as an owner works it out by hand (Python's own
    rounding, half to even, gave 12% for 1 of 8 and 38% for 3 of 8). 0% when there is no whole."""
    share = (200 * part + whole) // (2 * whole) if whole else 0  # round(100 * part / whole), halves up
    return f"{share}%"


def rate_with_count(won: int, referrals: int) -> str:
    """``50% (4 of 8)``: a rate never stands without the count it rests on."""
    return f"{percent(won, referrals)} ({won} of {referrals})"


def money_in(value: float, currency: str = "USD") -> str:
    """An amount in the newsletter's currency, in English conventions: ``$18,000``, ``€1,234.50``."""
    whole = float(value).is_integer()
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    text = format_currency(value, currency, format=pattern, locale="en_US", currency_digits=False)
    # A currency shown by its letters needs a space before the figure, as CLDR's currency spacing
    # gives it: "CHF 7,000", not "CHF7,000" ("CA$7,000" and "€7,000" stay as they are).
    return re.sub(r"^(\D*[A-Za-z])(?=\d)", "\\1\u00a0", text)


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


def event_when(day: dt.date, start: dt.time | None = None, end: dt.time | None = None) -> str:
    """``10 December 2026``, ``10 December 2026, 18:00`` or ``10 December 2026, 18:00 to 21:30``."""
    hours = event_hours(start, end)
    return long_date(day) if hours is None else f"{long_date(day)}, {hours}"


def event_hours(start: dt.time | None, end: dt.time | None = None) -> str | None:
    """``18:00`` or ``18:00 to 21:30``: the part of ``event_when`` after the date, if any."""
    if start is None:
        return None
    return f"{start:%H:%M}" if end is None else f"{start:%H:%M} to {end:%H:%M}"


def partners_who_sent(count: int) -> str:
    """The month's givers in a message, thanked as one or as many."""
    if count == 1:
        return "One partner sent us an introduction this month. Thank you!"
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
