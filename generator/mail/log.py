"""The send log: JSON lines, appended and flushed to disk before the next message goes out.

Each message is logged ``sending`` just before its content is handed to the server, then
``delivered`` or ``failed`` once the server has answered. A message whose last word is
``sending`` was interrupted mid-handover (killed, connection lost): it may or may not have
arrived, so it is reported and never resent on its own.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Literal

from .compose import Outgoing

Event = Literal["sending", "delivered", "failed"]
LOG_FILE = "mail-log.jsonl"


class LogBusy(OSError):
    """Another run holds the log: two senders at once could deliver a message twice."""


def read_states(path: Path) -> dict[str, Event]:
    """The last event of every Message-ID; ``delivered`` is final."""
    states: dict[str, Event] = {}
    if not path.is_file():
        return states
    for text in path.read_text("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue  # a line torn by a kill: its message was not yet delivered
        message_id, event = record.get("message_id"), record.get("event")
        known = isinstance(message_id, str) and event in ("sending", "delivered", "failed")
        if known and states.get(message_id) != "delivered":
            states[message_id] = event
    return states


class SendLog:
    """An open, exclusively locked send log."""

    def __init__(self, path: Path, stream: IO[bytes]) -> None:
        self.path = path
        self._stream = stream

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[SendLog]:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as stream:
            try:
                fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LogBusy(f"{path} is in use: another 'mail --send' is running") from None
            _end_torn_line(stream)
            yield cls(path, stream)

    def states(self) -> dict[str, Event]:
        return read_states(self.path)

    def record(self, event: Event, message: Outgoing, detail: str | None = None) -> None:
        entry = {
            "event": event,
            "message_id": message.message_id,
            "partner": message.partner_id,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if detail:
            entry["detail"] = detail
        self._stream.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())


def _end_torn_line(stream: IO[bytes]) -> None:
    """If a kill tore the last line, start the next record on a fresh one."""
    stream.seek(0, os.SEEK_END)
    if stream.tell() == 0:
        return
    stream.seek(-1, os.SEEK_END)
    if stream.read(1) != b"\n":
        stream.write(b"\n")
        stream.flush()
