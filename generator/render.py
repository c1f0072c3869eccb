"""Render the model into site files: pure, ``{relative path: text}`` out, no disk, no clock."""

from __future__ import annotations

import datetime as dt
import functools
import html
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml
from markupsafe import Markup

from . import issue_sentences, names_in_words
from .addresses import private_token
from .branch import partner_branch, public_forest, shown_name
from .calendar_files import EVENTS_DIR, event_calendar, event_paths
from .contact import IntroductionLinks, contact_mailto, phone_link
from .dates_in_words import event_hours, long_date
from .host_files import GENERATED_COMMENT, netlify_headers, robots_txt
from .html_page import Headings, html_environment
from .insights_page import render_insights_page
from .markdown import Markdown, TitledFrontMatter, escape_html, escape_text, front_matter
from .markdown_page import markdown_environment
from .models import Event, Newsletter, Partner, PartnersFile
from .moment import day_start
from .presentation import unescaped_print_text
from .public_views import PublicViews
from .referral_status import ReferralViews, latest_news_first
from .render_memo import DataDigests, RenderMemo, data_digests, partner_digest, public_digest, shared_digest
from .tree import PartnerLedger, ReferralTree
from .views import (
    EVENT_HORIZON_DAYS,
    MonthlyIssue,
    event_order,
    gathering_line,
    held_line,
    monthly_issues,
    stage_of,
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
    referral_views: ReferralViews = field(default_factory=ReferralViews)
    # The partner pages' headings, slugged and escaped once per render (html_page.Headings).
    headings: dict[tuple[int, str], tuple[str, str, Markup]] = field(default_factory=dict)

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
    def introduction_links(self) -> IntroductionLinks:
        """Each partner page's "Introduce someone" link: the letter's fixed part encoded once."""
        return IntroductionLinks(self.data.newsletter)

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
    digests: Callable[[], DataDigests | None] = lambda: None,
) -> RenderedOnRead:
    """Every generated file's path, rendered on read: a caller can keep each page in a smaller
    form (bytes) or drop it, instead of holding the whole site as text. With ``memo`` (under
    ``mkdocs serve``), partner pages whose inputs did not change are reused from it. With
    ``keep`` (its record of earlier runs), a page it accepts by path and key is left out. Without
    either, the keys are worked out only if asked for; from ``digests``' when it gives them."""
    site = _site_of(data, layout)
    files = _renderers(site)
    if memo is None and keep is None:
        paths = list(files)
        return RenderedOnRead(files, lambda: _memo_keys(site, paths, digests()))
    keys = _memo_keys(site, files, digests())
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
    return _Site(data, layout, markdown_environment(), ledger, tree, issues, calendars)


def _renderers(site: _Site) -> dict[str, Callable[[], str]]:
    """What renders each generated file, by its path: the site's own pages, then one file per
    event, newsletter issue and partner."""
    data, layout = site.data, site.layout
    files: dict[str, Callable[[], str]] = {
        "index.md": functools.partial(_render_home, site),
        TREE_PAGE: functools.partial(_render_tree, site),
        FOLLOW_PAGE: functools.partial(_render_follow, site),
        layout.insights_page: functools.partial(
            render_insights_page, data, site.tree, site.ledger, layout.as_of
        ),
        layout.private_index: functools.partial(_render_private_index, site),
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


def _memo_keys(site: _Site, paths: Iterable[str], digests: DataDigests | None = None) -> dict[str, bytes]:
    """The key of each generated file (see render_memo): a partner page's own, the insights
    page's (the shared part of the data), every other file's (what public pages may show);
    from ``digests`` when they were worked out already (project.py), else here."""
    digests = digests or data_digests(site.data)
    shared = shared_digest(digests, site.layout)
    keys = dict.fromkeys(paths, public_digest(shared, digests))
    keys[site.layout.insights_page] = shared
    for partner in site.data.partners:
        keys[site.layout.partner_page(partner)] = partner_digest(shared, digests.own[partner.id])
    return keys


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


def _render_private_index(site: _Site) -> str:
    """The page at the private folder's own address, for whoever lands there: a partner who
    lost their link is told how to reach the owner, with the home page's contact line."""
    newsletter = site.public.of(site.data.newsletter)
    return site.env.get_template("private-index.md.j2").render(
        contact_line=Markdown(_contact_line(site.data.newsletter, newsletter))
    )


def _render_tree(site: _Site) -> str:
    meta = {"title": "Our referral tree", "hide": ["toc"]}
    tree = site.tree
    outline = []
    for root in tree.roots:
        if tree.children_of(root):
            outline.append((Markdown(""), shown_name(tree.partners[root])))
            outline.extend(_outline_line(tree, pid, depth) for pid, depth in tree.depth_below(root))
    return site.env.get_template("tree.md.j2").render(
        meta=Markdown(front_matter(meta)),
        drawings=[Markdown(svg) for svg in public_forest(tree)],
        outline=outline,
        starters=sum(1 for root in tree.roots if not tree.children_of(root)),
    )


# Python-Markdown parses each level of a nested list one recursion deeper: a chain of some 200
# partners, each introduced by the one before, stopped `mkdocs build` with a RecursionError.
# Deeper than this, the outline stops indenting and says who introduced each partner instead.
# Four levels, not the 40 the recursion allows: each level indents 30 px, so on a 360 px phone
# the tenth line was a letter wide and the fortieth 900 px off the screen; from the fourth on,
# a line still has half the phone's width (review53).
OUTLINE_DEPTH = 4


def _outline_line(tree: ReferralTree, partner_id: str, depth: int) -> tuple[Markdown, str]:
    """One line of the tree in words: its indent and the partner's shown name."""
    partner = tree.partners[partner_id]
    if depth <= OUTLINE_DEPTH:
        return Markdown("    " * depth), shown_name(partner)
    introducer = shown_name(tree.partners[partner.referred_by or ""])
    by = names_in_words.in_sentence(introducer, "another partner")
    line = f"{names_in_words.isolated(shown_name(partner))}, introduced by {names_in_words.isolated(by)}"
    return Markdown("    " * OUTLINE_DEPTH), line


def _render_post(site: _Site, issue: MonthlyIssue) -> str:
    data, source = site.data, site.layout.post_page(issue)
    gathering = gathering_line(issue, site.layout.as_of)
    opening = gathering_line(issue, site.layout.as_of, escape_text, _event_when_whole)
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
            "feed_description": html.escape(
                _feed_summary(issue, gathering, held_line(issue, site.layout.as_of), so_far=under_way),
                quote=False,
            )
        },
    }
    public = site.public.of
    return site.env.get_template("post.md.j2").render(
        meta=Markdown(front_matter(meta)),
        issue=public(issue),
        gathering=_markdown_or_none(opening),
        held=_markdown_or_none(held_line(issue, site.layout.as_of, escape_text, _event_when_whole)),
        under_way=under_way,
        newsletter=public(data.newsletter),
        events=public(_issue_events(site, issue, source)),
        tree_page=_link(source, TREE_PAGE),
    )


def _event_when_whole(day: dt.date, start: dt.time | None, end: dt.time | None, *, year: bool = True) -> str:
    """An event's date and hours in a sentence of a page, each kept on one line as "Coming up"
    keeps them: a phone broke "(10 April" | "2026, 07:00)" in the held events' sentence."""
    hours = event_hours(start, end)
    date = f'<span class="date">{long_date(day, year=year)}</span>'
    return date if hours is None else f'{date}, <span class="date">{hours}</span>'


def _markdown_or_none(text: str | None) -> Markdown | None:
    """A sentence already escaped for the page, or nothing to say."""
    return None if text is None else Markdown(text)


def _issue_events(site: _Site, issue: MonthlyIssue, source: str) -> list[tuple[Event, Markdown]]:
    """An issue's "Coming up": what followed its month, as it was announced; while the month is
    under way, from the build date on (an event later this month is still to come)."""
    last_day = issue.month.last_day
    after = last_day if site.layout.as_of > last_day else site.layout.as_of - dt.timedelta(days=1)
    return site.events_after(after, source, days=(last_day - after).days + EVENT_HORIZON_DAYS)


def _feed_summary(
    issue: MonthlyIssue, gathering: str | None = None, held: str | None = None, *, so_far: bool = False
) -> str:
    """What the issue holds, in its order, for a feed reader showing the summary alone: its
    figures, its thanks, and the get-together already held in a month with other news (public
    event fields only: title, day and hours)."""
    if gathering:
        return gathering
    numbers = issue_sentences.month_in_numbers(
        issue.month.label, issue.referrals, issue.meetings, issue.proposals, issue.wins, so_far=so_far
    )
    if not issue.referrals and not issue.updates and issue.given:
        given = issue_sentences.giving_back(
            issue.month.label, issue.given, so_far=so_far, given_to=issue.given_to
        )
        return " ".join(line for line in (numbers, given, held) if line)
    # The post's own thanks, in its order: whose introduction won first, then the roll.
    won = issue_sentences.win_thanks([p.name for p in issue.won_by], issue.unnamed_won_by, issue.wins)
    roll = [p.name for p in issue.roll]
    rest = issue_sentences.thank_you_line(
        roll, issue.unnamed_roll, issue.roll_introductions, after_wins=bool(won), others=issue.roll_others
    )
    return " ".join(line for line in (numbers, won, rest, held) if line)


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


# Every partner page's metadata but its title.
_partner_front_matter = TitledFrontMatter(
    {"private": True, "search": {"exclude": True}, "hide": ["navigation", "toc", "footer"]}
)


def _render_partner(site: _Site, partner: Partner) -> str:
    views = latest_news_first([site.referral_views.of(r) for r in site.ledger.referrals_of(partner.id)])
    site.referral_views.thank_once_for_the_lost(views)
    given = sorted(site.ledger.given_to(partner.id), key=lambda g: g.date, reverse=True)
    branch = partner_branch(site.tree, partner)
    events = site.partner_events
    return site.partner_template.render(
        meta=Markup(_partner_front_matter(escape_html(partner.name))),
        headings=Headings(site.headings),
        partner=partner,
        greeting=names_in_words.greeting_name(partner.name, partner.greeting),
        newsletter=site.data.newsletter,
        referrals=views,
        won=sum(view.stage == "won" for view in views),
        # Counted here: "selectattr | list | length" cost the template 6.5 us a page.
        former=sum(view.former_client for view in views),
        open=sum(view.stage not in ("won", "lost") for view in views),
        given=given,
        branch=branch,
        branch_svg=Markup(branch.svg),
        events=events,
        coming_up=site.partner_coming_up,
        as_of=site.layout.as_of,
        introduce_link=site.introduction_links(partner),
        contact_line=site.owner_contact,
    )


def _coming_up(site: _Site, events: list[tuple[Event, Markdown]]) -> Markup:
    """A partner page's events list: Markdown, so MkDocs resolves the calendar links."""
    return Markup(site.env.get_template("coming-up.md.j2").render(events=events) if events else "")


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
