"""Render the model into site files: pure, ``{relative path: text}`` out, no disk, no clock."""

from __future__ import annotations

import datetime as dt
import functools
import html
import operator
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jinja2
import yaml
from markupsafe import Markup, escape

from . import dates_in_words, issue_sentences, names_in_words, numbers_in_words, referral_labels, words
from .addresses import private_token
from .branch import partner_branch, public_forest, shown_name
from .calendar_files import EVENTS_DIR, event_calendar, event_paths
from .contact import contact_mailto, introduction_mailto, phone_link
from .host_files import GENERATED_COMMENT, netlify_headers, robots_txt
from .html_page import Headings, html_environment
from .insights import OUTCOMES, compute_insights
from .markdown import Markdown, escape_html, escape_text, front_matter
from .models import Event, Newsletter, Partner, PartnersFile, Referral
from .moment import day_start
from .page_templates import page_environment
from .presentation import unescaped_print_text
from .public_views import PublicViews
from .render_memo import RenderMemo, partner_digest, public_digest, shared_digest
from .svg_charts import bar_chart, stacked_columns
from .todo import QUIET_MONTHS, owner_todo
from .tree import PartnerLedger, ReferralTree
from .views import (
    EVENT_HORIZON_DAYS,
    METHOD_WORDS,
    PROGRESS_STEPS,
    STAGE_WORDS,
    Month,
    MonthlyIssue,
    event_order,
    gathering_line,
    last_activity,
    monthly_issues,
    stage_of,
    step_of,
)

AUTHOR_KEY = "owner"
POST_CATEGORY = "Newsletter"
TREE_PAGE = "tree.md"
FOLLOW_PAGE = "follow.md"


@dataclass(frozen=True)
class SiteLayout:
    """Where generated files go inside the docs folder, and what they are rendered for."""

    as_of: dt.date
    secret: bytes = field(repr=False)  # never shown, even in a traceback
    site_url: str = ""
    private_dir: str = "p"
    blog_dir: str = "blog"
    posts_subdir: str = "newsletter"
    feed_file: str = "feed_rss_created.xml"
    # Each partner's address is asked for by the page list, the page itself and the leak guard,
    # which share a run's layout: worked out once per run (an HMAC, ~8 µs a partner), and kept
    # no longer than the run, with the secret it came from.
    _tokens: dict[tuple[str, int], str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def posts_dir(self) -> str:
        return f"{self.blog_dir}/posts/{self.posts_subdir}"

    @property
    def owned_folders(self) -> tuple[str, ...]:
        """Every folder the generator writes in, some only in some runs (posts, events)."""
        return ("", self.private_dir, self.blog_dir, self.posts_dir, EVENTS_DIR)

    @property
    def private_index(self) -> str:
        return f"{self.private_dir}/index.md"

    def partner_page(self, partner: Partner) -> str:
        key = (partner.id, partner.epoch)
        token = self._tokens.get(key)
        if token is None:
            token = self._tokens[key] = private_token(self.secret, "partner", partner.id, partner.epoch)
        return f"{self.private_dir}/{token}.md"

    def post_page(self, issue: MonthlyIssue) -> str:
        return f"{self.posts_dir}/{issue.month.key}.md"

    def post_date(self, issue: MonthlyIssue) -> dt.date:
        """The month's last day; the build date while the month is under way, so no issue (nor
        its feed item) is dated in the future."""
        return min(issue.month.last_day, self.as_of)

    @staticmethod
    def post_slug(issue: MonthlyIssue) -> str:
        return f"newsletter-{issue.month.key}"

    @property
    def insights_page(self) -> str:
        return f"{self.private_dir}/{private_token(self.secret, 'insights', 'owner')}.md"


@dataclass(frozen=True)
class _Site:
    """Everything derived once per render, shared by all pages."""

    data: PartnersFile
    layout: SiteLayout
    env: jinja2.Environment
    ledger: PartnerLedger
    tree: ReferralTree
    issues: list[MonthlyIssue]
    calendars: dict[int, str]  # index of the event in data.events → its .ics path
    # A referral's status box (its progress bar) depends only on its stage and the stages it
    # went through: a few dozen kinds for 50,000 referrals, each rendered once per render.
    statuses: dict[tuple[str, frozenset[str], bool], Markup] = field(default_factory=dict)
    # Likewise how a referral was introduced (after its date): 50,000 referrals share a few
    # (method, asked).
    introductions: dict[tuple[str | None, bool | None], Markup] = field(default_factory=dict)

    @functools.cached_property
    def public(self) -> PublicViews:
        """Public templates get views holding only public fields, never models."""
        return PublicViews({partner.id: partner for partner in self.data.partners})

    @functools.cached_property
    def partner_events(self) -> list[tuple[Event, Markdown]]:
        """The upcoming events of every partner page: the same for all, as the pages share one
        folder (the private index's), so they are listed once per render, not once per page."""
        return self.events_after(self.layout.as_of - dt.timedelta(days=1), self.layout.private_index)

    @functools.cached_property
    def partner_coming_up(self) -> Markup:
        """The events list of every partner page, rendered once (it is the same for all)."""
        return _coming_up(self, self.partner_events)

    @functools.cached_property
    def partner_template(self) -> jinja2.Template:
        """Looked up once per render, not once per page (the lookup checks Jinja's cache)."""
        return html_environment().get_template("partner.html.j2")

    @functools.cached_property
    def owner_contact(self) -> Markup:
        """The contact line of every partner page: the same for all, so rendered once."""
        return _contact_line(self.data.newsletter, self.data.newsletter)

    def events_after(
        self, after: dt.date, source: str, days: int | None = None
    ) -> list[tuple[Event, Markdown]]:
        """Upcoming events with a link to each one's calendar file, relative to ``source``."""
        until = after + dt.timedelta(days=days) if days is not None else dt.date.max
        chosen = [(i, e) for i, e in enumerate(self.data.events) if after < e.date <= until]
        chosen.sort(key=lambda pair: event_order(pair[1]))
        return [(event, _link(source, self.calendars[index])) for index, event in chosen]


def render_site(data: PartnersFile, layout: SiteLayout) -> dict[str, str]:
    """Every generated file, keyed by its path relative to the docs folder."""
    return dict(render_pages(data, layout))


class RenderedOnRead(Mapping[str, str]):
    """Generated files by path; each one's text is rendered when it is read, and not kept.

    :meth:`memo_keys` are the render memo's keys of the pages it covers; ``kept`` the paths left
    out because the caller's ``keep`` found them already on disk as rendered from the same key.
    """

    def __init__(
        self,
        renderers: dict[str, Callable[[], str]],
        keys: Callable[[], Mapping[str, bytes]],
        kept: frozenset[str] = frozenset(),
    ) -> None:
        self.renderers = renderers
        self.kept = kept
        self._keys = functools.cache(keys)

    def memo_keys(self) -> Mapping[str, bytes]:
        """Worked out when first asked (0.5 s at 10,000 partners): a run that keeps nothing has
        them worked out by the process rendering beside it (render_split), not before."""
        return self._keys()

    def __getitem__(self, path: str) -> str:
        return self.renderers[path]()

    def __iter__(self) -> Iterator[str]:
        return iter(self.renderers)

    def __len__(self) -> int:
        return len(self.renderers)


def render_pages(
    data: PartnersFile,
    layout: SiteLayout,
    memo: RenderMemo | None = None,
    keep: Callable[[str, bytes], bool] | None = None,
) -> RenderedOnRead:
    """Every generated file's path, rendered on read: a caller can keep each page in a smaller
    form (bytes) or drop it, instead of holding the whole site as text. With ``memo`` (under
    ``mkdocs serve``), partner pages whose inputs did not change are reused from it. With
    ``keep`` (its record of earlier runs), a page it accepts by path and key is left out. Without
    either, the keys are worked out only if asked for."""
    site = _site_of(data, layout)
    files = _renderers(site)
    if memo is None and keep is None:
        return RenderedOnRead(files, functools.partial(_memo_keys, site, list(files)))
    keys = _memo_keys(site, files)
    if memo is not None:
        memo.start(files)
        for path, key in keys.items():
            files[path] = functools.partial(memo.page, path, key, files[path])
    kept = frozenset(path for path, key in keys.items() if keep is not None and keep(path, key))
    rendered = {path: render for path, render in files.items() if path not in kept}
    return RenderedOnRead(rendered, lambda: keys, kept)


def _site_of(data: PartnersFile, layout: SiteLayout) -> _Site:
    ledger = PartnerLedger.of(data)
    calendars = dict(enumerate(event_paths(data.events)))
    tree = ReferralTree.of(data, ledger)
    issues = monthly_issues(data, tree, as_of=layout.as_of)
    return _Site(data, layout, _environment(), ledger, tree, issues, calendars)


def _renderers(site: _Site) -> dict[str, Callable[[], str]]:
    """What renders each generated file, by its path: the site's own pages, then one file per
    event, newsletter issue and partner."""
    data, layout = site.data, site.layout
    files: dict[str, Callable[[], str]] = {
        "index.md": functools.partial(_render_home, site),
        TREE_PAGE: functools.partial(_render_tree, site),
        FOLLOW_PAGE: functools.partial(_render_follow, site),
        layout.insights_page: functools.partial(_render_insights, site),
        layout.private_index: site.env.get_template("private-index.md.j2").render,
        f"{layout.blog_dir}/.authors.yml": functools.partial(_authors_file, data),
        "robots.txt": functools.partial(robots_txt, layout.site_url),
        "_headers": functools.partial(netlify_headers, layout.site_url, layout.private_dir),
    }
    for index, event in enumerate(data.events):
        files[site.calendars[index]] = functools.partial(
            event_calendar,
            event,
            data.newsletter.owner,
            timezone=data.newsletter.timezone,
            stamp=day_start(layout.as_of, data.newsletter.timezone),
            path=site.calendars[index],
        )
    for issue in site.issues:
        files[layout.post_page(issue)] = functools.partial(_render_post, site, issue)
    for partner in data.partners:
        files[layout.partner_page(partner)] = functools.partial(_render_partner, site, partner)
    return files


def _memo_keys(site: _Site, paths: Iterable[str]) -> dict[str, bytes]:
    """The key of each generated file (see render_memo): a partner page's own, the insights
    page's (the shared part of the data), every other file's (what public pages may show)."""
    shared = shared_digest(site.data, site.layout)
    keys = dict.fromkeys(paths, public_digest(shared, site.data))
    keys[site.layout.insights_page] = shared
    for partner in site.data.partners:
        own = [partner, *site.ledger.referrals_of(partner.id), *site.ledger.given_to(partner.id)]
        keys[site.layout.partner_page(partner)] = partner_digest(shared, own)
    return keys


@functools.cache  # templates compile once per process, not once per build
def _environment() -> jinja2.Environment:
    # Escaping by default: every value printed is literal text unless it is Markdown.
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


def _contact_line(newsletter: Newsletter, shown: object) -> Markup:
    """The owner's contact line as HTML (contact.html.j2), for any page: links generated and
    percent-encoded from ``newsletter``, names printed from ``shown`` (what the page may print)."""
    template = html_environment().get_template("contact.html.j2")
    return Markup(
        template.render(
            newsletter=shown, email_link=contact_mailto(newsletter), phone_link=phone_link(newsletter)
        )
    )


def _link(source: str, target: str) -> Markdown:
    """A Markdown link target from one docs file to another (MkDocs resolves it)."""
    return Markdown(posixpath.relpath(target, posixpath.dirname(source) or "."))


def _render_home(site: _Site) -> str:
    data = site.data
    meta = {"title": escape_html(data.newsletter.title), "hide": ["navigation", "toc"]}
    public = site.public.of
    return site.env.get_template("home.md.j2").render(
        meta=Markdown(front_matter(meta)),
        newsletter=public(data.newsletter),
        partners=len(data.partners),
        referrals=len(data.referrals),
        wins=sum(stage_of(r) == "won" for r in data.referrals),
        latest=public(
            [(issue, _link("index.md", site.layout.post_page(issue))) for issue in reversed(site.issues[-6:])]
        ),
        events=public(site.events_after(site.layout.as_of - dt.timedelta(days=1), "index.md")),
        follow_page=Markdown(FOLLOW_PAGE),
        tree_page=Markdown(TREE_PAGE),
        contact_line=Markdown(_contact_line(data.newsletter, public(data.newsletter))),
    )


def _render_tree(site: _Site) -> str:
    meta = {"title": "Our referral tree", "hide": ["toc"]}
    tree = site.tree
    outline = []
    for root in tree.roots:
        if tree.children_of(root):
            outline.append((Markdown(""), shown_name(tree.partners[root])))
            outline.extend(
                (Markdown("    " * depth), shown_name(tree.partners[pid]))
                for pid, depth in tree.depth_below(root)
            )
    return site.env.get_template("tree.md.j2").render(
        meta=Markdown(front_matter(meta)),
        drawings=[Markdown(svg) for svg in public_forest(tree)],
        outline=outline,
        starters=sum(1 for root in tree.roots if not tree.children_of(root)),
    )


def _render_insights(site: _Site) -> str:
    meta = {
        "title": "Referral insights",
        "private": True,
        "search": {"exclude": True},
        "hide": ["navigation", "footer"],
    }
    insights = compute_insights(site.data, site.tree)
    methods = [
        (
            METHOD_WORDS.get(r.label, r.label),
            r.rate * 100,
            numbers_in_words.rate_with_count(r.won, r.referrals),
        )
        for r in insights.by_method
    ]
    months = [
        (_column_label(row.month, index == 0), {"won": row.won, "lost": row.lost, "open": row.open})
        for index, row in enumerate(insights.per_month)
    ]
    return (
        html_environment()
        .get_template("insights.html.j2")
        .render(
            meta=Markup(front_matter(meta)),
            newsletter=site.data.newsletter,
            insights=insights,
            total=insights.total,
            todo=owner_todo(site.data, site.layout.as_of, site.ledger),
            partner_names={p.id: p.name for p in site.data.partners},
            as_of=site.layout.as_of,
            currency=site.data.newsletter.currency,
            few=numbers_in_words.FEW_REFERRALS,
            method_chart=Markup(bar_chart(methods, "Conversion to a win by introduction method")),
            month_chart=Markup(stacked_columns(months, OUTCOMES, "Referrals per month by outcome")),
        )
    )


def _column_label(month: Month, first: bool) -> str:
    """A month under its chart column, as charts write it: "Nov", with the year below it under
    the first column and each January ("Nov26" read as a code, not a month)."""
    short = dates_in_words.MONTH_NAMES[month.month][:3]
    return f"{short}\n{month.year}" if first or month.month == 1 else short


def _render_post(site: _Site, issue: MonthlyIssue) -> str:
    data, source = site.data, site.layout.post_page(issue)
    gathering = gathering_line(issue, site.layout.as_of)
    opening = gathering_line(issue, site.layout.as_of, escape_text)
    # Dated before its month ends, the issue says "so far", as the month's mail does.
    under_way = site.layout.as_of <= issue.month.last_day
    meta: dict[str, Any] = {
        "title": escape_html(f"{issue.month.label}: {data.newsletter.title}"),
        "date": site.layout.post_date(issue),
        "slug": site.layout.post_slug(issue),
        "categories": [POST_CATEGORY],
        "authors": [AUTHOR_KEY],
        "description": escape_html(f"Referral partner news for {issue.month.label}"),
        # Feed readers show an item's description: the issue's summary, not a bare label.
        # RSS carries it as HTML inside XML: escaped for HTML here, the feed plugin escapes
        # the result for XML (a name such as "<script>" must reach readers as text).
        "rss": {
            "feed_description": html.escape(_feed_summary(issue, gathering, so_far=under_way), quote=False)
        },
    }
    public = site.public.of
    return site.env.get_template("post.md.j2").render(
        meta=Markdown(front_matter(meta)),
        issue=public(issue),
        gathering=None if opening is None else Markdown(opening),
        under_way=under_way,
        newsletter=public(data.newsletter),
        events=public(_issue_events(site, issue, source)),
        tree_page=_link(source, TREE_PAGE),
    )


def _issue_events(site: _Site, issue: MonthlyIssue, source: str) -> list[tuple[Event, Markdown]]:
    """An issue's "Coming up": what followed its month, as it was announced; while the month is
    under way, from the build date on (an event later this month is still to come)."""
    last_day = issue.month.last_day
    after = last_day if site.layout.as_of > last_day else site.layout.as_of - dt.timedelta(days=1)
    return site.events_after(after, source, days=(last_day - after).days + EVENT_HORIZON_DAYS)


def _feed_summary(issue: MonthlyIssue, gathering: str | None = None, *, so_far: bool = False) -> str:
    if gathering:
        return gathering
    numbers = issue_sentences.month_in_numbers(
        issue.month.label, issue.referrals, issue.meetings, issue.proposals, issue.wins, so_far=so_far
    )
    if not issue.referrals and not issue.updates and issue.given:
        return f"{numbers} {issue_sentences.giving_back(issue.month.label, issue.given)}"
    # The post's own thanks, in its order: whose introduction won first, then the roll.
    won = issue_sentences.win_thanks([p.name for p in issue.won_by], issue.unnamed_won_by, issue.wins)
    roll = [p.name for p in issue.roll]
    rest = issue_sentences.thank_you_line(
        roll, issue.unnamed_roll, issue.roll_introductions, after_wins=bool(won), others=issue.roll_others
    )
    return " ".join(line for line in (numbers, won, rest) if line)


def _render_follow(site: _Site) -> str:
    meta = {"title": "Follow the newsletter", "hide": ["navigation", "toc"]}
    feed = site.layout.feed_file
    site_url = site.layout.site_url
    return site.env.get_template("follow.md.j2").render(
        meta=Markdown(front_matter(meta)),
        newsletter=site.public.of(site.data.newsletter),
        # Raw links: MkDocs checks Markdown links against pages, and the feed is not one.
        feed_link=Markdown(_feed_link(site_url, feed)),
        # site_url comes from mkdocs.yml, not from the data: shown as written in a code block.
        feed_address=Markdown(site_url.rstrip("/") + "/" + feed if site_url else ""),
    )


def _feed_link(site_url: str, feed: str) -> str:
    """From the site's root, as site_url places it ("/feed..." or "/repo/feed..."): the page is
    built at follow/index.html, or at follow.html with use_directory_urls: false, where "../"
    pointed above the site; `mkdocs serve` mounts the site at the same path. Without a site_url
    (which the feed plugin requires), one folder down."""
    if not site_url:
        return f"../{feed}"
    return f"{urlsplit(site_url).path.rstrip('/')}/{feed}"


def _render_partner(site: _Site, partner: Partner) -> str:
    meta = {
        "title": escape_html(partner.name),
        "private": True,
        "search": {"exclude": True},
        "hide": ["navigation", "toc", "footer"],
    }
    views = [_referral_view(r, site) for r in site.ledger.referrals_of(partner.id)]
    views.sort(key=_latest_news_first, reverse=True)
    _thank_once_for_the_lost(views, site)
    given = sorted(site.ledger.given_to(partner.id), key=lambda g: g.date, reverse=True)
    branch = partner_branch(site.tree, partner)
    events = site.partner_events
    return site.partner_template.render(
        meta=Markup(front_matter(meta)),
        headings=Headings(),
        partner=partner,
        greeting=names_in_words.greeting_name(partner.name, partner.greeting),
        newsletter=site.data.newsletter,
        referrals=views,
        won=sum(view.stage == "won" for view in views),
        open=sum(view.stage not in ("won", "lost") for view in views),
        given=given,
        branch=branch,
        branch_svg=Markup(branch.svg),
        events=events,
        coming_up=site.partner_coming_up,
        as_of=site.layout.as_of,
        introduce_link=introduction_mailto(site.data.newsletter, partner),
        contact_line=site.owner_contact,
    )


def _coming_up(site: _Site, events: list[tuple[Event, Markdown]]) -> Markup:
    """A partner page's events list: Markdown, so MkDocs resolves the calendar links."""
    return Markup(site.env.get_template("coming-up.md.j2").render(events=events) if events else "")


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


# A partner page lists the referrals with the latest news first (then the latest introduced).
_latest_news_first = operator.attrgetter("last", "referral.introduced", "referral.id")


def _referral_view(referral: Referral, site: _Site) -> ReferralView:
    stage = stage_of(referral)
    status = _status(site, stage, _stages_reached(referral))
    how = (referral.method, referral.asked)
    introduction = site.introductions.get(how)
    if introduction is None:
        # Escaped here, not by the page's finalize, which would strip its leading space.
        introduction = site.introductions[how] = escape(words.introduction_manner(*how))
    noted = any(update.note for update in referral.updates)
    return ReferralView(referral, stage, status, last_activity(referral), introduction, noted)


def _status(site: _Site, stage: str, reached: frozenset[str], *, thanks: bool = False) -> Markup:
    """A status box, rendered once per kind and reused (a few dozen kinds for 50,000 referrals)."""
    key = (stage, reached, thanks)
    status = site.statuses.get(key)
    if status is None:
        status = site.statuses[key] = _status_box(*key)
    return status


def _thank_once_for_the_lost(views: list[ReferralView], site: _Site) -> None:
    """The first closed file without a sale on a page thanks the partner all the same; the
    others only say it did not go ahead (the thanks three times over read like a form letter)."""
    for index, view in enumerate(views):
        if view.stage == "lost":
            status = _status(site, view.stage, _stages_reached(view.referral), thanks=True)
            views[index] = view._replace(status=status)
            return


def _status_box(stage: str, reached: frozenset[str], thanks: bool) -> Markup:
    template = html_environment().get_template("referral-status.html.j2")
    progress = _progress_bar(stage, reached)
    # The page template puts the box on a line of its own: the file's last line break is its.
    return Markup(
        template.render(stage=stage, reached=reached, progress=progress, thanks=thanks).removesuffix("\n")
    )


def _stages_reached(referral: Referral) -> frozenset[str]:
    return frozenset({"introduced", *(update.stage for update in referral.updates)})


def _progress_bar(stage: str, reached: frozenset[str]) -> Markup:
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
            shown = STAGE_WORDS[stage] if step == "closed" else label
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


def _authors_file(data: PartnersFile) -> str:
    owner = data.newsletter
    # Material prints these unescaped, Zensical escapes them: "Smith & Sons" must read right in both.
    authors = {
        AUTHOR_KEY: {
            "name": unescaped_print_text(owner.owner),
            "description": unescaped_print_text(owner.business or owner.title),
            "avatar": names_in_words.initials_avatar(owner.owner),
        }
    }
    if owner.email:
        # Zensical's feeds read it for each post's <author> ("address (Name)", as RSS wants);
        # Material ignores it, and the plugin gives mkdocs-rss-plugin the same form per page.
        authors[AUTHOR_KEY]["email"] = owner.email
    text = yaml.safe_dump({"authors": authors}, sort_keys=False, allow_unicode=True, width=10_000)
    return GENERATED_COMMENT + text
