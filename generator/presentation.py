"""How the site presents itself beyond its pages: its name and the feeds' author."""

from __future__ import annotations

from .models import Newsletter


def brand_name(newsletter: Newsletter, site_name: str) -> str:
    """The site's name in the header and browser tab: the business when the data names one."""
    return newsletter.business or site_name


def feed_author(newsletter: Newsletter) -> list[str]:
    """An RSS ``<author>``: "address (Name)", the only form RSS 2.0 and its validator accept.

    Without a public address, no author at all (valid) rather than a bare name (an error).
    """
    return [f"{newsletter.email} ({newsletter.owner})"] if newsletter.email else []
