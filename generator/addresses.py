"""Unguessable addresses for private pages: a keyed hash of the partner id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

TOKEN_LENGTH = 26  # base32 characters: 130 bits of the HMAC in the path
# An address as one segment of a path below the site: p/<token>/… or p/<token>.html.
_ADDRESS_IN_PATH = re.compile(rf"(?<![^/])([a-z2-7]{{4}})[a-z2-7]{{{TOKEN_LENGTH - 4}}}(?=[/.]|$)")


def private_token(secret: bytes, kind: str, key: str, epoch: int = 0) -> str:
    """A stable token for one private page; a new ``epoch`` or secret gives a new one."""
    message = f"{kind}\x00{key}\x00{epoch}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    # Base32 writes each 5 bytes as 8 characters on their own: the first 20 bytes give the same
    # first 32 characters as the whole digest, in half the time (10,000 tokens a run).
    return base64.b32encode(digest[:20]).decode("ascii").lower()[:TOKEN_LENGTH]


def without_address(path: str) -> str:
    """``path`` with a private page's address cut to its first four characters (p/yk3c…/index.html).
    For reports that reach CI logs, which whoever reads the repository reads without the site
    secret: the whole address opens the partner's page on the live site, while its start is
    enough to find the page in `links`' list (and leaves 110 bits unguessed)."""
    return _ADDRESS_IN_PATH.sub(r"\1…", path)
