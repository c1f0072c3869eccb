"""The Jinja settings every page template shares; each kind of page adds its own escaping
(Markdown pages: markdown_page.markdown_environment; HTML pages: html_page.html_environment)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2

from . import dates_in_words, names_in_words, numbers_in_words, referral_labels
from .stamp import code_digest
from .views import METHOD_WORDS, STAGE_WORDS, with_news


class _PageEnvironment(jinja2.Environment):
    """Jinja's environment with each template's globals in a plain dict.

    Every render copies the template's globals into its context; Jinja keeps them in a
    ``ChainMap``, which Python copies key by key (about 20 µs a page, 10,000 partner pages). The
    environments here are set up before their first template is loaded and never change after,
    so a copy made when a template loads holds the same names, and no template can change the
    environment's.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def page_environment(*, autoescape: bool, finalize: Callable[[Any], Any]) -> jinja2.Environment:
    """The package's templates, strict about undefined names, with the wording filters."""
    env = _PageEnvironment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape,
        finalize=finalize,
        # Templates are part of the code, which does not change while a process runs (the
        # render stamp's code digest assumes it too): no two stat calls per page to check.
        auto_reload=False,
        bytecode_cache=_bytecode_cache(finalize),
    )
    # These caches live as long as the environment, which is built once per process (compiling
    # the templates again each run costs more than the caches save): they keep at most 4,096
    # dates and amounts each, across the runs of `mkdocs serve`, and never a name.
    env.filters.update(
        # A page prints the same few hundred dates many times (every update, every "last news").
        longdate=functools.lru_cache(maxsize=4096)(dates_in_words.long_date),
        ago=functools.lru_cache(maxsize=4096)(dates_in_words.time_ago),
        plural=numbers_in_words.plural,
        digits=numbers_in_words.digits,
        # Babel formats an amount in ~50 µs; the insights page repeats a few thousand amounts.
        money_in=functools.lru_cache(maxsize=4096)(numbers_in_words.money_in),
        count_words=numbers_in_words.count_words,
        card_count=numbers_in_words.card_count,
        in_sentence=names_in_words.in_sentence,
        isolated=names_in_words.isolated,
        with_news=with_news,
    )
    env.globals.update(
        stage_words=STAGE_WORDS,
        method_words=METHOD_WORDS,
        asking_words=referral_labels.ASKING_LABELS,
        stage_events=referral_labels.STAGE_EVENTS,
    )
    return env


class _BytecodeCacheOrNone(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, in the user's cache folder: compiling the templates
    is about 0.06 s of every run, a third of a rebuild's generator after a one-note edit at 1,000
    partners. Jinja compiles again from a file it cannot read or that is cut short; a file that
    cannot be written (a full disk) is only a cache missed, never a failed run."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(finalize: Callable[[Any], Any]) -> jinja2.BytecodeCache | None:
    """Named for what compiled code depends on besides the template's own text and Python's
    version (which Jinja checks): the generator's code, templates and icons (its finalize and
    filters run on constants as a template compiles) and Jinja's version."""
    kind = f"{finalize.__module__}.{finalize.__qualname__}"
    digest = hashlib.sha256(f"{code_digest()}\0{jinja2.__version__}\0{kind}".encode()).hexdigest()
    try:
        folder = _cache_folder()
    except (OSError, RuntimeError):  # no home, or one this user may not write: no cache
        return None
    return _BytecodeCacheOrNone(str(folder), pattern=f"referral-newsletter-{digest[:24]}-%s.cache")


def _cache_folder() -> Path:
    """The user's own cache folder ($XDG_CACHE_HOME, else ~/.cache), private, as pip's: Jinja's
    default, _jinja2-cache-<uid> in /tmp, was left behind there, a new set of files for every
    version of the code (review49). Loading compiled code runs it, so no other user may write."""
    named = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(named) if os.path.isabs(named) else Path.home() / ".cache"
    folder = base / "referral-newsletter" / "templates"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_private(folder)
    return folder


def _check_private(folder: Path) -> None:
    """Refuse (OSError: no cache) a folder that another user may write, or one they own: mkdir
    leaves an existing folder as it is, and a cache folder made open to all (umask 000, a shared
    XDG_CACHE_HOME) let anyone put code there for this user's next run to load. Jinja checks
    as much for its own folder in /tmp; given a folder, it checks nothing."""
    facts = folder.lstat()
    if not stat.S_ISDIR(facts.st_mode) or facts.st_uid != os.getuid() or facts.st_mode & 0o022:
        raise OSError(f"{folder} is not a folder only this user may write")
