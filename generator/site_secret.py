"""The site secret behind private addresses: from the environment, or a local preview file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "REFERRAL_SITE_SECRET"


class MissingSecret(Exception):
    """A publishing build has no explicit secret."""


@dataclass(frozen=True)
class SiteSecret:
    value: bytes
    origin: str = "environment"  # environment | file | created

    def __repr__(self) -> str:  # never show the value, even in a traceback
        return f"SiteSecret(origin={self.origin!r})"


def resolve_secret(
    environ: Mapping[str, str], secret_file: Path, *, publishing: bool = False, create: bool = True
) -> SiteSecret:
    """The secret from ``REFERRAL_SITE_SECRET``, else the local file (created on first use,
    unless ``create`` is false: checking pages needs the secret they were made with)."""
    from_env = environ.get(ENV_VAR, "").strip()
    if from_env:
        return SiteSecret(from_env.encode("utf-8"), "environment")
    if publishing:
        raise MissingSecret(
            f"{ENV_VAR} is not set. Publishing needs the same secret every time, or every "
            "private link already sent stops working; see 'Privacy' in README.md."
        )
    if secret_file.is_file():
        return SiteSecret(secret_file.read_bytes().strip(), "file")
    if not create:
        raise MissingSecret(f"no secret: set {ENV_VAR} to the one the pages were generated with")
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(secrets.token_urlsafe(32) + "\n")
    return SiteSecret(secret_file.read_bytes().strip(), "created")
