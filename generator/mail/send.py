"""Deliver composed messages over SMTP at a bounded rate, each at most once, logged as it goes."""

from __future__ import annotations

import re
import smtplib
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from . import session
from .compose import Outgoing
from .log import SendLog, address_digest, entry_for

# RFC 5321 4.5.3.2.6: wait 10 minutes for the answer to a message's content, which servers give
# only after scanning it; giving up sooner leaves a message they took "uncertain".
CONTENT_TIMEOUT_SECONDS = 600
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def parse_rate(text: str) -> float:
    """``'2/s'``, ``'30/min'``, ``'500/h'`` (or a bare number per second) → seconds between messages."""
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"rate '{text}' is not a rate; write it as N/s, N/min or N/h with N above 0")
    return _PER[match.group(2) or "s"] / float(match.group(1))


@dataclass
class Pacer:
    """Keeps at least ``interval`` seconds between the starts of two deliveries."""

    interval: float
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            delay = self._last + self.interval - time.monotonic()
            if delay > 0:
                self.sleep(delay)
        self._last = time.monotonic()


@dataclass
class SendReport:
    delivered: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    interrupted: list[Outgoing] = field(default_factory=list)  # handover broken during this run
    uncertain: list[Outgoing] = field(default_factory=list)  # left so by an earlier run; not resent
    stopped: list[str] = field(default_factory=list)  # not handed over: the run was interrupted
    refused: list[str] = field(default_factory=list)  # of ``failed``: the address refused for good
    moved: list[str] = field(default_factory=list)  # of ``already``: to an address changed since


def send_all(
    messages: Sequence[Outgoing],
    settings: session.SmtpSettings,
    log: SendLog,
    pacer: Pacer,
    say: Callable[[str], None],
    *,
    resend_uncertain: bool = False,
    again: bool = False,
) -> SendReport:
    """Send every message the log has not seen delivered; stop early only if the server is gone.
    ``again`` (--resend): send every one of ``messages``, each under its own new Message-ID."""
    report = SendReport()
    pending = list(messages) if again else _pending(messages, log, report, resend_uncertain)
    note = "sent again (--resend)" if again else None
    connection = session.Connection(settings)
    index = 0
    try:
        for index, message in enumerate(pending):
            pacer.wait()
            try:
                outcome, detail = _deliver(connection, message, log, note)
            except session.CannotConnect as error:
                report.failed.extend((rest.partner_id, f"not sent: {error}") for rest in pending[index:])
                say(f"cannot send through {settings.host}:{settings.port}: {error}")
                break
            _tell(report, say, message, outcome, detail)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (run.py): the summary still says who got what
        connection.drop()  # no QUIT: the server may still be busy with the message in flight
        say("interrupted")
        rest = _not_told(report, pending[index:])
        if again:
            _sort_stopped_resends(report, rest, log)
        else:
            _sort_stopped(report, rest, log, {m.partner_id for m in messages})
    finally:
        connection.close()
    return report


def _not_told(report: SendReport, rest: Sequence[Outgoing]) -> list[Outgoing]:
    """``rest`` without a message whose outcome the report holds already: Ctrl-C can land after
    a message was told (while its line prints) and before the loop moved on to the next."""
    told = {*report.delivered, *(partner for partner, _ in report.failed)}
    told.update(message.partner_id for message in report.interrupted)
    return [message for message in rest if message.partner_id not in told]


def _sort_stopped(
    report: SendReport, rest: Sequence[Outgoing], log: SendLog, mailed: Collection[str]
) -> None:
    """Where an interrupted run left each message it had not finished: the log knows whether the
    one in flight was handed over (``sending``: it may have arrived) or even answered."""
    entries = log.entries()
    for message in rest:
        entry = entry_for(entries, message, mailed)
        _sort_by_state(report, message, entry.event if entry else None)


def _sort_stopped_resends(report: SendReport, rest: Sequence[Outgoing], log: SendLog) -> None:
    """As _sort_stopped, from this run's own records: the log's last word on a resent partner is
    the earlier delivery, which says nothing of the resend in flight."""
    for message in rest:
        _sort_by_state(report, message, log.written.get(message.message_id))


def _sort_by_state(report: SendReport, message: Outgoing, state: str | None) -> None:
    """Answered, handed over (it may have arrived), or never sent."""
    if state == "delivered":
        report.delivered.append(message.partner_id)
    elif state == "sending":
        report.interrupted.append(message)
    else:
        report.stopped.append(message.partner_id)


def _pending(
    messages: Sequence[Outgoing], log: SendLog, report: SendReport, resend_uncertain: bool
) -> list[Outgoing]:
    entries, mailed = log.entries(), {message.partner_id for message in messages}
    pending = []
    for message in messages:
        entry = entry_for(entries, message, mailed)
        state = entry.event if entry else None
        if state == "delivered":
            report.already.append(message.partner_id)
            if entry and entry.to not in (None, address_digest(message.recipient)):
                report.moved.append(message.partner_id)
        elif entry and state == "sending" and not resend_uncertain:
            # Reported under the Message-ID it was handed over with, which a new secret changes.
            report.uncertain.append(replace(message, message_id=entry.message_id))
        else:
            pending.append(message)
    return pending


def _tell(
    report: SendReport, say: Callable[[str], None], message: Outgoing, outcome: str, detail: str
) -> None:
    if outcome == "delivered":
        report.delivered.append(message.partner_id)
        say(f"delivered  {message.partner_id}")
    elif outcome == "refused":
        report.failed.append((message.partner_id, detail))
        report.refused.append(message.partner_id)
        say(f"FAILED     {message.partner_id}: {detail}")
    elif outcome == "uncertain":
        report.interrupted.append(message)
        say(f"uncertain  {message.partner_id}: {detail}")
    else:
        report.failed.append((message.partner_id, detail))
        say(f"FAILED     {message.partner_id}: {detail}")


class _Refused(Exception):
    """The server said no to the sender or the recipient: this message failed, the session lives.
    ``for_good``: a 5xx to the recipient, which no retry changes; the address itself must."""

    def __init__(self, text: str, *, for_good: bool = False) -> None:
        super().__init__(text)
        self.for_good = for_good


def _deliver(
    connection: session.Connection, message: Outgoing, log: SendLog, note: str | None = None
) -> tuple[str, str]:
    smtp = connection.open()
    try:
        _envelope(smtp, message)
    except _Refused as refused:
        connection.reset()
        return ("refused" if refused.for_good else "failed"), str(refused)
    except OSError as error:  # smtplib's errors are OSErrors too
        connection.drop()
        return "failed", f"connection lost before sending: {error}"
    log.record("sending", message, note)
    reply: bytes | str
    try:
        # smtplib raises on a refused DATA command but returns the answer to the content itself:
        # a 4xx/5xx there (a spam filter, a full disk) means the server did not take it.
        code, reply = _hand_over(smtp, message.data)
    except smtplib.SMTPResponseException as error:
        code, reply = error.smtp_code, error.smtp_error
    except OSError as error:
        connection.drop()
        return "uncertain", f"connection lost while the server was receiving it ({error})"
    if code != 250:
        log.record("failed", message, session.reply(code, reply))
        connection.reset()
        return "failed", session.reply(code, reply)
    log.record("delivered", message, note)
    return "delivered", ""


def _hand_over(smtp: smtplib.SMTP, data: bytes) -> tuple[int, bytes]:
    if smtp.sock is not None:
        smtp.sock.settimeout(CONTENT_TIMEOUT_SECONDS)
    answer = smtp.data(data)
    if smtp.sock is not None:
        smtp.sock.settimeout(session.TIMEOUT_SECONDS)
    return answer


def _envelope(smtp: smtplib.SMTP, message: Outgoing) -> None:
    code, reply = smtp.mail(message.sender)
    if code == 530:  # the same for every message: said once, and the run stops
        raise session.CannotConnect(
            f"the server requires a login ({session.reply(code, reply)}): set {session.USER} and {session.PASSWORD}"
        )
    if code != 250:
        raise _Refused(f"sender refused: {session.reply(code, reply)}")
    code, reply = smtp.rcpt(message.recipient)
    if code not in (250, 251):
        raise _Refused(f"recipient refused: {session.reply(code, reply)}", for_good=500 <= code < 600)
