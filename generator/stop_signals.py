"""Fail closed when a build is stopped by a signal while it writes a site nobody has checked.

MkDocs tells plugins of a failed build only when an ``Exception`` stops it (``on_build_error``):
Ctrl-C (``KeyboardInterrupt``) passes it by, and SIGTERM or SIGHUP (a CI step's timeout or
cancellation, a closed terminal) end the process with no clean-up at all. Either way the pages
written so far stayed in the site folder, never leak-guarded, for a deploy step that runs anyway.
While armed, these signals first run the build's fail-closed step, then take their usual course:
the same exit status, the same ``KeyboardInterrupt`` for Ctrl-C, as without it.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignals:
    """The handlers of :data:`STOPS` while a site is written and not yet checked."""

    def __init__(self, on_stop: Callable[[], None]) -> None:
        self._on_stop = on_stop
        self._previous: dict[int, Any] = {}

    @classmethod
    def arm(cls, on_stop: Callable[[], None]) -> StopSignals | None:
        """``on_stop`` runs first when one of :data:`STOPS` arrives. None off the main thread,
        where Python lets no handler be set (a build started by other code)."""
        if threading.current_thread() is not threading.main_thread():
            return None
        armed = cls(on_stop)
        armed._previous = _handled_stops()
        for stop in armed._previous:
            signal.signal(stop, armed._stopped)
        return armed

    def disarm(self) -> None:
        """The handlers as they were before :meth:`arm`."""
        previous, self._previous = self._previous, {}
        for stop, handler in previous.items():
            signal.signal(stop, handler)

    def _stopped(self, number: int, frame: FrameType | None) -> None:
        previous, self._previous = self._previous, {}
        for stop in previous:  # a second Ctrl-C (a terminal's, and the one passed on) waits its turn
            signal.signal(stop, signal.SIG_IGN)
        try:
            self._on_stop()
        finally:
            for stop, handler in previous.items():
                signal.signal(stop, handler)
            signal.raise_signal(number)  # its usual course, from the handler it had before


@contextmanager
def passed_on(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """While ``process`` (a site engine) runs: :data:`STOPS` go to it instead, so it fails
    closed itself (the plugin moves what MkDocs wrote aside) and this process, still waiting for
    it, then says so. Without it, Ctrl-C here killed MkDocs outright (``subprocess.run`` does so
    after 0.25 s), with half a site in site/, and SIGTERM left it running alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {stop: signal.getsignal(stop) for stop in STOPS}
    for stop, handler in previous.items():
        if handler not in (signal.SIG_IGN, None):
            signal.signal(stop, lambda number, frame: process.send_signal(number))
    try:
        yield
    finally:
        for stop, handler in previous.items():
            if handler is not None:
                signal.signal(stop, handler)


@contextmanager
def held() -> Iterator[None]:
    """:data:`STOPS` arriving in the block take their usual course when it ends: a record written
    to a file and kept in memory is either both or neither (a Ctrl-C between the two made a send
    the log calls delivered be reported as cut off). Deferred by Python's handlers, not a signal
    mask: a mask holds one thread only, and the signal then went to another. A stop ignored
    (``nohup``) stays ignored; off the main thread, where Python lets no handler be set, the block
    runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = _handled_stops()
    for stop in previous:
        signal.signal(stop, lambda number, frame: arrived.append(number))
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
        if arrived:
            signal.raise_signal(arrived[0])


def _handled_stops() -> dict[int, Any]:
    """:data:`STOPS` and their handlers, less those ignored (``nohup``) or set outside Python,
    which are left so."""
    handlers = {stop: signal.getsignal(stop) for stop in STOPS}
    return {stop: handler for stop, handler in handlers.items() if handler not in (signal.SIG_IGN, None)}
