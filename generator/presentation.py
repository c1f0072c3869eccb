"""How the site presents itself beyond its pages: its name and the feeds' author."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from . import source
from .host_files import GENERATED_COMMENT
from .markdown import escape_html
from .models import Newsletter
from .problems import InvalidData, Problem, format_field_path

# An "&" that could start a character reference ("&amp;", "&#60;"); any other "&" is plain text
# to an HTML parser, so "Smith & Sons" may stay as written.
_REFERENCE_START = re.compile(r"&(?=[#A-Za-z0-9])")
# A post's date as Material's blog writes it for machines: the day at 00:00 UTC.
_POST_DAY_AT_UTC_MIDNIGHT = re.compile(r'(<time datetime=")(\d{4}-\d{2}-\d{2}) 00:00:00\+00:00"')


def brand_name(newsletter: Newsletter, site_name: str) -> str:
    """The site's name in the header and browser tab: the business when the data names one.

    Plain text: the plugin escapes it once and marks it safe for Material.
    """
    return newsletter.business or site_name


def feed_author(newsletter: Newsletter) -> list[str]:
    """An RSS ``<author>``: "address (Name)", the only form RSS 2.0 and its validator accept.

    Without a public address, no author at all (valid) rather than a bare name (an error).
    mkdocs-rss-plugin prints authors unescaped into the XML, so the name is escaped here.
    """
    return [f"{newsletter.email} ({escape_html(newsletter.owner)})"] if newsletter.email else []


def missing_logo(newsletter: Newsletter, docs_dir: Path, data_file: Path, display_name: str) -> str | None:
    """What is wrong with ``newsletter.logo``: not a file in the docs folder, located at the
    field in ``data_file`` (shown as ``display_name``) as every problem with the data is; None
    when it is one, or when no logo is set. Both engines refuse such a header (MkDocs with
    --strict)."""
    message = logo_not_in(newsletter.logo, docs_dir) if newsletter.logo else None
    return None if message is None else str(_located_logo(data_file, display_name, message))


# Material's blog builds the other files of its posts folder beside the posts, not where they lie
# (blog/posts/logo.png became blog/logo.png), so a logo there left every page's header broken.
# "blog" is SiteLayout.blog_dir, which the blog plugin must share (plugin._check_blog_dir).
_POSTS_FOLDER = "blog/posts/"


def logo_not_in(logo: str, docs_dir: Path) -> str | None:
    """The message for a logo the built site would not have where the header looks: not a file
    in ``docs_dir``, or one the blog moves; None when it is fine."""
    if logo.startswith(_POSTS_FOLDER):
        return (
            f"'{logo}' is in the blog's posts folder, whose files the blog moves when it builds, so "
            "the header would show no logo; put it in another folder, e.g. images/logo.png"
        )
    return None if (docs_dir / logo).is_file() else f"'{logo}' is not a file in {docs_dir}/"


def _located_logo(data_file: Path, display_name: str, message: str) -> Problem | str:
    """The problem at ``newsletter.logo``'s line and column. The file is read again with line
    marks only here, when the logo is missing; if it cannot be, the field's name still says where."""
    path = ("newsletter", "logo")
    try:
        document = source.parse(source.read_text(data_file.read_bytes(), display_name), display_name)
    except (OSError, InvalidData):
        return f"{format_field_path(path)}: {message}"
    return document.problem(path, message)


def zensical_brand_config(newsletter: Newsletter, inherited: str) -> str | None:
    """A Zensical config that is ``inherited`` (mkdocs.yml) with the brand the plugin gives
    MkDocs: the business as site name and the logo. None when the data names neither.

    Zensical prints site_name unescaped in the header and page title, and escaped in one
    tooltip; YAML cannot mark a string safe as the plugin does for Material. So markup
    characters are escaped, but a plain "&" is not: "Smith & Sons" reads right everywhere.
    """
    if not newsletter.business and not newsletter.logo:
        return None
    config: dict[str, object] = {"INHERIT": inherited}
    if newsletter.business:
        config["site_name"] = unescaped_print_text(newsletter.business)
    if newsletter.logo:
        config["theme"] = {"logo": newsletter.logo}
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=10_000)
    return GENERATED_COMMENT + body


def unescaped_print_text(value: str) -> str:
    """Text for a place one engine prints as HTML unescaped and another escapes: live markup,
    quotes and anything that could start a reference escaped, a plain "&" left as written.
    "Smith & Sons" then reads right in both; markup characters, rare in a name, read escaped
    where the engine escapes again (Zensical's author line, one tooltip)."""
    text = _REFERENCE_START.sub("&amp;", value)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def post_days_as_dates(html: str) -> str:
    """A post's ``<time datetime>`` as the day it names, "2026-12-31", as the page and the feed
    date it. Material wrote "2026-12-31 00:00:00+00:00": 30 December, 13:00 where an owner in
    Pago Pago lives, so a reader or crawler that converts it dated the post a day early; and
    14:00 in Kiritimati, hours after the build of an issue dated that morning."""
    if "<time datetime=" not in html:
        return html
    return _POST_DAY_AT_UTC_MIDNIGHT.sub(r'\1\2"', html)
