"""The words a site prints whatever its data: the theme's own (Material's language strings:
"Skip to content", "Archive", "Categories"…) and those mkdocs.yml gives it (nav titles, palette
settings and toggles, theme features, blog categories, copyright). The leak guard takes them as
public text, so a hidden partner whose company is "Archive" is no leak where Material prints
"Archive" on every page.
mkdocs.yml is read as plain data and the language file as text: no MkDocs here.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# One entry of Material's language macro: `  "blog.archive": "Archive",`
_ENTRY = re.compile(r'^\s*"([\w.]+)":\s*"((?:[^"\\]|\\.)*)",?\s*$', re.MULTILINE)
_NOT_WORDS = ("language", "direction")  # a language code and "ltr": no text a reader sees
_FALLBACK = "en"  # Material falls back to English for any string a language lacks


def theme_words(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Every text the theme and ``config`` (mkdocs.yml as plain data) print on pages."""
    theme = config.get("theme")
    theme = theme if isinstance(theme, Mapping) else {}
    return (
        *_texts(config.get("copyright")),
        *_nav_titles(config.get("nav")),
        *_palette_words(theme.get("palette")),
        *(feature for feature in _listed(theme.get("features")) if isinstance(feature, str)),
        *_blog_categories(config.get("plugins")),
        *language_strings(str(theme.get("language") or _FALLBACK)),
    )


def language_strings(language: str) -> tuple[str, ...]:
    """Material's strings in ``language`` and in English; none when Material is not installed."""
    folder = _languages_folder()
    if folder is None:
        return ()
    strings: list[str] = []
    for name in dict.fromkeys((language, _FALLBACK)):
        path = folder / f"{Path(name).name}.html"  # a name, never a path out of the folder
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            strings += [value for key, value in _ENTRY.findall(text) if key not in _NOT_WORDS]
    return tuple(strings)


def _languages_folder() -> Path | None:
    """Material's language files, found without importing it (nor MkDocs through it)."""
    try:
        spec = importlib.util.find_spec("material")
    except (ImportError, ValueError):
        return None
    locations = spec.submodule_search_locations if spec else None
    if not locations:
        return None
    folder = Path(next(iter(locations))) / "templates" / "partials" / "languages"
    return folder if folder.is_dir() else None


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str) and value.strip():
        yield value


def _nav_titles(nav: object) -> Iterator[str]:
    """The titles of ``nav: [{Home: index.md}, {Newsletter: [...]}]``, at every depth."""
    if isinstance(nav, list):
        for item in nav:
            yield from _nav_titles(item)
    elif isinstance(nav, Mapping):
        for title, below in nav.items():
            yield from _texts(title)
            yield from _nav_titles(below)


def _palette_words(palette: object) -> Iterator[str]:
    """Each palette's settings, which Material prints in every page's attributes
    (``data-md-color-primary="indigo"``, ``data-md-color-scheme="slate"``), and its toggle's
    name ("Switch to dark mode"), the button's title: a hidden partner's company "Indigo" or
    "Orange" is no leak there."""
    for scheme in _listed(palette):
        if not isinstance(scheme, Mapping):
            continue
        for setting in ("scheme", "primary", "accent", "media"):
            yield from _texts(scheme.get(setting))
        toggle = scheme.get("toggle")
        if isinstance(toggle, Mapping):
            yield from _texts(toggle.get("name"))


def _listed(value: object) -> list[object]:
    """A list as given, a single value as a list of one (mkdocs.yml takes either)."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _blog_categories(plugins: object) -> Iterator[str]:
    """The blog plugin's allowed categories: printed on every post and in the navigation."""
    for entry in _listed(plugins):
        blog = entry.get("blog") if isinstance(entry, Mapping) else None
        categories = blog.get("categories_allowed") if isinstance(blog, Mapping) else None
        for category in categories if isinstance(categories, list) else []:
            yield from _texts(category)
