"""Rendering on two cores: a forked process renders pages from the end of the list while this
one renders from the start, until they meet.

Rendering is pure (text in, text out) and a forked process starts with the loaded model, so
nothing is sent to it; what comes back is each page's bytes. The result is the same pages in
the same order as rendering them here one by one: any page the other process did not return
(it failed, died or was never started) is rendered here, so an error is raised here, with its
own traceback, exactly as without the split.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any, TypeVar

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


def encoded_pages(renderers: Renderers, aside: Callable[[], Aside]) -> tuple[dict[str, bytes], Aside]:
    """Every page rendered and encoded as UTF-8, on two cores where that can help, and the
    result of ``aside``: other work of the run, done by the other process before it renders
    (its result comes back, not the memory it took: worked out here, between pages, the render
    memo's keys left this process 14 MB larger at 10,000 partners), or here if it did not."""
    paths = list(renderers)
    if not _can_split(len(paths)):
        return {path: renderers[path]().encode("utf-8") for path in paths}, aside()
    pages: list[bytes | None] = [None] * len(paths)
    delivered = _render_split([renderers[path] for path in paths], pages, aside)
    files = {path: _rendered(renderers[path], page) for path, page in zip(paths, pages, strict=True)}
    return files, delivered[0] if delivered is not None else aside()


def _rendered(render: Callable[[], str], page: bytes | None) -> bytes:
    return page if page is not None else render().encode("utf-8")


def _can_split(count: int) -> bool:
    return count >= MIN_PAGES and can_fork()


def _render_split(
    renders: list[Callable[[], str]], pages: list[bytes | None], aside: Callable[[], Aside]
) -> tuple[Aside] | None:
    """Fill ``pages`` from both ends; leave None where the other process did not deliver.
    ``(aside's result,)`` when the other process sent it."""
    context = multiprocessing.get_context("fork")
    bounds = context.RawArray("q", [0, len(renders) - 1])  # next from the front, next from the back
    lock = context.Lock()
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    try:
        # The parent's end goes along to be closed there: with a copy of it open, a child whose
        # parent was killed wrote into a full pipe forever (review18), holding the project's lock.
        process = context.Process(
            target=_render_from_back,
            args=(renders, aside, bounds, lock, sender, receiver),
            daemon=True,
            name="render",
        )
        process.start()
    except OSError:  # no process to spare: render everything here
        return None
    sender.close()
    # Taken as it arrives, by a thread: received only between this process's own pages, the
    # other process waited on a full pipe most of the time (it rendered a third of the pages in
    # half the time, the rest blocked) whenever this one rendered a long page (insights: 0.6 s).
    received: list[tuple[Aside]] = []
    drain = threading.Thread(
        target=_receive, args=(receiver, pages, received), name="render-receive", daemon=True
    )
    drain.start()
    try:
        while (claimed := _claim(bounds, lock, front=True)) is not None:
            for index in claimed:
                pages[index] = renders[index]().encode("utf-8")
    except BaseException:
        process.terminate()  # its end closes, so the thread's wait ends
        raise
    finally:
        drain.join()
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join()
    return received[0] if received else None


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


def _receive(receiver: Connection, pages: list[bytes | None], aside: list[tuple[Aside]]) -> None:
    """Take the other process's result of ``aside``, then its batches of pages, until it closes
    its end (done, or died)."""
    try:
        aside.append(pickle.loads(receiver.recv_bytes()))
        while True:
            batch: list[tuple[int, bytes]] = pickle.loads(receiver.recv_bytes())
            for index, page in batch:
                pages[index] = page
    except (EOFError, OSError, pickle.UnpicklingError):
        return


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
