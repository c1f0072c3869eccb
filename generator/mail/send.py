"""Deliver composed messages over SMTP at a bounded rate, each at most once, logged as it goes."""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .compose import Outgoing
from .log import SendLog, address_digest, entry_for

HOST, PORT, USER, PASSWORD = (
    "REFERRAL_SMTP_HOST",
    "REFERRAL_SMTP_PORT",
    "REFERRAL_SMTP_USER",
    "REFERRAL_SMTP_PASSWORD",
)
DEFAULT_PORT = 587
IMPLICIT_TLS_PORT = 465
TIMEOUT_SECONDS = 60
# RFC 5321 4.5.3.2.6: wait 10 minutes for the answer to a message's content, which servers give
# only after scanning it; giving up sooner leaves a message they took "uncertain".
CONTENT_TIMEOUT_SECONDS = 600
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings:
        host = environ.get(HOST, "").strip()
        if not host:
            raise ValueError(
                f"{HOST} is not set: --send needs the SMTP server (see README, 'Newsletter by email')"
            )
        port_text = environ.get(PORT, "").strip() or str(DEFAULT_PORT)
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"{PORT} '{port_text}' is not a port number")
        user = environ.get(USER, "").strip() or None
        password = environ.get(PASSWORD) or None
        if user and not password:
            raise ValueError(f"{USER} is set but {PASSWORD} is not")
        return cls(host, int(port_text), user, password)


class CannotConnect(Exception):
    """The server could not be reached or refused the session: nothing more can be sent now."""


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
    settings: SmtpSettings,
    log: SendLog,
    pacer: Pacer,
    say: Callable[[str], None],
    *,
    resend_uncertain: bool = False,
) -> SendReport:
    """Send every message the log has not seen delivered; stop early only if the server is gone."""
    report = SendReport()
    pending = _pending(messages, log, report, resend_uncertain)
    connection = _Connection(settings)
    index = 0
    try:
        for index, message in enumerate(pending):
            pacer.wait()
            try:
                outcome, detail = _deliver(connection, message, log)
            except CannotConnect as error:
                report.failed.extend((rest.partner_id, f"not sent: {error}") for rest in pending[index:])
                say(f"cannot send through {settings.host}:{settings.port}: {error}")
                break
            _tell(report, say, message, outcome, detail)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (run.py): the summary still says who got what
        connection.drop()  # no QUIT: the server may still be busy with the message in flight
        say("interrupted")
        _sort_stopped(report, pending[index:], log, {m.partner_id for m in messages})
    finally:
        connection.close()
    return report


def _sort_stopped(
    report: SendReport, rest: Sequence[Outgoing], log: SendLog, mailed: Collection[str]
) -> None:
    """Where an interrupted run left each message it had not finished: the log knows whether the
    one in flight was handed over (``sending``: it may have arrived) or even answered."""
    entries = log.entries()
    for message in rest:
        entry = entry_for(entries, message, mailed)
        state = entry.event if entry else None
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


def _deliver(connection: _Connection, message: Outgoing, log: SendLog) -> tuple[str, str]:
    smtp = connection.open()
    try:
        _envelope(smtp, message)
    except _Refused as refused:
        connection.reset()
        return ("refused" if refused.for_good else "failed"), str(refused)
    except OSError as error:  # smtplib's errors are OSErrors too
        connection.drop()
        return "failed", f"connection lost before sending: {error}"
    log.record("sending", message)
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
        log.record("failed", message, _reply(code, reply))
        connection.reset()
        return "failed", _reply(code, reply)
    log.record("delivered", message)
    return "delivered", ""


def _hand_over(smtp: smtplib.SMTP, data: bytes) -> tuple[int, bytes]:
    if smtp.sock is not None:
        smtp.sock.settimeout(CONTENT_TIMEOUT_SECONDS)
    answer = smtp.data(data)
    if smtp.sock is not None:
        smtp.sock.settimeout(TIMEOUT_SECONDS)
    return answer


def _envelope(smtp: smtplib.SMTP, message: Outgoing) -> None:
    code, reply = smtp.mail(message.sender)
    if code == 530:  # the same for every message: said once, and the run stops
        raise CannotConnect(f"the server requires a login ({_reply(code, reply)}): set {USER} and {PASSWORD}")
    if code != 250:
        raise _Refused(f"sender refused: {_reply(code, reply)}")
    code, reply = smtp.rcpt(message.recipient)
    if code not in (250, 251):
        raise _Refused(f"recipient refused: {_reply(code, reply)}", for_good=500 <= code < 600)


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}"


class _Connection:
    """One SMTP session, opened on first use and reopened after it was dropped."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None and not self._alive(self.smtp):
            self.drop()
        if self.smtp is None:
            try:
                self.smtp = _connect(self.settings)
            except smtplib.SMTPAuthenticationError as error:
                raise CannotConnect(
                    f"the server refused the login: {_reply(error.smtp_code, error.smtp_error)}; "
                    f"check {USER} and {PASSWORD}"
                ) from None
            except smtplib.SMTPResponseException as error:  # e.g. a 421 greeting: busy
                raise CannotConnect(_reply(error.smtp_code, error.smtp_error)) from None
            except OSError as error:
                raise CannotConnect(str(error) or type(error).__name__) from None
        return self.smtp

    @staticmethod
    def _alive(smtp: smtplib.SMTP) -> bool:
        """Servers close a quiet session (Postfix after 300 s), often between two messages at a
        slow --rate; a NOOP finds out before anything of the next message is handed over."""
        try:
            return smtp.noop()[0] == 250
        except OSError:
            return False

    def reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except OSError:
            self.drop()

    def drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.smtp = None

    def close(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.quit()
        except OSError:
            pass
        self.drop()


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.port == IMPLICIT_TLS_PORT:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    try:
        smtp.ehlo_or_helo_if_needed()
        if not isinstance(smtp.sock, ssl.SSLSocket) and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            _login(smtp, settings)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    if not isinstance(smtp.sock, ssl.SSLSocket) and not _is_loopback(settings.host):
        raise smtplib.SMTPException(
            f"{settings.host} offers no STARTTLS: refusing to send the password unencrypted"
        )
    smtp.login(settings.user or "", settings.password or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
