"""Rendering on two cores: a forked process renders pages from the end of the list while this
one renders from the start, until they meet.

Rendering is pure (text in, text out) and a forked process starts with the loaded model, so
nothing is sent to it; what comes back is each page's bytes. The result is the same pages as
rendering them here one by one, given out as each is ready (:class:`PagesInTurn`, which the
writer writes as they come): any page the other process did not return (it failed, died or was
never started) is rendered here, so an error is raised here, with its own traceback, exactly
as without the split.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from .forked import as_forked, can_fork

# Below this many pages a fork (about 10 ms with a large model) costs more than it saves.
MIN_PAGES = 200
# Pages claimed at a time, and sent back at a time: few lock and pipe operations, small messages.
_CLAIM = 8
_SEND = 64
_PIPE_SIZE = 1 << 20
# Seconds to wait for the claim lock, held a few microseconds at a time: longer means the process
# holding it was killed there (a POSIX semaphore is not given back by a dead process), and the
# claims stop; any page not delivered is rendered here, as when the other process dies.
CLAIM_WAIT = 10.0

Renderers = Mapping[str, Callable[[], str]]
Aside = TypeVar("Aside")


class PagesInTurn(Generic[Aside]):
    """Every page rendered and encoded as UTF-8, on two cores where that can help, each given
    out as soon as it is ready (in no fixed order): a caller that writes each one then holds a
    few pages, not the site (112 MB at 10,000 partners). And the result of ``aside``: other
    work of the run, done by the other process before it renders (its result comes back, not
    the memory it took: worked out here, between pages, the render memo's keys left this
    process 14 MB larger at 10,000 partners), or here if it did not.

    Iterate it once; a caller that stops early closes the iterator (``contextlib.closing``),
    which stops the other process."""

    def __init__(self, renderers: Renderers, aside: Callable[[], Aside]) -> None:
        self.paths = list(renderers)
        self._renders = [renderers[path] for path in self.paths]
        self._aside = aside
        self._result: tuple[Aside] | None = None

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        given = bytearray(len(self.paths))
        sent: list[tuple[Aside]] = []
        if _can_split(len(self.paths)):
            for index, page in _render_split(self._renders, self._aside, sent):
                given[index] = 1
                yield self.paths[index], page
        # Any page the other process did not deliver (it failed, died or was never started) is
        # rendered here: an error is raised here, with its own traceback, as without the split.
        for index, render in enumerate(self._renders):
            if not given[index]:
                yield self.paths[index], render().encode("utf-8")
        self._result = sent[0] if sent else (self._aside(),)

    def aside_result(self) -> Aside:
        """``aside``'s result, once every page has been given out."""
        if self._result is None:
            raise RuntimeError("the work aside is known once every page has been given out")
        return self._result[0]


def _can_split(count: int) -> bool:
    return count >= MIN_PAGES and can_fork()


def _render_split(
    renders: list[Callable[[], str]], aside: Callable[[], Aside], sent: list[tuple[Aside]]
) -> Iterator[tuple[int, bytes]]:
    """``(index, page)`` from both ends, as each is ready, until the two ends meet; the other
    process's ``(aside's result,)`` goes into ``sent`` when it sends it."""
    context = multiprocessing.get_context("fork")
    bounds = context.RawArray("q", [0, len(renders) - 1])  # next from the front, next from the back
    lock = context.Lock()
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    process = _started(context, (renders, aside, bounds, lock, sender, receiver))
    if process is None:  # no process to spare: render everything here
        return
    sender.close()
    # Taken as it arrives, by a thread: received only between this process's own pages, the
    # other process waited on a full pipe most of the time (it rendered a third of the pages in
    # half the time, the rest blocked) whenever this one rendered a long page (insights: 0.6 s).
    arrived: queue.SimpleQueue[list[tuple[int, bytes]] | None] = queue.SimpleQueue()
    drain = threading.Thread(
        target=_receive, args=(receiver, arrived, sent), name="render-receive", daemon=True
    )
    drain.start()
    try:
        while (claimed := _claim(bounds, lock, front=True)) is not None:
            for index in claimed:
                yield index, renders[index]().encode("utf-8")
            yield from _taken(arrived, wait=False)
        yield from _taken(arrived, wait=True)
    except BaseException:  # an error here, or the caller stopped (GeneratorExit): no more pages
        process.terminate()  # its end closes, so the thread's wait ends
        raise
    finally:
        drain.join()
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join()


def _started(
    context: multiprocessing.context.ForkContext, args: tuple[object, ...]
) -> multiprocessing.process.BaseProcess | None:
    """The other process, rendering from the back; None when none could be started. The
    parent's end of the pipe goes along to be closed there: with a copy of it open, a child whose
    parent was killed wrote into a full pipe forever (review18), holding the project's lock."""
    process = context.Process(target=_render_from_back, args=args, daemon=True, name="render")
    try:
        process.start()
    except OSError:
        return None
    return process


def _taken(
    arrived: queue.SimpleQueue[list[tuple[int, bytes]] | None], *, wait: bool
) -> Iterator[tuple[int, bytes]]:
    """The other process's pages that have come in; with ``wait``, every one until it is done."""
    while True:
        try:
            batch = arrived.get() if wait else arrived.get_nowait()
        except queue.Empty:
            return
        if batch is None:  # the other process is done: said again for the final wait
            arrived.put(None)
            return
        yield from batch


def _widen(pipe: Connection) -> None:
    """A pipe of 1 MiB (Linux's default most for a user) instead of 64 KiB: a batch then goes in
    one write and is taken in one read, so the other process rarely waits for this one's thread,
    which waits up to 5 ms for the interpreter lock at each read (64 KiB: 1.9 s at 10,000
    partners; 1 MiB: 1.45 s)."""
    import fcntl  # only where the split runs: Linux

    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _claim(bounds: Any, lock: Any, *, front: bool) -> range | None:
    """The next few indices from one end, or None when the two ends have met (or the other
    process died holding the lock)."""
    if not lock.acquire(timeout=CLAIM_WAIT):
        return None
    try:
        first, last = bounds[0], bounds[1]
        if first > last:
            return None
        if front:
            end = min(first + _CLAIM, last + 1)
            bounds[0] = end
            return range(first, end)
        start = max(last - _CLAIM + 1, first)
        bounds[1] = start - 1
        return range(start, last + 1)
    finally:
        lock.release()


def _receive(
    receiver: Connection, arrived: queue.SimpleQueue[list[tuple[int, bytes]] | None], sent: list[tuple[Aside]]
) -> None:
    """Take the other process's result of ``aside``, then its batches of pages, until it closes
    its end (done, or died); then None."""
    try:
        sent.append(pickle.loads(receiver.recv_bytes()))
        while True:
            arrived.put(pickle.loads(receiver.recv_bytes()))
    except (EOFError, OSError, pickle.UnpicklingError):
        return
    finally:
        arrived.put(None)


def _render_from_back(
    renders: list[Callable[[], str]],
    aside: Callable[[], object],
    bounds: Any,
    lock: Any,
    sender: Connection,
    parent_end: Connection,
) -> None:
    """The forked process: do ``aside`` and send its result, then render from the back, send the
    pages in batches, stop at the first error (the parent renders what is missing, and so raises the error itself), or when the
    parent has gone (its end closed: sending fails)."""
    as_forked()
    parent_end.close()
    batch: list[tuple[int, bytes]] = []
    try:
        sender.send_bytes(pickle.dumps((aside(),), protocol=pickle.HIGHEST_PROTOCOL))
        while (claimed := _claim(bounds, lock, front=False)) is not None:
            for index in reversed(claimed):
                batch.append((index, renders[index]().encode("utf-8")))
            if len(batch) >= _SEND:
                sender.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
                batch = []
        if batch:
            sender.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        pass
    finally:
        sender.close()
