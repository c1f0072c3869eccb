"""Work done on the second core by a forked process, for the run's two longest steps: reading
a large partners file (plain_split) and rendering its pages (render_split).

A forked process starts with everything this one holds, so nothing is sent to it; only its
result comes back, pickled. The caller always has the same work to do itself when nothing comes
back (the process failed, died or never started), so a result is an optimisation, never a
dependency: an error is raised in this process, as without the fork.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

Result = TypeVar("Result")


def can_fork() -> bool:
    """Linux (fork is unsafe on macOS, absent on Windows), two cores, no other thread (a thread
    holding a lock at the fork, a log handler's under ``mkdocs serve``, would leave the forked
    process waiting for it forever), and not itself a daemonic process, which multiprocessing
    lets have no children: the leak guard's, which loads the data on a build with nothing
    changed, failed every such build of a file large enough to be read on two cores."""
    return (
        sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) >= 2
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def as_forked() -> None:
    """First thing in a forked process: the signals' default handling, not a handler of this
    run's (a build's fail-closed step must run once, in the build's own process)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


class Pending(Generic[Result]):
    """The result of work started in a forked process, once it has sent it."""

    def __init__(
        self, process: multiprocessing.process.BaseProcess | None, receiver: Connection | None
    ) -> None:
        self._process = process
        self._receiver = receiver

    def result(self) -> tuple[Result] | None:
        """``(result,)``, or None when the process sent nothing (failed, died, never started)."""
        if self._process is None or self._receiver is None:
            return None
        try:
            delivered: tuple[Result] = pickle.loads(self._receiver.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            return None
        return delivered

    def end(self) -> None:
        """Wait for the process to end (ending it first if it is still at work)."""
        if self._process is None or self._receiver is None:
            return
        self._receiver.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


@contextmanager
def forked(work: Callable[[], Result]) -> Iterator[Pending[Result]]:
    """``work`` started in a forked process; when the block ends, that process has ended."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    try:
        process = context.Process(target=_send, args=(work, sender, receiver), daemon=True, name="forked")
        process.start()
    except OSError:  # no process to spare: the caller does the work
        receiver.close()
        sender.close()
        yield Pending(None, None)
        return
    sender.close()
    pending: Pending[Result] = Pending(process, receiver)
    try:
        yield pending
    finally:
        pending.end()


def _send(work: Callable[[], object], sender: Connection, parent_end: Connection) -> None:
    """In the forked process: do the work and send its result; nothing on any error."""
    as_forked()
    parent_end.close()  # with a copy of it open, a killed parent would leave this one blocked
    try:
        sender.send_bytes(pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        pass
    finally:
        sender.close()
