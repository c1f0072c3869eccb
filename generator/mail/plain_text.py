"""Wrapping the plain-text part of a message: lines a reader's client shows as written, with a
date's day and month (and a time's figures and am/pm) kept on one line, as a no-break space keeps
them in print."""

from __future__ import annotations

import re
import textwrap

from ..dates_in_words import MONTH_NAMES

_MONTH = "|".join(
    [*MONTH_NAMES[1:], "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec"]
)
# "19 September", "September 19" (not "September 2026": the year may go to the next line, as in
# print), "7 pm", "7:30 p.m.": the space between the two is the one kept.
_TOGETHER = re.compile(
    rf"\b\d{{1,2}}(?= (?:{_MONTH})\b\.?)"
    rf"|\b(?:{_MONTH})\.?(?= \d{{1,2}}(?:st|nd|rd|th)?\b(?![:.]\d))"
    r"|\b\d{1,2}(?:[:.]\d{2})?(?= (?:am|pm|a\.m\.|p\.m\.)(?!\w))",
    re.IGNORECASE,
)
# Joins the pair while the text is wrapped, a space again after. Never in the text itself:
# validation refuses control characters in every field; textwrap splits only at ASCII spaces.
_GLUE = "\x00"


def wrapped(
    text: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str = "\n",
    break_on_hyphens: bool = True,
) -> str:
    """Jinja's ``wordwrap`` (same arguments: each line of ``text`` wrapped on its own, lines
    joined by ``wrapstring``), with those pairs never split."""
    glued = _TOGETHER.sub(lambda match: match.group() + _GLUE, text).replace(_GLUE + " ", _GLUE)
    wrapper = textwrap.TextWrapper(
        width=width,
        expand_tabs=False,
        replace_whitespace=False,
        break_long_words=break_long_words,
        break_on_hyphens=break_on_hyphens,
    )
    lines = [wrapstring.join(wrapper.wrap(line)) for line in glued.splitlines()]
    return wrapstring.join(lines).replace(_GLUE, " ")
