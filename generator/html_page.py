"""Pages written as HTML inside their Markdown file, where Markdown would add nothing.

Converting Markdown is most of what MkDocs spends on a generated page, and a partner page's
Markdown (admonitions, cards, tables, icons, headings in ``<div markdown>`` blocks) only ever
becomes fixed HTML. Written as that HTML, Python-Markdown passes it through as one raw block:
no block parsing, no inline patterns, no ``md_in_html`` and no ``toc`` work, for the same page a
reader sees (benchmarks/README.md, "Cheaper pages"). Data is escaped as HTML, once, by the
environment's finalize (``html_text``).
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import jinja2
import jinja2.runtime
from markupsafe import Markup

from . import dates_in_words, numbers_in_words, words
from .page_templates import page_environment
from .referral_labels import STAGE_EVENTS
from .todo import QUIET_MONTHS

# Around each stretch of a page written as HTML (HtmlBodies); what lies between stretches
# stays Markdown: the headings toc lists, an events list whose calendar links MkDocs resolves.
HTML_START = "<!-- referral-newsletter: HTML -->"
HTML_END = "<!-- referral-newsletter: end of HTML -->"
_STRETCH_START, _STRETCH_END = HTML_START + "\n", "\n" + HTML_END
_PLACEHOLDER = "<!-- referral-newsletter: HTML {} -->"
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
# toc's slugify, compiled once (re.sub with a pattern string looks it up in re's cache per call).
_NOT_SLUG = re.compile(r"[^\w\s-]")
_SLUG_GAPS = re.compile(r"[-\s]+")
# Text toc's slugify only lower-cases and joins with "-": ASCII words, single spaces between.
_SIMPLE_WORDS = re.compile(r"[A-Za-z0-9_]+(?: [A-Za-z0-9_]+)*")


def one_line(value: object) -> object:
    """Data on one line, as the Markdown pages have it; markup kept as is."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    if "\n" in text or "\r" in text:
        text = _LINE_BREAKS.sub(" ", text)
    return text.strip()


def html_text(value: object) -> str:
    """Jinja's finalize for HTML pages: markup kept as is, any other value on one line and
    HTML-escaped, exactly as markupsafe's ``escape`` would.

    It does the escaping itself instead of Jinja's autoescape: one call per printed value
    instead of three (finalize, ``escape``, a ``Markup`` built for each), 1.2 million values at
    10,000 partners (benchmarks/README.md). Every value still passes here, so none is printed
    unescaped; a ``Markup`` joined to text with ``~`` would be escaped twice, never not at all.
    """
    if type(value) is str:  # most values: plain text, tested first
        text = value
    elif isinstance(value, Markup):
        return value
    else:
        text = str(value)
    if "\n" in text or "\r" in text:
        text = _LINE_BREAKS.sub(" ", text)
    text = text.strip()
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        # markupsafe's five replacements; most values (dates, counts, names) need none.
        return (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return text


def toc_slug(text: str) -> str:
    """Python-Markdown's toc ``slugify`` (its default): the id toc would give this heading."""
    if _SIMPLE_WORDS.fullmatch(text):  # most names: nothing to drop, single spaces to join
        return text.lower().replace(" ", "-")
    # NFKD leaves ASCII text as it is: most names skip the normalisation.
    ascii_text = (
        text
        if text.isascii()
        else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    word = _NOT_SLUG.sub("", ascii_text).strip().lower()
    return _SLUG_GAPS.sub("-", word)


class Headings:
    """Headings with the ids and permalinks toc (``permalink: true``) would give them.

    toc makes ids unique in document order (``id``, ``id_1``, ``id_2``…), so one instance
    serves one page and is called in the order the headings appear. ``written`` is shared by
    the pages of one render: most headings repeat on every page ("Your referrals", "Giving
    back"), so each text is slugged and escaped once per render (87,000 headings at 10,000
    partners), not once per page. It holds names, so it lives no longer than the render.
    """

    def __init__(self, written: dict[tuple[int, str], tuple[str, str, Markup]] | None = None) -> None:
        self.used: set[str] = set()
        self._written = {} if written is None else written

    def __call__(self, level: int, text: str) -> Markup:
        # Plain text only: a Markup of the same characters is one_line'd differently.
        plain = type(text) is str
        written = self._written.get((level, text)) if plain else None
        if written is None:
            written = self._write(level, text)
            if plain:
                self._written[(level, text)] = written
        slug, shown, whole = written
        if slug in self.used or not slug:
            return self._heading(level, self._unique(slug), shown)
        self.used.add(slug)
        return whole

    @classmethod
    def _write(cls, level: int, text: str) -> tuple[str, str, Markup]:
        """The heading's slug, its escaped text, and the heading if its id is the slug."""
        shown = str(one_line(text))
        # toc_slug leaves ASCII letters, digits, "_" and "-" only: nothing to escape in the id.
        slug = toc_slug(shown)
        escaped = html_text(shown)
        return slug, escaped, cls._heading(level, slug, escaped)

    @staticmethod
    def _heading(level: int, anchor: str, shown: str) -> Markup:
        # Concatenated, not Markup.format: string.Formatter is pure Python, ~10x slower.
        return Markup(
            f'<h{level} id="{anchor}">{shown}'
            f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a></h{level}>'
        )

    def _unique(self, anchor: str) -> str:
        if anchor in self.used or not anchor:
            match = _ID_COUNT.match(anchor)
            base, count = (match.group(1), int(match.group(2))) if match else (anchor, 0)
            count += 1
            while f"{base}_{count}" in self.used:
                count += 1
            anchor = f"{base}_{count}"
        self.used.add(anchor)
        return anchor


class HtmlBodies:
    """The HTML stretches of generated pages, set aside while MkDocs converts the rest.

    Even as raw HTML a partner page costs MkDocs most of its conversion time: Python-Markdown's
    raw-HTML pass and MkDocs' own anchor pass parse every tag in Python. A stretch between
    HTML_START and HTML_END is what Python-Markdown would pass through unchanged, so the plugin
    hands MkDocs a placeholder comment for it and puts it back into the converted page. Engines
    that run no plugin (Zensical) convert the whole file, with the same result.
    """

    def __init__(self) -> None:
        self.kept: dict[str, list[str]] = {}

    def set_aside(self, key: str, markdown: str) -> str:
        """The Markdown to convert for page ``key``: its stretches of HTML as placeholders."""
        # str.find, not a lazy regex: `.*?` tried the end marker at every character, 120 µs a
        # partner page against 5 µs (0.12 s of every build at 1,000 partners).
        stretches: list[str] = []
        parts: list[str] = []
        done = 0
        while (start := markdown.find(_STRETCH_START, done)) >= 0:
            inside = start + len(_STRETCH_START)
            end = markdown.find(_STRETCH_END, inside)
            if end < 0:
                break
            parts += (markdown[done:start], _PLACEHOLDER.format(len(stretches)))
            stretches.append(markdown[inside:end])
            done = end + len(_STRETCH_END)
        if not stretches:
            return markdown
        self.kept[key] = stretches
        parts.append(markdown[done:])
        return "".join(parts)

    def put_back(self, key: str, converted: str) -> str:
        """The converted page ``key`` with each stretch of HTML where its placeholder is."""
        for number, stretch in enumerate(self.kept.pop(key, ())):
            converted = converted.replace(_PLACEHOLDER.format(number), stretch, 1)
        return converted


@jinja2.pass_context
def heading(context: jinja2.runtime.Context, text: str, level: int) -> Markup:
    """``{{ text | heading(2) }}``: a heading of the page's ``headings`` (a Headings).

    A filter, not a call of the Headings object: Jinja calls a filter directly, and goes
    through its ``Context.call`` for a function (87,000 headings at 10,000 partners).
    """
    headings: Headings = context["headings"]
    return headings(level, text)


def icon(name: str) -> Markup:
    """A Material Design icon where Material's emoji extension writes ``:material-NAME:``: the
    same ``twemoji`` box, drawn by the site's stylesheet (overrides/stylesheets/extra.css) from
    one copy of the SVG instead of the SVG in every page (templates/icons/, copies of Material's
    with their licence; tests/test_page_html.py checks both still match)."""
    return Markup('<span class="twemoji icon-{}"></span>').format(name)


def any_below(rows: Iterable[object], attribute: str, limit: int) -> bool:
    """``{{ rows | any_below("referrals", few) }}``: whether any row's attribute is below the
    limit; Jinja's ``selectattr("referrals", "lt", few) | list`` took 1.4 us a row (9,000 rows in
    the insights page's partner table at 10,000 partners), this 0.04."""
    value = operator.attrgetter(attribute)
    return any(value(row) < limit for row in rows)


def total(rows: Iterable[object], attribute: str) -> int:
    """``{{ rows | total("unvalued_wins") }}``: Jinja's ``sum(attribute=...)`` without its
    lookup through the environment for each row (0.6 us a row)."""
    return sum(map(operator.attrgetter(attribute), rows))


# What each update tells (views.with_news), in words as the page prints it (see _printed): the
# partner page's history rows carry these (referral_status.ReferralView.history).
PRINTED_NEWS = {news: Markup(html_text(told)) for news, told in STAGE_EVENTS.items()}


def _printed(words_of: Callable[..., str]) -> Callable[..., Markup]:
    """A filter of dates, cached, giving its words as the finalize prints them (html_text), so
    each distinct value is escaped once per process and the finalize passes it through: a
    partner page prints 20 dates, 200,000 at 10,000 partners. The cache holds dates, never a
    name."""

    @functools.lru_cache(maxsize=4096)
    def printed(*args: Any, **kwargs: Any) -> Markup:
        return Markup(html_text(words_of(*args, **kwargs)))

    return printed


@functools.cache  # templates compile once per process, not once per build
def html_environment() -> jinja2.Environment:
    """Templates of HTML pages (``*.html.j2``): every value HTML-escaped unless it is Markup,
    by the finalize (``html_text``), not by Jinja's autoescape."""
    env = page_environment(autoescape=False, finalize=html_text)
    # Filters, not global functions: ``{{ "gift-outline" | icon }}`` has a constant argument, so
    # Jinja calls it once, when it compiles the template, instead of once per page; and Jinja
    # calls a filter directly, a function through its Context.call (1.5 us a call, 40,000 calls
    # at 10,000 partners: ``{{ won | rate(referrals) }}``, not ``{{ rate(won, referrals) }}``).
    env.filters.update(
        longdate=_printed(dates_in_words.long_date),
        ago=_printed(dates_in_words.time_ago),
        icon=icon,
        heading=heading,
        rate=numbers_in_words.rate_with_count,
        percent=numbers_in_words.percent,
        thanks_for_introductions=words.thanks_for_introductions,
        brought_in_line=words.brought_in_line,
        introduction_led_to=words.introduction_led_to,
        grew_from_you=words.grew_from_you,
        any_below=any_below,
        total=total,
    )
    env.globals.update(html_start=Markup(HTML_START), html_end=Markup(HTML_END), quiet_months=QUIET_MONTHS)
    return env
