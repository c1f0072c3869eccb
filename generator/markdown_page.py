"""The Markdown pages' templates (home, tree, posts, follow, the private index, a partner
page's events list): their Jinja environment, and the sentences in words as those pages print
them (HTML pages: html_page)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import jinja2

from . import dates_in_words, issue_sentences, names_in_words, numbers_in_words, words
from .markdown import Markdown, escape_text
from .page_templates import page_environment
from .todo import QUIET_MONTHS


@functools.cache  # templates compile once per process, not once per build
def markdown_environment() -> jinja2.Environment:
    """Templates of Markdown pages (``*.md.j2``): every value printed is literal text unless it
    is Markdown (the finalize escapes it), and the sentences in words take their data escaped."""
    env = page_environment(autoescape=False, finalize=escape_text)
    env.filters.update(
        names=names_in_words.join_names,
        money=numbers_in_words.money,
        capitalize_first=names_in_words.capitalized,
    )
    env.globals.update(
        introduction_line=_prose(words.introduction_line),
        thanks_for_introductions=_prose(words.thanks_for_introductions),
        brought_in_line=_prose(words.brought_in_line),
        introduction_led_to=_prose(words.introduction_led_to),
        grew_from_you=_prose(words.grew_from_you),
        issue_opening=_prose(issue_sentences.issue_opening),
        win_thanks=_prose(issue_sentences.win_thanks),
        thank_you_line=_prose(issue_sentences.thank_you_line),
        month_summary=_prose(issue_sentences.month_summary),
        quiet_months=QUIET_MONTHS,
        rate=_prose(numbers_in_words.rate_with_count),
        event_hours=_prose(dates_in_words.event_hours),
    )
    return env


def _prose(sentence: Callable[..., str | None]) -> Callable[..., Markdown | None]:
    """A sentence in words for a page: the data in it escaped, its own punctuation kept readable."""

    def written(*args: object, **options: object) -> Markdown | None:
        text = sentence(*(_escaped(arg) for arg in args), **{k: _escaped(v) for k, v in options.items()})
        return None if text is None else Markdown(text)

    return written


def _escaped(arg: object) -> object:
    """A sentence's argument as literal text: a string, or each string of a list (names)."""
    if isinstance(arg, str):
        return escape_text(arg)
    if isinstance(arg, list | tuple):
        return [escape_text(item) if isinstance(item, str) else item for item in arg]
    return arg
