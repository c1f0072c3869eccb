"""What the newsletter feeds say beyond what mkdocs-rss-plugin derives itself."""

from __future__ import annotations

from .models import Newsletter


def feed_author(newsletter: Newsletter) -> list[str]:
    """An RSS ``<author>``: "address (Name)", the only form RSS 2.0 and its validator accept.

    Without a public address, no author at all (valid) rather than a bare name (an error).
    """
    return [f"{newsletter.email} ({newsletter.owner})"] if newsletter.email else []
