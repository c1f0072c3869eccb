"""How the site presents itself beyond its pages: its name and the feeds' author."""

from __future__ import annotations

from .markdown import escape_html
from .models import Newsletter


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
