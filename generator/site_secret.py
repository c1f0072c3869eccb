"""The site secret behind private addresses: from the environment, or a local preview file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .names_in_words import name_order
from .numbers_in_words import digits
from .record_files import NotAFile, record_bytes
from .runnable import generator_command

ENV_VAR = "REFERRAL_SITE_SECRET"
PREVIEW_VAR = "REFERRAL_PREVIEW"
# Set by a build whose site is deployed (the Pages workflow): its secret must be strong.
PUBLISH_VAR = "REFERRAL_PUBLISH"
CI_VARS = ("CI", "GITHUB_ACTIONS")
# 22 characters of token_urlsafe's 64-letter alphabet carry 132 bits: beyond brute force.
MIN_LENGTH = 22
# "aaaa…" or "abababab…" are long but guessable in a few tries.
MIN_DISTINCT = 8
THROWAWAY_WARNING = (
    f"{PREVIEW_VAR} is set: this preview uses a throwaway secret, so its private addresses match "
    "no link ever sent. Never deploy it."
)
HOW_TO_MAKE = 'make one with: python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


def moved_warning(pages: int) -> str:
    """Said once, by the run that finds the secret changed since the last one (the render
    memo's record is signed with another): naming neither the secret nor any address."""
    links = f"`{generator_command('links')}`"
    if pages == 1:  # the owner's insights page alone: no partner has a page yet
        return (
            "the site secret is not the one the last run used: the private page moves to a new "
            f"address; its old link will stop working; {links} gives the new one"
        )
    return (
        f"the site secret is not the one the last run used: all {digits(pages)} private pages move to "
        f"new addresses; partners' old links will stop working; send them their new links with {links}"
    )


def gone_warning(names: list[str]) -> str:
    """Said by the run that removed private pages under an unchanged secret (a partner's id
    renamed, an epoch raised, a partner taken out): the links sent to them now lead to the 404
    page, and nothing else tells the owner whom to send a new one. Names, never addresses (a
    CI log is read without the secret); five at most, so a big clean-up stays one line."""
    shown = sorted(names, key=name_order)[:5]  # "Partner 2" before "Partner 10", as a reader counts
    if len(names) > len(shown):
        shown.append(f"{digits(len(names) - len(shown))} more")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    if len(names) == 1:
        said = f"the private page of {listed} is gone from its address"
        send = "the link sent to them now shows 'Page not found'; if they are still a partner, send them their new link"
    else:
        said = f"the private pages of {listed} are gone from their addresses"
        send = (
            "the links sent to them now show 'Page not found'; to those still partners, send their new links"
        )
    why = "(a partner's id renamed, an epoch raised, or a partner taken out of the data)"
    return f"{said} {why}: {send} from `{generator_command('links')}`"


# links under a secret other than the last run's: its addresses lead to no page until a build.
UNBUILT_LINKS_WARNING = (
    "the site secret is not the one the last run used: these addresses lead to no page until "
    "the site is generated and published with this secret; send them only then"
)


class MissingSecret(Exception):
    """No usable secret: none given where one is needed, or one too weak to keep pages private."""


class WeakSecret(MissingSecret):
    """An empty, blank, short or repetitive secret: the private addresses could be computed."""


@dataclass(frozen=True)
class SiteSecret:
    """The key; ``pending`` is a new secret's file, written by :meth:`keep` once the build goes ahead."""

    value: bytes = field(repr=False)  # never shown, even in a traceback
    origin: str = "environment"  # environment | file | created | throwaway
    pending: Path | None = None
    warning: str | None = None  # a weak secret accepted for a local preview, said at every run

    def keep(self) -> None:
        """Write a newly made secret to its file; refused builds never call this, so create nothing."""
        if self.pending is None:
            return
        self.pending.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(self.value + b"\n")

    def discard(self) -> None:
        """Remove the file :meth:`keep` wrote: the run that made the secret failed and put back
        everything else it wrote, so no page is keyed by it."""
        if self.pending is not None:
            self.pending.unlink(missing_ok=True)


def _as_utf8(value: str) -> str:
    """An environment variable as the UTF-8 text it holds: Python decodes the environment in the
    locale's encoding, so under LC_ALL=C without its UTF-8 mode "é" arrives as two undecodable
    bytes (kept as surrogates), which keyed nothing; the same secret must give the same
    addresses on every machine."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:  # bytes that are no UTF-8: keyed as they are
        return value


def weakness(value: str) -> str | None:
    """Why ``value`` is too weak to key private addresses, or None when it will do."""
    if not value.strip():
        return "is empty or only whitespace"
    if len(value) < MIN_LENGTH:
        return f"is {len(value)} characters long; it needs at least {MIN_LENGTH} (128 bits)"
    if len(set(value)) < MIN_DISTINCT:
        return f"repeats too few characters; it needs at least {MIN_DISTINCT} different ones"
    return None


def strong(value: str, where: str) -> bytes:
    """``value`` as the key, or :class:`WeakSecret` saying where it came from and how to make one."""
    problem = weakness(value)
    if problem:
        raise WeakSecret(f"the site secret in {where} {problem}; {HOW_TO_MAKE}")
    return value.encode("utf-8", "surrogateescape")


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def in_ci(environ: Mapping[str, str]) -> bool:
    """CI services (GitHub Actions, GitLab, most others) set ``CI``; a build there may be deployed."""
    return any(_flag(environ, name) for name in CI_VARS)


def resolve_secret(
    environ: Mapping[str, str],
    secret_file: Path,
    *,
    publishing: bool = False,
    create: bool = True,
    sends_addresses: bool = False,
) -> SiteSecret:
    """The secret from ``REFERRAL_SITE_SECRET``, else the local file, else a new one.

    A new secret is only returned, not written: the caller calls ``keep()`` once its run goes
    ahead. In CI a new secret would give addresses that match no link ever sent, so it is refused
    unless ``REFERRAL_PREVIEW=1`` asks for a throwaway preview (never for ``sends_addresses``:
    ``links`` would print addresses that lead to no page). ``create=False``: checking pages
    needs the secret they were made with.

    A weak secret from the environment is refused where addresses leave the machine: publishing
    (``gh-deploy``, ``mail --send``, a build with ``REFERRAL_PUBLISH=1``) and ``sends_addresses``
    (``links``). A build in CI that publishes nothing (tests, a check of a pull request) goes
    ahead with a warning, as a local preview does: its addresses are never sent.
    """
    raw = _as_utf8(environ.get(ENV_VAR, ""))
    if raw:  # empty is "not set" (a CI secret missing in a fork); blank is a mistake
        strict = publishing or sends_addresses or _flag(environ, PUBLISH_VAR)
        return _from_environment(raw.strip(), strict)
    if publishing:
        raise MissingSecret(
            f"{ENV_VAR} is not set. Publishing needs the same secret every time, or every "
            f"private link already sent stops working ({HOW_TO_MAKE}); see 'Privacy' in README.md."
        )
    if os.path.lexists(secret_file):
        return _from_file(secret_file)
    if not create:
        raise MissingSecret(f"no secret: set {ENV_VAR} to the one the pages were generated with")
    return _new_secret(environ, secret_file, sends_addresses)


def _from_file(secret_file: Path) -> SiteSecret:
    """The local preview's stored secret, refused when weak like one from the environment."""
    # Not a file: a new secret would key addresses no link matches, and could not be stored there.
    try:
        stored = record_bytes(secret_file).strip()
    except NotAFile as error:  # a named pipe among them: reading it waited forever
        raise MissingSecret(_not_a_file(secret_file, error.kind)) from None
    except FileNotFoundError:  # it is there (lexists): a link to nothing
        raise MissingSecret(_not_a_file(secret_file, "a broken link")) from None
    strong(stored.decode("utf-8", errors="replace"), str(secret_file))
    return SiteSecret(stored, "file")


def _not_a_file(secret_file: Path, kind: str) -> str:
    return f"{secret_file} is not a file ({kind}): remove it to make a new secret, or set {ENV_VAR}"


def _from_environment(value: str, deployable: bool) -> SiteSecret:
    """A short or repetitive secret is refused where pages or addresses are published; a preview
    or a test build goes ahead with a warning, since its addresses are never sent."""
    problem = weakness(value)
    if problem is None or deployable or not value:
        return SiteSecret(strong(value, ENV_VAR), "environment")
    warning = (
        f"{ENV_VAR} {problem}: fine for a preview or a test build, refused for publishing "
        f"(gh-deploy, mail --send, links, {PUBLISH_VAR}=1); {HOW_TO_MAKE}"
    )
    return SiteSecret(value.encode("utf-8", "surrogateescape"), "environment", warning=warning)


def _new_secret(environ: Mapping[str, str], secret_file: Path, sends_addresses: bool) -> SiteSecret:
    value = secrets.token_urlsafe(32).encode("ascii")
    if not in_ci(environ):
        return SiteSecret(value, "created", pending=secret_file)
    if sends_addresses:
        # A throwaway secret's addresses lead to no page, in the preview or anywhere else.
        raise MissingSecret(
            f"{ENV_VAR} is not set, and this is a CI run (CI or GITHUB_ACTIONS is set): the "
            f"addresses to send partners come only from the site's own secret ({PREVIEW_VAR}=1 "
            f"would key them with a throwaway one, leading to no page). Set {ENV_VAR} to it."
        )
    if _flag(environ, PREVIEW_VAR):
        return SiteSecret(value, "throwaway")
    raise MissingSecret(
        f"{ENV_VAR} is not set, and this is a CI run (CI or GITHUB_ACTIONS is set): a throwaway "
        "secret would give private addresses that match no link ever sent. Set the repository "
        f"secret {ENV_VAR} ({HOW_TO_MAKE}), or set {PREVIEW_VAR}=1 for a throwaway preview "
        "that must never be deployed."
    )
