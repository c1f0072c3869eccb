"""The build's end of the leak guard's pipe: a message sent without waiting forever on a worker
that stopped reading.

MkDocs names the pages it writes to the worker in batches. A worker stopped (SIGSTOP) or stuck
while the pages are written no longer empties the pipe (a socket pair, about 200 KB): some 3,000
pages later the build's ``send`` waited for room that never came, and the build hung for good
instead of failing closed as a stall at the end does (review63). Here each write waits a moment
at most, and between writes the caller says whether to give up.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler


class Stalled(Exception):
    """The worker read nothing of a message for too long: why, in the guard's words."""


def bound_each_write(connection: Connection, seconds: float) -> None:
    """A write to ``connection`` returns after ``seconds`` with what fitted (SO_SNDTIMEO); where
    that cannot be set (not a socket), writes wait as before."""
    with contextlib.suppress(OSError):
        end = socket.socket(fileno=os.dup(connection.fileno()))  # the options are the socket's
        with end:
            whole, part = divmod(seconds, 1)
            end.setsockopt(
                socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", int(whole), int(part * 1e6))
            )


def send(connection: Connection, message: object, stalled: Callable[[], str | None]) -> None:
    """``connection.send(message)``, framed as ``Connection.recv`` reads it (a 4-byte length,
    then the pickle); after each write that moved nothing, ``stalled()`` says why to stop, or
    None to wait on. OSError as ``os.write`` raises it (a worker gone: a broken pipe)."""
    payload = bytes(ForkingPickler.dumps(message))
    left = memoryview(struct.pack("!i", len(payload)) + payload)  # a batch of names: far below 2 GiB
    while left:
        try:
            written = os.write(connection.fileno(), left)
        except BlockingIOError:  # the wait ran out with no room at all
            written = 0
        left = left[written:]
        if not written and (why := stalled()):
            raise Stalled(why)
