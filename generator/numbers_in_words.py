"""Counts, rates and amounts in plain words, the way a newsletter talks: ``two partners``,
``13% (1 of 8)``, ``$18,000``."""

from __future__ import annotations

import re

from babel.numbers import format_currency


def digits(count: float) -> str:
    """A count or a median in figures, thousands set apart as the amounts are ("$18,000"):
    ``1,234 days``, ``10,000 partners``, ``12.5``."""
    return f"{count:,}" if isinstance(count, int) else f"{count:,g}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    word = singular if count == 1 else (many or f"{singular}s")
    return f"{digits(count)} {word}"


def money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_word(count: int) -> str:
    """Small counts spelled out in running text, larger ones in digits."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else digits(count)


def count_words(count: int, singular: str, many: str | None = None) -> str:
    """Counts in running text: ``one introduction``, ``two partners``, ``12 clients``."""
    return f"{number_word(count)} {singular if count == 1 else (many or singular + 's')}"


def card_count(count: int, singular: str) -> str:
    """A figure on a summary card: digits read at a glance, but "No referrals" beats "0 referrals"."""
    return plural(count, singular) if count else f"No {singular}s"


# Below this many referrals a rate is a hint, not a pattern: the page says so beside it.
FEW_REFERRALS = 10


def percent(part: int, whole: int) -> str:
    """``13%`` for 1 of 8: halves round up, as an owner works it out by hand (Python's own
    rounding, half to even, gave 12% for 1 of 8 and 38% for 3 of 8). 0% when there is no whole."""
    share = (200 * part + whole) // (2 * whole) if whole else 0  # round(100 * part / whole), halves up
    return f"{share}%"


def rate_with_count(won: int, referrals: int) -> str:
    """``50% (4 of 8)``: a rate never stands without the count it rests on."""
    return f"{percent(won, referrals)} ({digits(won)} of {digits(referrals)})"


def money_in(value: float, currency: str = "USD") -> str:
    """An amount in the newsletter's currency, in English conventions: ``$18,000``, ``€1,234.50``."""
    whole = float(value).is_integer()
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    text = format_currency(value, currency, format=pattern, locale="en_US", currency_digits=False)
    # A currency shown by its letters needs a space before the figure, as CLDR's currency spacing
    # gives it: "CHF 7,000", not "CHF7,000" ("CA$7,000" and "€7,000" stay as they are).
    return re.sub(r"^(\D*[A-Za-z])(?=\d)", "\\1\u00a0", text)
