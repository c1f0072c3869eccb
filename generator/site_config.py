"""mkdocs.yml read as plain data, without MkDocs: the settings the commands and the guard need."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .theme_words import theme_words


def directory_urls_from(config_file: Path) -> bool:
    """MkDocs' ``use_directory_urls`` (default true): where each page is built, so where the
    addresses sent to partners must point."""
    return read_site_config(config_file).get("use_directory_urls", True) is not False


PLUGIN_NAME = "referral-newsletter"  # as mkdocs.yml lists the plugin


def data_file_from(config_file: Path, default: str) -> str:
    """The data file the plugin in ``config_file`` reads (its ``data_file``, relative to the
    file's folder, as the plugin takes it), else ``default``, also when there is no such file."""
    if not config_file.is_file():
        return default
    try:
        plugins = read_site_config(config_file).get("plugins") or []
    except ValueError:  # a broken mkdocs.yml stops the build, not a check of the data
        return default
    entries = plugins.items() if isinstance(plugins, dict) else (_plugin_entry(item) for item in plugins)
    for name, options in entries:
        if name == PLUGIN_NAME and isinstance(options, dict) and isinstance(options.get("data_file"), str):
            return str(config_file.parent / options["data_file"])
    return default


def _plugin_entry(item: object) -> tuple[object, object]:
    """A ``plugins:`` list item, ``name`` or ``{name: {options}}``, as (name, options)."""
    return next(iter(item.items())) if isinstance(item, dict) and item else (item, None)


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags such as !ENV or !!python/name become None."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """MkDocs' ``!ENV VAR`` and ``!ENV [VAR, …, default]``: the first variable set, else the
    default (a ``site_url`` given this way is the address the site is published at)."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode) and node.value:
        *named, last = node.value
        names = (
            [loader.construct_scalar(item) for item in named] if named else [loader.construct_scalar(last)]
        )
        default = loader.construct_object(last) if named else None
    else:
        return None
    return next((os.environ[str(name)] for name in names if str(name) in os.environ), default)


_LenientLoader.add_constructor("!ENV", _env_tag)
_LenientLoader.add_multi_constructor("!", _ignore_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def read_site_config(config_file: Path, *, inherited_by: tuple[Path, ...] = ()) -> dict[str, Any]:
    """mkdocs.yml as plain data, without MkDocs (or Zensical, which reads the same file), over
    the file its ``INHERIT`` names (relative to it), merged as MkDocs merges them."""
    try:
        config = yaml.load(config_file.read_text("utf-8"), Loader=_LenientLoader)
    except FileNotFoundError:
        raise ValueError(
            f"cannot read {config_file}: there is no such file (run the command in the project's folder)"
        ) from None
    except OSError as error:  # its text repeats the file's name: the reason alone
        raise ValueError(f"cannot read {config_file}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{config_file}:{_yaml_trouble(error)}") from None
    config = config if isinstance(config, dict) else {}
    parent = config.pop("INHERIT", None)
    if not isinstance(parent, str) or config_file in inherited_by:  # a loop: MkDocs fails on it
        return config
    base = read_site_config(config_file.parent / parent, inherited_by=(*inherited_by, config_file))
    return _merged(base, config)


def _yaml_trouble(error: yaml.YAMLError) -> str:
    """PyYAML's complaint as ``LINE:COLUMN: …`` on one line: its own text spans five lines, calls
    the file "<unicode string>" and puts the place of the fault after its cause."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return f" not valid YAML: {' '.join(str(error).split())}"
    problem = getattr(error, "problem", None) or "a syntax error"
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    opened = f" ({context} at line {start.line + 1}, column {start.column + 1})" if context and start else ""
    return f"{mark.line + 1}:{mark.column + 1}: not valid YAML: {problem}{opened}; fix it there"


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: mappings merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        merged[key] = _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def site_public_text(config_file: Path) -> tuple[str, ...]:
    """The site's name and description, and the words its theme prints (theme_words): public
    words, whatever the data holds."""
    config = read_site_config(config_file)
    named = tuple(str(config.get(key) or "") for key in ("site_name", "site_description"))
    return (*named, *theme_words(config))


def site_url_from(
    config_file: Path, *, required: bool = True, fix: str = "set it, or pass --site-url"
) -> str:
    """``site_url`` from mkdocs.yml; when ``required``, an error saying how to set it if absent
    (``fix``: what the calling command accepts)."""
    url = read_site_config(config_file).get("site_url")
    if not isinstance(url, str) or not url.strip():
        if not required:
            return ""
        raise ValueError(f"{config_file} has no site_url; {fix}")
    return web_address(url.strip(), f"site_url in {config_file}")


def web_address(url: str, where: str) -> str:
    """The site's address as partners will open it: a link without its scheme or host would
    reach every partner broken (in mail above all), so anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValueError(
            f"{where} must be a full web address such as https://partners.example.com/, not '{url}'"
        )
    return url
