"""Under ``mkdocs serve``: a save the generator refuses is shown in the open tab, and the last
good site is still served.

MkDocs' server takes any failed build for a stuck one: the open tab kept its page without a
word, and every page asked for waited until a build succeeded ("The server will appear stuck
until build errors are resolved"), so an editor who reloaded after a bad save saw a spinner.
A build the generator refuses at its start (bad data, a page it may not replace) has written
nothing: the site folder is the last good build's. So the server goes on serving it, the tab
reloads, and every page shows the problems above its content until a save fixes them. The
banner is added to each response, never to the site's files. No MkDocs import: the server is
reached through two attributes of MkDocs 1.6's ``LiveReloadServer`` (a frozen release).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from typing import Any

log = logging.getLogger("mkdocs.plugins.referral_newsletter")

BANNER_STYLE = (
    "margin:0;padding:.8em 1em;background:#fff3cd;color:#3d2c00;border-bottom:3px solid #c0392b;"
    "font:15px/1.4 system-ui,sans-serif;white-space:pre-wrap;position:fixed;left:0;right:0;bottom:0;"
    "z-index:1000;max-height:45vh;overflow:auto"
)
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)


class Refused(Exception):
    """A save the generator refused, once the server keeps serving: no ``BuildError``, which
    MkDocs would log through its own logger, and that one drops a message it printed before (the
    same mistake saved twice said nothing the second time)."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class RefusedSave:
    """The problems that stopped the latest build before it wrote anything, if any."""

    def __init__(self) -> None:
        self.serving = False  # keep_serving is in place: refuse with Refused
        self.report: str | None = None

    def banner(self) -> bytes:
        text = html.escape(self.report or "")
        return (
            f'<div role="alert" id="referral-serve-problem" style="{BANNER_STYLE}">'
            "<strong>Not rebuilt</strong>: the preview shows the last good version until a save "
            f"fixes this (the terminal says the same).\n{text}</div>"
        ).encode()


def can_keep_serving(server: object) -> bool:
    return all(hasattr(server, name) for name in ("builder", "_inject_js_into_html"))


def keep_serving(server: Any, refused: RefusedSave) -> None:
    """A refused build ends as a good one for the server (the tab reloads, pages are served),
    and each page served until the next good build carries the problems."""
    server.builder = _refusal_kept(server.builder, refused)
    inject: Callable[[bytes, int], bytes] = server._inject_js_into_html

    def with_banner(content: bytes, epoch: int) -> bytes:
        content = inject(content, epoch)
        body = _BODY.search(content) if refused.report else None
        return content if body is None else content[: body.end()] + refused.banner() + content[body.end() :]

    server._inject_js_into_html = with_banner
    refused.serving = True


def _refusal_kept(build: Callable[..., Any], refused: RefusedSave) -> Callable[..., Any]:
    def builder(*args: Any, **kwargs: Any) -> Any:
        refused.report = None
        try:
            return build(*args, **kwargs)
        except Refused as refusal:
            refused.report = refusal.report
            log.error(refusal.report)
            log.info("The preview keeps the last good site, with these problems shown on each page.")
            return None

    return builder
