"""The private addresses to send each partner: the one place they are ever shown."""

from __future__ import annotations

from collections import Counter

from .models import PartnersFile
from .render import SiteLayout

# Read from here before site_config.py held them: the plugin, the mail and tests still import
# them from links (a later change can point those at site_config).
from .site_config import data_file_from, read_site_config, site_public_text, site_url_from

__all__ = [
    "data_file_from",
    "page_url",
    "partner_links",
    "read_site_config",
    "site_public_text",
    "site_url_from",
]


def partner_links(
    data: PartnersFile, layout: SiteLayout, site_url: str, *, directory_urls: bool = True
) -> list[tuple[str, str]]:
    """(partner name, full address) for every partner, in name order; a name two partners share
    carries the id, so each private link reaches the right one."""
    shared = {name for name, count in Counter(p.name for p in data.partners).items() if count > 1}
    return sorted(
        (
            f"{partner.name} ({partner.id})" if partner.name in shared else partner.name,
            page_url(site_url, layout.partner_page(partner), directory_urls=directory_urls),
        )
        for partner in data.partners
    )


def page_url(site_url: str, page: str, *, directory_urls: bool = True) -> str:
    """The published address of a docs page such as ``p/<token>.md``: ``p/<token>/``, or
    ``p/<token>.html`` where mkdocs.yml sets ``use_directory_urls: false``."""
    base = site_url if site_url.endswith("/") else f"{site_url}/"
    path = page.removesuffix(".md")
    return f"{base}{path}/" if directory_urls else f"{base}{path}.html"
