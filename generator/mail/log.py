"""The send log: JSON lines, appended and flushed to disk before the next message goes out.

Deliveries are keyed by partner and month, not by Message-ID: the Message-ID derives from the
secret and ``site_url``, and a new one of either must not make a sent month look unsent. Each
record also holds a digest of the address it went to, so a partner whose id was corrected
after the month went out is not sent it again under the new id.

Each message is logged ``sending`` just before its content is handed to the server, then
``delivered`` or ``failed`` once the server has answered. A message whose last word is
``sending`` was interrupted mid-handover (killed, connection lost): it may or may not have
arrived, so it is reported and never resent on its own.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import secrets
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from ..record_files import NotAFile, record_bytes, regular_file_handle
from ..stop_signals import held
from .compose import Outgoing, delivery_key

Event = Literal["sending", "delivered", "failed"]
LOG_FILE = "mail-log.jsonl"
_MONTH_IN_ID = re.compile(r"\.(\d{4}-\d{2})@")
# Starts the keys that find a delivery by address: "@" never occurs in a partner id
# (field_types.ID_PATTERN), so they cannot clash with a delivery key.
_BY_ADDRESS = "@"


class LogBusy(OSError):
    """Another run holds the log: two senders at once could deliver a message twice."""


@dataclass(frozen=True)
class Entry:
    """The last word of the log on one partner's message for one month."""

    event: Event
    message_id: str
    links: str | None  # fingerprint of the addresses sent; None in logs older than it
    to: str | None = None  # digest of the recipient's address; None in logs older than it
    partner: str | None = None  # the partner id it was logged under


def read_log(path: Path) -> dict[str, Entry]:
    """The last event of every delivery key (partner/month); ``delivered`` is final. Entries
    that went out (or may have) are also found by address and month (``entry_for``)."""
    entries: dict[str, Entry] = {}
    for number, text in enumerate(_log_text(path).splitlines(), start=1):
        record = _record(path, number, text)
        if record is None:
            continue
        entry, key = _entry(record), _key_of(record)
        if entry is None or key is None:
            raise _unreadable(path, number, 1, _field_at_fault(record))
        if _replaces(entries.get(key), entry):
            entries[key] = entry
    return {**entries, **_by_address(entries)}


class LogUnreadable(ValueError):
    """A line of the log that is neither a record nor one torn by a kill: skipping it could
    forget a delivery and send that message again."""


def _log_text(path: Path) -> str:
    """The log's text, '' where there is none yet. A named pipe there was taken for an empty log
    by a preview, and a send stopped on 'File or stream is not seekable'; a link to /dev/null
    swallowed every record, so each run sent the month again (review63)."""
    try:
        raw = record_bytes(path)
    except FileNotFoundError:
        return ""
    except NotAFile as error:
        raise _not_a_file(path, error.kind) from None
    return raw.decode("utf-8", errors="replace")


def _not_a_file(path: Path, kind: str) -> LogUnreadable:
    return LogUnreadable(
        f"the send log {path} is {kind}, not a file, so who got which month can be neither read nor "
        "recorded, and nothing was sent: put the log back there, or delete it if this project never "
        "sent a month, then run again"
    )


def _record(path: Path, number: int, text: str) -> dict[str, object] | None:
    """The record on one line; None for a blank line or the unfinished record a kill left."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        # A kill cuts a record short of its closing brace (its message was not yet answered);
        # a line that still ends in one was changed afterwards, by hand or by the disk.
        if not text.strip() or not text.rstrip().endswith("}"):
            return None
        raise _unreadable(path, number, error.colno, f"not a record ({error.msg})") from None
    except RecursionError:  # JSON nested thousands deep, which json.loads does not call a ValueError
        raise _unreadable(path, number, 1, "not a record (nested too deep)") from None
    if not isinstance(record, dict):
        raise _unreadable(path, number, 1, "not a record (a JSON object was expected)")
    return record


def _field_at_fault(record: dict[str, object]) -> str:
    if record.get("event") not in ("sending", "delivered", "failed"):
        return f"event: {record.get('event')!r} is not sending, delivered or failed"
    if not isinstance(record.get("message_id"), str):
        return "message_id: missing"
    return "key: missing, and no partner and month to make it from"


def _unreadable(path: Path, line: int, column: int, problem: str) -> LogUnreadable:
    return LogUnreadable(
        f"{path}:{line}:{column}: {problem}. A delivery this line recorded could be sent again, "
        "so nothing was sent: repair the line as the lines around it read, then run again"
    )


def entry_for(entries: Mapping[str, Entry], message: Outgoing, mailed: Collection[str] = ()) -> Entry | None:
    """The log's last word on ``message``: under its partner and month, else a message of the
    same month that went (or may have gone) to the same address under another partner id, one
    no longer ``mailed`` (an id corrected since). A partner still mailed under their own id has
    moved address: a newcomer at their old one is someone else and gets their own month."""
    found = entries.get(message.key)
    if found is not None:
        return found
    alias = entries.get(_address_key(address_digest(message.recipient), message.month))
    return None if alias is None or alias.partner in mailed else alias


def address_digest(address: str) -> str:
    """What the log keeps of a recipient: enough to recognise the address, not to read it."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:20]


def _by_address(entries: Mapping[str, Entry]) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for key, entry in sorted(entries.items()):
        if entry.to is None or entry.event == "failed":
            continue
        alias = _address_key(entry.to, key.rsplit("/", 1)[-1])
        if found.get(alias) is None or entry.event == "delivered":
            found[alias] = entry
    return found


def _address_key(digest: str, month: str) -> str:
    return f"{_BY_ADDRESS}{digest}/{month}"


def message_ids(path: Path, key: str) -> set[str]:
    """Every Message-ID the log holds for one delivery key: a resend takes a new one."""
    found: set[str] = set()
    for number, text in enumerate(_log_text(path).splitlines(), start=1):
        record = _record(path, number, text)
        if record is not None and _key_of(record) == key and isinstance(record.get("message_id"), str):
            found.add(str(record["message_id"]))
    return found


def read_states(path: Path) -> dict[str, Event]:
    """The last event of every delivery key (partner/month); not the address keys beside them."""
    return {key: entry.event for key, entry in read_log(path).items() if not key.startswith(_BY_ADDRESS)}


def _entry(record: object) -> Entry | None:
    if not isinstance(record, dict):
        return None
    message_id, event, links = record.get("message_id"), record.get("event"), record.get("links")
    if not isinstance(message_id, str) or event not in ("sending", "delivered", "failed"):
        return None
    to, partner = record.get("to"), record.get("partner")
    return Entry(
        event,
        message_id,
        links if isinstance(links, str) else None,
        to if isinstance(to, str) else None,
        partner if isinstance(partner, str) else None,
    )


def _key_of(record: dict[str, object]) -> str | None:
    """The record's key; logs written before keys existed give it by partner and Message-ID."""
    key, partner = record.get("key"), record.get("partner")
    if isinstance(key, str):
        return key
    month = _MONTH_IN_ID.search(str(record.get("message_id", "")))
    if isinstance(partner, str) and month:
        return delivery_key(partner, month.group(1))
    return None


def _replaces(known: Entry | None, new: Entry) -> bool:
    """Nothing replaces ``delivered``; its first record keeps the links actually sent."""
    return known is None or known.event != "delivered"


class SendLog:
    """An open, exclusively locked send log."""

    def __init__(self, path: Path, stream: IO[bytes]) -> None:
        self.path = path
        self._stream = stream
        self._attempts: dict[str, str] = {}
        self.put_back: str | None = None  # "deleted" or "replaced" when it had to be (below)
        # This run's last event per Message-ID: what became of a resend, which the log's last
        # word per key (an earlier "delivered", final) does not tell.
        self.written: dict[str, Event] = {}

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[SendLog]:
        path.parent.mkdir(parents=True, exist_ok=True)
        log = cls(path, _locked(path))
        try:
            yield log
        finally:
            log._stream.close()

    def entries(self) -> dict[str, Entry]:
        self._keep_in_place()
        return read_log(self.path)

    def _keep_in_place(self) -> None:
        """A log deleted during the run (or replaced, as an editor's save does) took every record
        written since with it, and the next run would mail those partners again: the records
        held so far are written where the log belongs, and the run goes on with that file."""
        ours = os.fstat(self._stream.fileno())
        try:
            there = os.stat(self.path)
        except FileNotFoundError:
            there = None
        if there is not None and (there.st_dev, there.st_ino) == (ours.st_dev, ours.st_ino):
            return
        self._stream.seek(0)
        held = self._stream.read()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stream = _locked(self.path)
        stream.write(held)
        stream.flush()
        os.fsync(stream.fileno())
        self._stream.close()
        self._stream = stream
        self.put_back = "deleted" if there is None else "replaced"

    def message_ids(self, key: str) -> set[str]:
        self._keep_in_place()
        return message_ids(self.path, key)

    def _log_id(self, event: Event, message: Outgoing) -> str:
        """An id per handover, repeated by its answer: two tries of one key never mix up."""
        if event == "sending" or message.key not in self._attempts:
            self._attempts[message.key] = secrets.token_hex(6)
        return self._attempts[message.key]

    def record(self, event: Event, message: Outgoing, detail: str | None = None) -> None:
        self._keep_in_place()
        entry = {
            "event": event,
            "key": message.key,
            "log_id": self._log_id(event, message),
            "message_id": message.message_id,
            "partner": message.partner_id,
            "links": message.links,
            "to": address_digest(message.recipient),
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if detail:
            entry["detail"] = detail
        with held():
            self._stream.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self.written[message.message_id] = event


def _locked(path: Path) -> IO[bytes]:
    """The log opened for appending, locked against a second sender, its torn last line ended."""
    stream = _opened_to_append(path)
    try:
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        stream.close()
        raise LogBusy(
            f"{path} is in use: another 'mail --send' is running: wait for it to end "
            "(the same command then sends only what it did not)"
        ) from None
    _end_torn_line(stream)
    return stream


def _opened_to_append(path: Path) -> IO[bytes]:
    """``open(path, "a+b")`` for a regular file only: what else is there is named, not written to."""
    try:
        handle = regular_file_handle(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
    except NotAFile as error:
        raise _not_a_file(path, error.kind) from None
    return open(handle, "a+b")  # closed by SendLog.open, or by _locked when another run holds it


def _end_torn_line(stream: IO[bytes]) -> None:
    """If a kill tore the last line, start the next record on a fresh one."""
    stream.seek(0, os.SEEK_END)
    if stream.tell() == 0:
        return
    stream.seek(-1, os.SEEK_END)
    if stream.read(1) != b"\n":
        stream.write(b"\n")
        stream.flush()
