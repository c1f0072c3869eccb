"""One SMTP session: its settings from the environment, and a connection that sends a password
only over TLS (or to this machine) and is opened again when the server dropped it."""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

HOST, PORT, USER, PASSWORD = (
    "REFERRAL_SMTP_HOST",
    "REFERRAL_SMTP_PORT",
    "REFERRAL_SMTP_USER",
    "REFERRAL_SMTP_PASSWORD",
)
DEFAULT_PORT = 587
IMPLICIT_TLS_PORT = 465
TIMEOUT_SECONDS = 60


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


def reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}"


class Connection:
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
                    f"the server refused the login: {reply(error.smtp_code, error.smtp_error)}; "
                    f"check {USER} and {PASSWORD}"
                ) from None
            except smtplib.SMTPResponseException as error:  # e.g. a 421 greeting: busy
                raise CannotConnect(reply(error.smtp_code, error.smtp_error)) from None
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
