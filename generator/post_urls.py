"""Where Material's blog plugin builds a post, from the blog settings in mkdocs.yml, so a mail's
"Read the issue online" reaches the issue whatever ``post_url_format`` a site chose."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date, format_datetime

_BLOG_PLUGINS = ("blog", "material/blog")


@dataclass(frozen=True)
class PostUrls:
    """The blog plugin's settings that name a post's page (Material's defaults where unset).

    Built without MkDocs, as ``links`` reads ``site_url``; the same steps as the plugin's
    ``_format_path_for_post``."""

    url_format: str = "{date}/{slug}"
    date_format: str = "yyyy/MM/dd"
    max_categories: int = 1
    language: str = "en"

    @classmethod
    def of(cls, config: dict[str, Any]) -> PostUrls:
        """From mkdocs.yml read as plain data."""
        blog = _blog_settings(config)
        theme = config.get("theme")
        language = theme.get("language") if isinstance(theme, dict) else None
        return cls(
            str(blog.get("post_url_format") or cls.url_format),
            str(blog.get("post_url_date_format") or cls.date_format),
            int(blog.get("post_url_max_categories", cls.max_categories)),
            str(language or cls.language).replace("-", "_"),
        )

    def post_page(self, blog_dir: str, created: dt.date, slug: str, file: str, categories: list[str]) -> str:
        """The docs page a post is built as, e.g. ``blog/2026/11/newsletter-2026-11.md``."""
        path = self.url_format.format(
            categories="/".join(_slugify(name) for name in categories[: self.max_categories]),
            date=self._date(created),
            file=file,
            slug=slug,
        )
        return posixpath.join(blog_dir, f"{posixpath.normpath(path.strip('/'))}.md")

    def _date(self, created: dt.date) -> str:
        moment = dt.datetime.combine(created, dt.time())
        if self.date_format in ("full", "long", "medium", "short"):
            return str(format_date(moment, format=self.date_format, locale=self.language))
        return str(format_datetime(moment, format=self.date_format, locale=self.language))


def _blog_settings(config: dict[str, Any]) -> dict[str, Any]:
    plugins = config.get("plugins")
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict):
            for name, settings in entry.items():
                if name in _BLOG_PLUGINS:
                    return settings if isinstance(settings, dict) else {}
    return {}


def _slugify(name: str) -> str:
    """Material's default for categories (pymdownx's slugify, lower case), for plain names."""
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-")
