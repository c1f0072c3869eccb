"""Render the model into Markdown files: pure, ``{relative path: text}`` out, no disk, no clock."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import jinja2
import yaml

from . import words
from .addresses import private_token
from .markdown import Markdown, escape_html, escape_text, front_matter
from .models import Partner, PartnersFile
from .views import (
    METHOD_WORDS,
    PROGRESS_STEPS,
    STAGE_WORDS,
    MonthlyIssue,
    last_activity,
    monthly_issues,
    stage_of,
    step_of,
    upcoming_events,
)

AUTHOR_KEY = "owner"
POST_CATEGORY = "Newsletter"


@dataclass(frozen=True)
class SiteLayout:
    """Where generated files go inside the docs folder, and what they are rendered for."""

    as_of: dt.date
    secret: bytes
    private_dir: str = "p"
    blog_dir: str = "blog"
    posts_subdir: str = "newsletter"
    feed_file: str = "feed_rss_created.xml"

    @property
    def posts_dir(self) -> str:
        return f"{self.blog_dir}/posts/{self.posts_subdir}"

    def partner_page(self, partner: Partner) -> str:
        token = private_token(self.secret, "partner", partner.id, partner.epoch)
        return f"{self.private_dir}/{token}.md"

    def post_page(self, issue: MonthlyIssue) -> str:
        return f"{self.posts_dir}/{issue.month.key}.md"


def render_site(data: PartnersFile, layout: SiteLayout) -> dict[str, str]:
    """Every generated file, keyed by its path relative to the docs folder."""
    env = _environment()
    issues = monthly_issues(data)
    files = {
        "index.md": _render_home(env, data, layout, issues),
        f"{layout.private_dir}/index.md": env.get_template("private-index.md.j2").render(),
        f"{layout.blog_dir}/.authors.yml": _authors_file(data),
    }
    for issue in issues:
        files[layout.post_page(issue)] = _render_post(env, data, issue)
    for partner in data.partners:
        files[layout.partner_page(partner)] = _render_partner(env, data, partner, layout)
    return files


@functools.cache  # templates compile once per process, not once per build
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        # Escaping by default: every value printed is literal text unless it is Markdown.
        finalize=escape_text,
    )
    env.filters.update(
        longdate=words.long_date,
        ago=words.time_ago,
        plural=words.plural,
        names=words.join_names,
        money=words.money,
    )
    env.globals.update(stage_words=STAGE_WORDS, method_words=METHOD_WORDS)
    return env


def _render_home(env: jinja2.Environment, data: PartnersFile, layout: SiteLayout, issues: list[MonthlyIssue]) -> str:
    closed = [r for r in data.referrals if stage_of(r) == "won"]
    meta = {"title": escape_html(data.newsletter.title), "hide": ["navigation", "toc"]}
    return env.get_template("home.md.j2").render(
        meta=Markdown(front_matter(meta)),
        newsletter=data.newsletter,
        partners=sum(1 for _ in data.partners),
        referrals=len(data.referrals),
        wins=len(closed),
        latest=[(issue, Markdown(layout.post_page(issue))) for issue in reversed(issues[-6:])],
        events=upcoming_events(data.events, after=layout.as_of - dt.timedelta(days=1)),
        feed=Markdown(layout.feed_file),
    )


def _render_post(env: jinja2.Environment, data: PartnersFile, issue: MonthlyIssue) -> str:
    meta: dict[str, Any] = {
        "title": escape_html(f"{issue.month.label}: {data.newsletter.title}"),
        "date": issue.month.last_day,
        "slug": f"newsletter-{issue.month.key}",
        "categories": [POST_CATEGORY],
        "authors": [AUTHOR_KEY],
        "description": escape_html(f"Referral partner news for {issue.month.label}"),
    }
    return env.get_template("post.md.j2").render(
        meta=Markdown(front_matter(meta)), issue=issue, newsletter=data.newsletter
    )


def _render_partner(env: jinja2.Environment, data: PartnersFile, partner: Partner, layout: SiteLayout) -> str:
    meta = {
        "title": escape_html(partner.name),
        "private": True,
        "search": {"exclude": True},
        "hide": ["navigation", "toc", "footer"],
    }
    referrals = [r for r in data.referrals if r.partner == partner.id]
    referrals.sort(key=lambda r: (last_activity(r), r.introduced, r.id), reverse=True)
    return env.get_template("partner.md.j2").render(
        meta=Markdown(front_matter(meta)),
        partner=partner,
        newsletter=data.newsletter,
        referrals=[_referral_view(r) for r in referrals],
        given=sorted((g for g in data.given if g.partner == partner.id), key=lambda g: g.date, reverse=True),
        events=upcoming_events(data.events, after=layout.as_of - dt.timedelta(days=1)),
        as_of=layout.as_of,
    )


def _referral_view(referral: Any) -> dict[str, Any]:
    stage = stage_of(referral)
    return {
        "referral": referral,
        "stage": stage,
        "progress": Markdown(_progress_bar(stage)),
        "last": last_activity(referral),
    }


def _progress_bar(stage: str) -> str:
    """Steps done, current and to come, told by symbols and words, not by colour alone."""
    current = step_of(stage)
    parts = []
    for index, step in enumerate(PROGRESS_STEPS):
        label = "Closed" if step == "closed" else STAGE_WORDS[step]
        if index < current:
            parts.append(f"✓ {label}")
        elif index == current:
            parts.append(f"**● {STAGE_WORDS[stage] if step == 'closed' else label}**")
        else:
            parts.append(f"○ {label}")
    return " → ".join(parts)


def _authors_file(data: PartnersFile) -> str:
    owner = data.newsletter
    authors = {
        AUTHOR_KEY: {
            "name": escape_html(owner.owner),
            "description": escape_html(owner.business or owner.title),
            "avatar": words.initials_avatar(owner.owner),
        }
    }
    return yaml.safe_dump({"authors": authors}, sort_keys=False, allow_unicode=True, width=10_000)
