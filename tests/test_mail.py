"""The newsletter by email, against a real SMTP server (aiosmtpd) on loopback.

Messages are written for review by default and sent only with ``--send``; each arrives once,
even when the sender is killed midway or a recipient is refused; nobody's message holds
another partner's confidential data or any internal note.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import html
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import CI_ONLY, TEST_SECRET, SiteProject, free_port, reserved_port

from generator import validate
from generator.addresses import private_token
from generator.cli import main
from generator.mail.compose import message_date
from generator.mail.log import SendLog, address_digest, read_states
from generator.mail.run import MailRequest, compose_month, parse_month, run_mail
from generator.mail.send import parse_rate
from generator.render import SiteLayout

MONTH = "2026-03"
ISSUE_URL = "https://partners.example.com/blog/2026/03/newsletter-2026-03/"
SENDER = "Olive Owner <olive@owner.example>"

# small.yaml's shape, with more partners and a marker in every confidential field.
DATA = """\
newsletter:
  title: Test Partner News
  owner: Olive Owner
  business: Owner Motors

partners:
  - id: anne-ortiz
    name: Anne Ortiz
    company: Ortiz Accounting
    email: SECRET-EMAIL-ANNE@example.com
    public: true
    spotlight: Anne keeps small firms' books in order.
  - id: steve-hall
    name: Steve Hall
    email: SECRET-EMAIL-STEVE@example.com
    referred_by: anne-ortiz
    public: true
  - id: quiet-quinn
    name: SECRET-PARTNER-QUINN
    company: SECRET-COMPANY-QUINN
    email: SECRET-EMAIL-QUINN@example.com
    referred_by: steve-hall
    spotlight: SECRET-SPOTLIGHT-QUINN
  - id: otto-out
    name: SECRET-PARTNER-OTTO
    email: SECRET-EMAIL-OTTO@example.com
    mail: false
  - id: nora-none
    name: SECRET-PARTNER-NORA

referrals:
  - id: r-001
    partner: steve-hall
    prospect: SECRET-PROSPECT-DANA
    introduced: 2026-02-03
    updates:
      - date: 2026-02-10
        stage: met
        note: SECRET-NOTE-DANA-MET
        internal: SECRET-INTERNAL-DANA-MET
      - date: 2026-03-05
        stage: proposal
        internal: SECRET-INTERNAL-DANA-PROPOSAL
      - date: 2026-03-20
        stage: won
        note: SECRET-NOTE-DANA-WON
        internal: SECRET-INTERNAL-DANA-WON
  - id: r-002
    partner: anne-ortiz
    prospect: SECRET-PROSPECT-EVAN
    introduced: 2026-03-02
    updates:
      - date: 2026-03-09
        stage: contacted
        note: SECRET-NOTE-EVAN-CONTACTED
        internal: SECRET-INTERNAL-EVAN-CONTACTED
      - date: 2026-04-01
        stage: lost
        note: SECRET-NOTE-EVAN-LOST
        internal: SECRET-INTERNAL-EVAN-LOST
  - id: r-003
    partner: quiet-quinn
    prospect: SECRET-PROSPECT-FAY
    introduced: 2026-03-15
    updates:
      - date: 2026-03-25
        stage: won
        note: SECRET-NOTE-FAY-WON
        internal: SECRET-INTERNAL-FAY-WON
  - id: r-004
    partner: anne-ortiz
    prospect: Zed <script>alert(1)</script> & Co
    introduced: 2026-03-25
    public: true
    updates:
      - date: 2026-03-30
        stage: won
  - id: r-005
    partner: otto-out
    prospect: SECRET-PROSPECT-OTTO
    introduced: 2026-03-03
  - id: r-006
    partner: nora-none
    prospect: SECRET-PROSPECT-NORA
    introduced: 2026-03-04

given:
  - partner: steve-hall
    date: 2026-03-01
    to: SECRET-GIVEN-JO
    note: SECRET-GIVEN-NOTE-JO
  - partner: quiet-quinn
    date: 2026-03-10
    to: SECRET-GIVEN-KIM
    note: SECRET-GIVEN-NOTE-KIM

events:
  - date: 2026-04-10
    title: Spring ride
    where: Main St showroom
"""

# What only the partner named may read; internal notes nobody may.
CONFIDENTIAL = {
    "anne-ortiz": {
        "SECRET-EMAIL-ANNE",
        "SECRET-PROSPECT-EVAN",
        "SECRET-NOTE-EVAN-CONTACTED",
        "SECRET-NOTE-EVAN-LOST",
    },
    "steve-hall": {
        "SECRET-EMAIL-STEVE",
        "SECRET-PROSPECT-DANA",
        "SECRET-NOTE-DANA-MET",
        "SECRET-NOTE-DANA-WON",
        "SECRET-GIVEN-JO",
        "SECRET-GIVEN-NOTE-JO",
    },
    "quiet-quinn": {
        "SECRET-EMAIL-QUINN",
        "SECRET-PARTNER-QUINN",
        "SECRET-COMPANY-QUINN",
        "SECRET-SPOTLIGHT-QUINN",
        "SECRET-PROSPECT-FAY",
        "SECRET-NOTE-FAY-WON",
        "SECRET-GIVEN-KIM",
        "SECRET-GIVEN-NOTE-KIM",
    },
    "otto-out": {"SECRET-EMAIL-OTTO", "SECRET-PARTNER-OTTO", "SECRET-PROSPECT-OTTO"},
    "nora-none": {"SECRET-PARTNER-NORA", "SECRET-PROSPECT-NORA"},
}
NOWHERE = {marker for marker in DATA.split() if marker.startswith("SECRET-INTERNAL-")}
RECIPIENTS = {
    "SECRET-EMAIL-ANNE@example.com": "anne-ortiz",
    "SECRET-EMAIL-STEVE@example.com": "steve-hall",
    "SECRET-EMAIL-QUINN@example.com": "quiet-quinn",
}


# --- a real SMTP server on loopback ---------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: stores every accepted message as a file; can refuse chosen recipients."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.refuse: set[str] = set()
        self.answers: dict[str, str] = {}  # a recipient's RCPT answer other than 550 (e.g. 451)
        self.hang_up: set[str] = set()  # take the message, then drop the line before answering
        self.stall: set[str] = set()  # take the message, then wait a minute before answering
        self.stall_seconds = 60.0
        self.end_each_session = False  # answer a message, then close the session, as idle ones are
        self.data_answers: dict[str, str] = {}  # the answer to a recipient's message, instead of 250
        self.sessions: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._count = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            if address in self.data_answers:
                return self.data_answers[address]  # refused after reading it: nothing stored
        with self._lock:
            self._count += 1
            name = f"{self._count:03d}"
            self.sessions.append({"tls": session.ssl is not None, "authenticated": session.authenticated})
        temporary = self.folder / f"{name}.tmp"
        temporary.write_bytes(json.dumps(envelope.rcpt_tos).encode() + b"\n" + envelope.original_content)
        temporary.rename(self.folder / f"{name}.msg")  # readers never see half a message
        if self.hang_up & set(envelope.rcpt_tos):
            server.transport.close()
        if self.stall & set(envelope.rcpt_tos):
            await asyncio.sleep(self.stall_seconds)
        if self.end_each_session:  # once the answer is out: close() sends what is buffered first
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], bytes]]:
        messages = []
        for path in sorted(self.folder.glob("*.msg")):
            header, _, data = path.read_bytes().partition(b"\n")
            messages.append((json.loads(header), data))
        return messages


class SmtpServer:
    def __init__(self, mailbox: Mailbox, controller: Controller, port: int) -> None:
        self.mailbox, self.controller, self.port = mailbox, controller, port

    def env(self, **extra: str) -> dict[str, str]:
        settings = {
            "REFERRAL_SMTP_HOST": "127.0.0.1",
            "REFERRAL_SMTP_PORT": str(self.port),
            "REFERRAL_SMTP_USER": "",
            "REFERRAL_SMTP_PASSWORD": "",
            "REFERRAL_MAIL_FROM": SENDER,
        }
        settings.update(extra)
        return settings


READY_LIMIT = 600.0


@contextmanager
def _start_server(tmp_path: Path, **smtp_options: Any) -> Iterator[SmtpServer]:
    folder = tmp_path / "received"
    folder.mkdir()
    mailbox, port = Mailbox(folder), free_port()
    # aiosmtpd gives its thread 5 s to start and answer a first connection, else fails the test
    # ("This might happen if the system is too busy"): a bound here, not a measure of speed.
    options = {"ready_timeout": READY_LIMIT, **smtp_options}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(mailbox, controller, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with _start_server(tmp_path) as server:
        yield server


@pytest.fixture
def mail_project(project: SiteProject) -> SiteProject:
    project.write_data(DATA)
    return project


# --- helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


Mailer = Callable[..., Run]


@pytest.fixture
def mail(
    mail_project: SiteProject, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Mailer:
    """``python -m generator mail --month 2026-03 ARGS`` in this process (fast); env as keywords."""
    monkeypatch.chdir(mail_project.root)
    for name in CI_ONLY:
        monkeypatch.delenv(name, raising=False)
    for name, value in mail_project.env(REFERRAL_MAIL_FROM=SENDER).items():
        monkeypatch.setenv(name, value)

    def run(*args: str, **env: str) -> Run:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(["mail", "--month", MONTH, *args])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def _mail_process(project: SiteProject, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return project.generator("mail", "--month", MONTH, *args, **{"REFERRAL_MAIL_FROM": SENDER, **env})


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _readable(data: bytes) -> str:
    """Everything a reader could see: headers, both decoded parts, HTML entities undone, raw bytes."""
    message = _parse(data)
    pieces = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            pieces.append(html.unescape(part.get_content()))
    pieces.append(data.decode("ascii", "replace"))
    return "\n".join(pieces).lower()


def _private_url(partner_id: str) -> str:
    return f"https://partners.example.com/p/{private_token(TEST_SECRET.encode(), 'partner', partner_id)}/"


def _log(project: SiteProject) -> list[dict[str, Any]]:
    """The send log's records (a line still being written is left out)."""
    path = project.root / ".referral" / "mail-log.jsonl"
    lines = path.read_bytes().split(b"\n") if path.exists() else []
    return [json.loads(line) for line in lines[:-1]]  # the part after the last newline is unfinished


def _wait_for(condition: Callable[[], bool], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout  # a bound for a stuck run, not a measure of speed
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# A sender's wait before its message number HOLD_AT (the pacing of --rate) lasts until the test
# creates GO_ON: a test stopping the run, or changing its log, "while it waits before the next
# message" then knows it does. With only a slow --rate, the test had the 3 s of 20/min to see the
# last delivery logged and act; a loaded machine could take longer, and the next message was then
# on its way. Nothing else of the run is changed: its own wait follows the held one.
HELD_WAIT = """\
import os, time

from generator.mail import send

_wait = send.Pacer.wait


def _held(pacer):
    pacer.waits = getattr(pacer, "waits", 0) + 1
    if pacer.waits == int(os.environ["HOLD_AT"]):
        open(os.environ["HELD"], "w").close()
        while not os.path.exists(os.environ["GO_ON"]):
            time.sleep(0.05)
    _wait(pacer)


send.Pacer.wait = _held
"""


@dataclass(frozen=True)
class HeldWait:
    """A sender started with ``env(at)`` waits before its message number ``at`` until ``go_on``
    exists; ``held`` exists once it waits there."""

    hook: Path
    held: Path
    go_on: Path

    def env(self, at: int) -> dict[str, str]:
        places = {"HELD": str(self.held), "GO_ON": str(self.go_on)}
        path = os.pathsep.join(filter(None, (str(self.hook), os.environ.get("PYTHONPATH"))))
        return {"PYTHONPATH": path, "HOLD_AT": str(at), **places}

    def reached_by(self, run: subprocess.Popen[Any]) -> None:
        """Until ``run`` waits where it is held; a run that ended first fails the test."""
        _wait_for(lambda: self.held.exists() or run.poll() is not None)
        assert self.held.exists(), f"the run ended (exit {run.returncode}) before the held wait"


@pytest.fixture
def held_wait(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeldWait]:
    folder = tmp_path_factory.mktemp("held-wait")
    (folder / "hook").mkdir()
    (folder / "hook" / "sitecustomize.py").write_text(HELD_WAIT, encoding="utf-8")
    held = HeldWait(folder / "hook", folder / "held", folder / "go-on")
    yield held
    held.go_on.touch()  # a held run never outlives its test, even one that fails


def _by_recipient(server: SmtpServer) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for rcpt_tos, data in server.mailbox.received():
        assert len(rcpt_tos) == 1
        found.setdefault(RECIPIENTS[rcpt_tos[0]], []).append(data)
    return found


def _preview(project: SiteProject) -> dict[str, bytes]:
    folder = project.root / "mail-out" / MONTH
    return {path.stem: path.read_bytes() for path in sorted(folder.glob("*.eml"))}


# --- review first: .eml files, nothing sent ---------------------------------------------------


def test_a_ci_preview_with_a_throwaway_secret_says_its_links_lead_to_no_page(
    mail: Mailer, mail_project: SiteProject
) -> None:
    """CI with REFERRAL_PREVIEW=1 and no site secret (a pull request from a fork) wrote .eml files
    whose private links were keyed by a throwaway secret, and said "To deliver them: --send"."""
    result = mail(CI="true", REFERRAL_PREVIEW="1", REFERRAL_SITE_SECRET="")
    assert result.returncode == 0, result.stderr
    assert "throwaway secret and lead to no page" in result.stdout
    assert "To deliver them" not in result.stdout
    written = _preview(mail_project)
    assert sorted(written) == ["anne-ortiz", "quiet-quinn", "steve-hall"]
    for data in written.values():
        assert str(_parse(data)["Subject"]).strip().startswith("[Preview: its links lead to no page] ")
    # The same run with the site's own secret is the real preview: nothing of it.
    again = mail(REFERRAL_SITE_SECRET=TEST_SECRET)
    assert "throwaway" not in again.stdout and "To deliver them" in again.stdout
    assert not any("Preview" in _parse(data)["Subject"] for data in _preview(mail_project).values())


def test_default_writes_reproducible_eml_files_and_sends_nothing(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    # Two processes, two hash seeds: nothing may depend on set or dict order.
    first = _mail_process(mail_project, PYTHONHASHSEED="1", **smtp.env())
    assert first.returncode == 0, first.stderr
    assert "nothing was sent" in first.stdout
    files = _preview(mail_project)
    assert sorted(files) == ["anne-ortiz", "quiet-quinn", "steve-hall"]  # otto opted out, nora has no email
    second = _mail_process(mail_project, "--out", "again", PYTHONHASHSEED="2", **smtp.env())
    assert second.returncode == 0, second.stderr
    again = {p.stem: p.read_bytes() for p in (mail_project.root / "again" / MONTH).glob("*.eml")}
    assert again == files
    assert smtp.mailbox.received() == []
    assert _log(mail_project) == []


def test_a_partner_who_joined_after_the_month_is_not_mailed_its_issue(
    mail: Mailer, mail_project: SiteProject
) -> None:
    """Re-sending or finishing an old month must not greet a newcomer with "thank you for being
    one of our partners" for a month before they were one (review23 saw it)."""
    newcomer = "  - id: nina-new\n    name: Nina New\n    email: nina@example.com\n    since: 2026-04-01\n"
    joined_on_the_last_day = (
        newcomer.replace("nina", "lara").replace("Nina", "Lara").replace("04-01", "03-31")
    )
    mail_project.write_data(
        DATA.replace("\nreferrals:\n", f"{newcomer}{joined_on_the_last_day}\nreferrals:\n", 1)
    )
    result = mail()
    assert result.returncode == 0, result.stderr
    written = _preview(mail_project)
    assert "nina-new" not in written and "lara-new" in written
    assert "Partners only since after March 2026 (since:), not mailed: nina-new" in result.stdout


def test_preview_needs_a_from_address(mail: Mailer, mail_project: SiteProject) -> None:
    result = mail(REFERRAL_MAIL_FROM="")
    assert result.returncode == 1
    assert "REFERRAL_MAIL_FROM is not set" in result.stderr


def test_the_owners_public_address_is_the_default_from(mail: Mailer, mail_project: SiteProject) -> None:
    mail_project.write_data(
        DATA.replace("  owner: Olive Owner\n", "  owner: Olive Owner\n  email: olive@owner.example\n")
    )
    assert mail(REFERRAL_MAIL_FROM="").returncode == 0
    messages = [_parse(data) for data in _preview(mail_project).values()]
    assert messages and {str(m["From"]) for m in messages} == {"Olive Owner <olive@owner.example>"}


def test_a_month_without_an_issue_is_refused_with_the_months_that_have_one(
    mail: Mailer, mail_project: SiteProject
) -> None:
    result = mail("--month", "2025-12")
    assert result.returncode == 1
    assert "no newsletter issue for December 2025" in result.stderr
    assert "2026-02, 2026-03, 2026-04" in result.stderr


def test_every_bad_email_address_is_reported_at_once(mail: Mailer, mail_project: SiteProject) -> None:
    data = DATA.replace("SECRET-EMAIL-ANNE@example.com", "anne at example").replace(
        "SECRET-EMAIL-QUINN@example.com", "a@b.com, c@d.com"
    )
    mail_project.write_data(data)
    result = mail()
    # The model refuses them, located, before anything is composed or sent.
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "partners[0].email: 'anne at example' is not one plain email address" in output
    assert "'a@b.com, c@d.com' is not one plain email address" in output
    assert "2 problems found" in output
    assert _preview(mail_project) == {}


# --- content ------------------------------------------------------------------------------------


def test_no_message_holds_another_partners_confidential_data_or_an_internal_note(
    mail: Mailer, mail_project: SiteProject
) -> None:
    assert mail().returncode == 0
    files = _preview(mail_project)
    for partner_id, data in files.items():
        text = _readable(data)
        others = set().union(*(markers for owner, markers in CONFIDENTIAL.items() if owner != partner_id))
        leaked = sorted(marker for marker in others | NOWHERE if marker.lower() in text)
        assert leaked == [], partner_id
    # Not vacuous: each partner does read their own news.
    steve = _readable(files["steve-hall"])
    for marker in ("SECRET-PROSPECT-DANA", "SECRET-NOTE-DANA-WON", "SECRET-GIVEN-JO", "SECRET-GIVEN-NOTE-JO"):
        assert marker.lower() in steve
    assert "secret-prospect-fay" in _readable(files["quiet-quinn"])
    # Only March: April's news about Evan belongs to April's message.
    anne = _readable(files["anne-ortiz"])
    assert "secret-note-evan-contacted" in anne and "secret-note-evan-lost" not in anne


def test_the_referral_tree_is_thanked_naming_only_consenting_partners(
    mail: Mailer, mail_project: SiteProject
) -> None:
    assert mail().returncode == 0
    files = {
        key: " ".join(_parse(data).get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
        for key, data in _preview(mail_project).items()
    }
    assert (
        "two new clients came to us this month through Steve Hall and another partner" in files["anne-ortiz"]
    )
    assert "one new client came to us this month through a partner" in files["steve-hall"]
    assert "Thanks to you, too" not in files["quiet-quinn"]


def test_html_part_escapes_data_and_text_part_shows_it_as_written(
    mail: Mailer, mail_project: SiteProject
) -> None:
    assert mail().returncode == 0
    message = _parse(_preview(mail_project)["anne-ortiz"])
    html_body = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text_body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html_body
    assert "Zed &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html_body
    assert "Zed <script>alert(1)</script> & Co" in text_body
    assert 'style="' in html_body and "<table" in html_body  # inlined CSS, table layout


def test_links_in_the_message_exist_in_the_built_site(mail: Mailer, mail_project: SiteProject) -> None:
    assert mail().returncode == 0
    build = mail_project.mkdocs_build()
    assert build.returncode == 0, build.stderr
    plain = _parse(_preview(mail_project)["steve-hall"]).get_body(("plain",))
    assert plain is not None
    body = plain.get_content()
    for url in (_private_url("steve-hall"), ISSUE_URL):
        assert url in body
        page = url.removeprefix("https://partners.example.com/")
        assert (mail_project.site / page / "index.html").is_file(), page


# --- sending --------------------------------------------------------------------------------------


def test_send_delivers_each_message_once_with_both_parts_links_and_headers(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert mail(**smtp.env()).returncode == 0
    reviewed = _preview(mail_project)
    result = mail("--send", "--rate", "50/s", **smtp.env())
    assert result.returncode == 0, result.stdout + result.stderr
    received = _by_recipient(smtp)
    assert sorted(received) == sorted(RECIPIENTS.values())
    for partner_id, copies in received.items():
        assert len(copies) == 1
        assert copies[0] == reviewed[partner_id]  # what was reviewed is what was sent
        message = _parse(copies[0])
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert message["Subject"].endswith("your referral news for March 2026")
        assert message["List-Unsubscribe"] == "<mailto:olive@owner.example?subject=unsubscribe>"
        assert message["Date"] and message["Message-ID"].endswith("@partners.example.com>")
        for part in message.iter_parts():
            body = part.get_content()
            assert _private_url(partner_id) in body and ISSUE_URL in body
            others = [_private_url(other) for other in CONFIDENTIAL if other != partner_id]
            assert not any(url in body for url in others)
    assert _parse(received["steve-hall"][0])["Subject"] == "Steve, your referral news for March 2026"
    assert [entry["event"] for entry in _log(mail_project)] == ["sending", "delivered"] * 3
    rerun = mail("--send", **smtp.env())
    assert rerun.returncode == 0
    assert "0 delivered, 3 already delivered before" in rerun.stdout
    assert len(smtp.mailbox.received()) == 3


def test_killed_midway_then_rerun_delivers_each_message_exactly_once(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait
) -> None:
    command = [sys.executable, "-m", "generator", "mail", "--month", MONTH, "--send", "--rate", "20/min"]
    sender = subprocess.Popen(
        command,
        cwd=mail_project.root,
        env=mail_project.env(**smtp.env(), **held_wait.env(2)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill once the first message is in and logged, while the sender waits for the next.
        held_wait.reached_by(sender)
        assert [e["event"] for e in _log(mail_project)] == ["sending", "delivered"]
        sender.send_signal(signal.SIGKILL)
        assert sender.wait(timeout=60) == -signal.SIGKILL  # a bound, not a measure of speed
    finally:
        if sender.poll() is None:
            sender.kill()
    assert len(smtp.mailbox.received()) == 1
    result = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 delivered, 1 already delivered before" in result.stdout
    received = _by_recipient(smtp)
    assert {partner: len(copies) for partner, copies in received.items()} == {
        p: 1 for p in RECIPIENTS.values()
    }
    message_ids = [_parse(data)["Message-ID"] for _, data in smtp.mailbox.received()]
    assert len(set(message_ids)) == 3


def test_a_refused_recipient_is_reported_and_retried_on_the_next_run(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.refuse.add("SECRET-EMAIL-STEVE@example.com")
    first = mail("--send", "--rate", "50/s", **smtp.env())
    assert first.returncode == 1
    assert "Failed: steve-hall: recipient refused: 550 5.1.1 Mailbox unavailable" in first.stdout
    assert sorted(_by_recipient(smtp)) == ["anne-ortiz", "quiet-quinn"]
    assert not any(entry["partner"] == "steve-hall" for entry in _log(mail_project))
    smtp.mailbox.refuse.clear()
    second = mail("--send", "--rate", "50/s", **smtp.env())
    assert second.returncode == 0, second.stdout
    assert "1 delivered, 2 already delivered before, 0 failed" in second.stdout
    received = _by_recipient(smtp)
    assert {partner: len(copies) for partner, copies in received.items()} == {
        p: 1 for p in RECIPIENTS.values()
    }


def test_a_connection_lost_mid_delivery_is_reported_and_never_resent_on_its_own(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.hang_up.add("SECRET-EMAIL-ANNE@example.com")
    first = mail("--send", "--rate", "50/s", **smtp.env())
    assert first.returncode == 1
    assert "Uncertain: anne-ortiz" in first.stdout and "1 uncertain" in first.stdout
    # The server did get it; the sender reconnected for the others.
    assert {partner: len(copies) for partner, copies in _by_recipient(smtp).items()} == {
        p: 1 for p in RECIPIENTS.values()
    }
    smtp.mailbox.hang_up.clear()
    second = mail("--send", "--rate", "50/s", **smtp.env())
    # Still uncertain: a script retrying until exit 0 must not stop with a partner maybe unmailed.
    assert second.returncode == 1, second.stdout
    assert "0 delivered, 2 already delivered before, 0 failed, 1 uncertain" in second.stdout
    assert "exit status 1 until each one has" in second.stdout
    assert "if it arrived, rerun with --arrived anne-ortiz" in second.stdout
    assert len(smtp.mailbox.received()) == 3
    wrong = mail("--send", "--arrived", "steve-hall", **smtp.env())
    assert wrong.returncode == 1 and "no uncertain message for that partner" in wrong.stderr
    found = mail("--send", "--arrived", "anne-ortiz", **smtp.env())
    assert found.returncode == 0, found.stdout
    assert "0 delivered, 3 already delivered before, 0 failed, 0 uncertain" in found.stdout
    assert len(smtp.mailbox.received()) == 3


OTHER_SECRET = "another-secret-after-rotation-0123456789"


@pytest.mark.parametrize("change", ["secret", "site_url"])
def test_a_new_secret_or_site_url_between_two_sends_sends_nothing_twice_and_warns(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer, change: str
) -> None:
    assert mail("--send", "--rate", "50/s", **smtp.env()).returncode == 0
    if change == "secret":
        rotated = smtp.env(REFERRAL_SITE_SECRET=OTHER_SECRET)
    else:
        config = mail_project.root / "mkdocs.yml"
        config.write_text(
            config.read_text("utf-8").replace("https://partners.example.com", "https://news.example.org"),
            encoding="utf-8",
        )
        rotated = smtp.env()
    preview = mail(**rotated)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "3 of them were already delivered" in preview.stdout
    again = mail("--send", "--rate", "50/s", **rotated)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 delivered, 3 already delivered before" in again.stdout
    assert len(smtp.mailbox.received()) == 3
    for output in (preview.stdout, again.stdout):
        warning = next(line for line in output.splitlines() if line.startswith("Warning: the links mailed"))
        assert "for: anne-ortiz, steve-hall, quiet-quinn." in warning


def test_an_unchanged_month_gives_no_link_warning(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert mail("--send", "--rate", "50/s", **smtp.env()).returncode == 0
    again = mail("--send", **smtp.env())
    assert again.returncode == 0 and "Warning" not in again.stdout


def test_review_replaces_and_removes_only_its_own_eml_files(mail: Mailer, mail_project: SiteProject) -> None:
    folder = mail_project.root / "mail-out" / MONTH
    folder.mkdir(parents=True)
    (folder / "draft-by-hand.eml").write_bytes(b"mine")
    assert mail().returncode == 0
    assert sorted(_preview(mail_project)) == ["anne-ortiz", "draft-by-hand", "quiet-quinn", "steve-hall"]
    # Steve opts out: his own old message goes, the hand-written file stays.
    mail_project.write_data(
        DATA.replace("SECRET-EMAIL-STEVE@example.com", "SECRET-EMAIL-STEVE@example.com\n    mail: false")
    )
    assert mail().returncode == 0
    assert sorted(_preview(mail_project)) == ["anne-ortiz", "draft-by-hand", "quiet-quinn"]
    assert (folder / "draft-by-hand.eml").read_bytes() == b"mine"


def test_review_never_overwrites_an_eml_file_it_did_not_write(
    mail: Mailer, mail_project: SiteProject
) -> None:
    folder = mail_project.root / "mail-out" / MONTH
    folder.mkdir(parents=True)
    (folder / "anne-ortiz.eml").write_bytes(b"edited by hand")
    result = mail()
    assert result.returncode == 1
    assert "anne-ortiz.eml" in result.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["anne-ortiz.eml"]
    assert (folder / "anne-ortiz.eml").read_bytes() == b"edited by hand"


def test_a_second_sender_is_refused_while_one_runs(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    with SendLog.open(mail_project.root / ".referral" / "mail-log.jsonl"):
        result = mail("--send", **smtp.env())
    assert result.returncode == 1
    assert "another 'mail --send' is running" in result.stderr
    assert smtp.mailbox.received() == []


def test_a_message_cut_off_mid_delivery_is_not_resent_unless_asked(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert mail(**smtp.env()).returncode == 0
    steve_id = _parse(_preview(mail_project)["steve-hall"])["Message-ID"]
    log = mail_project.root / ".referral" / "mail-log.jsonl"
    log.parent.mkdir(exist_ok=True)
    # What a kill during DATA leaves: "sending" with no answer, and a torn last line.
    log.write_text(
        json.dumps({"event": "sending", "message_id": steve_id, "partner": "steve-hall"}) + '\n{"ev'
    )
    result = mail("--send", "--rate", "50/s", **smtp.env())
    assert result.returncode == 1, result.stdout
    assert f"Uncertain: steve-hall {steve_id}" in result.stdout
    assert sorted(_by_recipient(smtp)) == ["anne-ortiz", "quiet-quinn"]
    forced = mail("--send", "--resend-uncertain", **smtp.env())
    assert forced.returncode == 0, forced.stdout
    assert sorted(_by_recipient(smtp)) == sorted(RECIPIENTS.values())
    assert read_states(log)[f"steve-hall/{MONTH}"] == "delivered"


def test_an_unreachable_server_fails_every_message_and_logs_none(
    mail: Mailer, mail_project: SiteProject
) -> None:
    # A port held, never listening: refused for sure (a free_port() could meanwhile be another
    # test's server, started on the same machine at the same time).
    with reserved_port() as port:
        result = mail("--send", REFERRAL_SMTP_HOST="127.0.0.1", REFERRAL_SMTP_PORT=str(port))
    assert result.returncode == 1
    assert "0 delivered, 0 already delivered before, 3 failed" in result.stdout
    assert _log(mail_project) == []


def test_send_needs_the_smtp_host(mail: Mailer, mail_project: SiteProject) -> None:
    result = mail("--send", REFERRAL_SMTP_HOST="")
    assert result.returncode == 1
    assert "REFERRAL_SMTP_HOST is not set" in result.stderr


def test_starttls_is_used_when_offered_and_login_happens_inside_it(
    mail: Mailer, mail_project: SiteProject, tmp_path: Path
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"olive", b"s3cret")
        return AuthResult(success=ok)

    options = {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": authenticator,
        "auth_required": True,
    }
    with _start_server(tmp_path, **options) as server:
        env = server.env(REFERRAL_SMTP_USER="olive", REFERRAL_SMTP_PASSWORD="s3cret", SSL_CERT_FILE=str(cert))
        result = mail("--send", "--rate", "50/s", **env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert server.mailbox.sessions == [{"tls": True, "authenticated": True}] * 3


# --- small parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [("2/s", 0.5), ("30/min", 2.0), ("3600/h", 1.0), ("4", 0.25)])
def test_rates(text: str, seconds: float) -> None:
    assert parse_rate(text) == seconds


def test_the_log_knows_an_address_however_it_is_written() -> None:
    # "Anne@Example.com " corrected to "anne@example.com" is the same mailbox: not "moved".
    assert address_digest("Anne@Example.com ") == address_digest("anne@example.com")
    assert address_digest("anne@example.com") != address_digest("ann@example.com")


def test_a_delivered_message_stays_delivered_whatever_the_log_says_after(tmp_path: Path) -> None:
    """Nothing replaces ``delivered`` (two lines after it, from a log merged by hand or a second
    machine, must not make the month look unsent and mail the partner again)."""
    log = tmp_path / "mail-log.jsonl"
    records = [
        {
            "event": "delivered",
            "key": "anne-ortiz/2026-11",
            "message_id": "<a.2026-11@x>",
            "partner": "anne-ortiz",
        },
        {
            "event": "sending",
            "key": "anne-ortiz/2026-11",
            "message_id": "<b.2026-11@x>",
            "partner": "anne-ortiz",
        },
        {
            "event": "failed",
            "key": "anne-ortiz/2026-11",
            "message_id": "<b.2026-11@x>",
            "partner": "anne-ortiz",
        },
    ]
    log.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    assert read_states(log) == {"anne-ortiz/2026-11": "delivered"}


@pytest.mark.parametrize("text", ["0/s", "fast", "-1/s", "2/day"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(text)


@pytest.mark.parametrize("text", ["2026-13", "2026-3", "March"])
def test_bad_months_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="write it as YYYY-MM"):
        parse_month(text)


def test_a_refused_review_creates_no_secret(mail: Mailer, mail_project: SiteProject) -> None:
    folder = mail_project.root / "mail-out" / MONTH
    folder.mkdir(parents=True)
    (folder / "steve-hall.eml").write_bytes(b"edited by hand")
    refused = mail(REFERRAL_SITE_SECRET="")
    assert refused.returncode == 1 and "steve-hall.eml" in refused.stderr
    assert not (mail_project.root / ".referral").exists()
    (folder / "steve-hall.eml").unlink()
    assert mail(REFERRAL_SITE_SECRET="").returncode == 0
    assert (mail_project.root / ".referral" / "secret").is_file()


# --- review3: headers, confirmations, shared addresses ------------------------------------------

# An RFC 2047 encoded word holds no control character, so validation lets it through; Python's
# email package decodes it when a header is set, and a CRLF inside then starts a header of its own.
ENCODED_BREAK = "=?utf-8?q?Steve=0D=0ABcc:_eve@evil.example?="
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "Content-Type", "MIME-Version"}


def test_a_name_holding_an_encoded_line_break_cannot_add_a_header(
    mail: Mailer, mail_project: SiteProject
) -> None:
    mail_project.write_data(
        DATA.replace("name: Steve Hall", f"name: '{ENCODED_BREAK}'").replace(
            "owner: Olive Owner", f"owner: '{ENCODED_BREAK}'"
        )
    )
    assert mail(REFERRAL_MAIL_FROM="olive@owner.example").returncode == 0
    message = _parse(_preview(mail_project)["steve-hall"])
    assert set(message.keys()) == HEADERS
    assert [a.addr_spec for a in message["To"].addresses] == ["SECRET-EMAIL-STEVE@example.com"]
    assert [a.addr_spec for a in message["From"].addresses] == ["olive@owner.example"]
    # Shown as written (an invisible word joiner keeps "=?" from reading as an encoded word).
    shown = str(message["Subject"]).replace("\u2060", "")
    assert shown == f"{ENCODED_BREAK}, your referral news for March 2026"


def test_a_confirmed_arrival_after_a_new_secret_keeps_the_links_actually_sent(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.hang_up.add("SECRET-EMAIL-ANNE@example.com")
    assert mail("--send", "--rate", "50/s", **smtp.env()).returncode == 1
    sent_id = _parse(next(data for rcpt, data in smtp.mailbox.received() if "ANNE" in rcpt[0]))["Message-ID"]
    smtp.mailbox.hang_up.clear()
    rotated = smtp.env(REFERRAL_SITE_SECRET=OTHER_SECRET)
    found = mail("--send", "--arrived", "anne-ortiz", **rotated)
    assert found.returncode == 0, found.stdout
    assert [e["message_id"] for e in _log(mail_project) if e["event"] == "delivered"][-1] == sent_id
    # Anne holds the links of the old secret: she is named, like every partner mailed before it.
    again = mail("--send", **rotated)
    warning = next(line for line in again.stdout.splitlines() if line.startswith("Warning: the links mailed"))
    assert "for: anne-ortiz, steve-hall, quiet-quinn." in warning
    assert len(smtp.mailbox.received()) == 3


def test_two_partners_sharing_an_address_are_refused_before_anything_is_written(
    mail: Mailer, mail_project: SiteProject
) -> None:
    # A copied line: Quinn's private link, prospects and notes would land in Steve's inbox.
    mail_project.write_data(DATA.replace("SECRET-EMAIL-QUINN@example.com", "secret-email-steve@EXAMPLE.com"))
    result = mail()
    assert result.returncode == 1
    # Located as check locates it (mail named neither file nor line), and the address not echoed
    # into a CI log.
    located = (
        "partners.yaml:21:12: partners[2].email: partners 'steve-hall' and 'quiet-quinn' have the same email"
    )
    assert located in result.stderr
    assert "mail: false" in result.stderr
    assert "secret-email-steve" not in result.stderr.lower()
    assert _preview(mail_project) == {}
    # Leaving one of them out of the mail is enough.
    mail_project.write_data(
        DATA.replace("SECRET-EMAIL-QUINN@example.com", "secret-email-steve@EXAMPLE.com\n    mail: false")
    )
    assert mail().returncode == 0
    assert sorted(_preview(mail_project)) == ["anne-ortiz", "steve-hall"]


def test_a_web_address_added_to_a_note_is_not_reported_as_changed_links(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert mail("--send", "--rate", "50/s", **smtp.env()).returncode == 0
    mail_project.write_data(
        DATA.replace("note: SECRET-NOTE-DANA-WON", "note: SECRET-NOTE-DANA-WON, see https://example.com/x")
    )
    again = mail("--send", **smtp.env())
    assert again.returncode == 0 and "Warning" not in again.stdout, again.stdout


def test_a_partner_whose_id_is_corrected_after_sending_is_not_mailed_the_month_again(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert mail("--send", "--rate", "50/s", **smtp.env()).returncode == 0
    mail_project.write_data(DATA.replace("steve-hall", "steven-hall"))
    again = mail("--send", "--rate", "50/s", **smtp.env())
    assert again.returncode == 0, again.stdout
    assert len(smtp.mailbox.received()) == 3
    # Told, since the corrected id gave the partner a new private address.
    assert "links mailed for" in again.stdout and "steven-hall" in again.stdout, again.stdout


# --- composed in process: what a partner reads ------------------------------------------------

QUIET_DATA = """\
newsletter:
  title: Test Partner News
  owner: Olive Owner
  email: olive@owner.example
partners:
  - id: nick-news
    name: Nick News
    email: nick@example.com
  - id: gail-given
    name: Gail Given
    email: gail@example.com
referrals:
  - id: r-001
    partner: nick-news
    prospect: Pat Prospect
    introduced: 2026-02-03
  - id: r-002
    partner: gail-given
    prospect: Pam Prospect
    introduced: 2026-02-04
  - id: r-003
    partner: nick-news
    prospect: Paul Prospect
    introduced: 2026-03-02
given:
  - partner: gail-given
    date: 2026-03-10
    to: Jo Park
"""


def _composed(data_text: str, **environ: str) -> dict[str, EmailMessage]:
    as_of = dt.date(2026, 11, 20)
    data = validate.load_text(data_text, "partners.yaml", as_of)
    layout = SiteLayout(as_of=as_of, secret=TEST_SECRET.encode())
    messages = compose_month(data, parse_month("2026-03"), layout, "https://partners.example.com/", environ)
    return {message.partner_id: _parse(message.data) for message in messages}


def _paragraphs(message: EmailMessage) -> list[str]:
    plain = message.get_body(("plain",))
    assert plain is not None
    text = plain.get_content().replace("\r\n", "\n")
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def test_a_partner_with_no_news_this_month_reads_separate_paragraphs() -> None:
    gail = _paragraphs(_composed(QUIET_DATA)["gail-given"])
    no_news = (
        "Your introduction is still in progress, with no news in March 2026. Your page has every detail. "
        "Thank you for being one of our referral partners."
    )
    assert no_news in gail  # a paragraph of its own, not run into the next one
    assert "BUSINESS WE SENT YOUR WAY" in gail
    assert sum("still in progress" in paragraph for paragraph in gail) == 1  # told once (review23)


def test_replies_and_unsubscribes_reach_the_owners_reply_address() -> None:
    """newsletter.email is the owner's reply address (DESIGN, v1.1): a sending address of
    another mailbox must not take the replies, "unsubscribe" included."""
    sent_by_mailer = _composed(QUIET_DATA, REFERRAL_MAIL_FROM="News Desk <news@mailer.example>")["nick-news"]
    assert str(sent_by_mailer["From"]) == "News Desk <news@mailer.example>"
    assert str(sent_by_mailer["Reply-To"]) == "Olive Owner <olive@owner.example>"
    assert str(sent_by_mailer["List-Unsubscribe"]) == "<mailto:olive@owner.example?subject=unsubscribe>"
    sent_by_owner = _composed(QUIET_DATA)["nick-news"]
    assert str(sent_by_owner["From"]) == "Olive Owner <olive@owner.example>"
    assert sent_by_owner["Reply-To"] is None  # replies go to From already
    assert str(sent_by_owner["List-Unsubscribe"]) == "<mailto:olive@owner.example?subject=unsubscribe>"


def test_without_site_url_the_message_names_only_what_mail_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.yaml").write_text(QUIET_DATA, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(["mail", "--month", MONTH]) == 1
    error = capsys.readouterr().err
    assert "mkdocs.yml has no site_url" in error
    assert "--site-url" not in error  # `mail` has no such option: the links come from mkdocs.yml
    assert not (tmp_path / "mail-out").exists()


def test_mail_reads_the_data_file_given_with_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """check, generate, links, guard and build take --data; mail had no such option, so a site
    built from other data (`build --engine zensical --data PATH`) could not be mailed from it."""
    (tmp_path / "other.yaml").write_text(QUIET_DATA, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: https://partners.example.com/\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("REFERRAL_MAIL_FROM", SENDER)
    assert main(["mail", "--month", MONTH, "--data", "other.yaml"]) == 0
    out = capsys.readouterr().out
    written = sorted(path.name for path in (tmp_path / "mail-out").rglob("*.eml"))
    assert len(written) == 2 and all(("nick-news" in n) != ("gail-given" in n) for n in written), written
    assert not (tmp_path / "partners.yaml").exists()
    assert "To deliver them: python -m generator mail --month 2026-03 --data other.yaml --send" in out


def test_a_month_with_nobody_to_mail_says_so_instead_of_offering_to_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.yaml").write_text(
        QUIET_DATA.replace("    email: ", "    mail: false\n    email: "), "utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: https://partners.example.com/\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(["mail", "--month", MONTH]) == 0
    out = capsys.readouterr().out
    assert "Opted out (mail: false), not mailed: nick-news, gail-given" in out
    assert (
        "No message to write for March 2026: no partner of that month has an email address and mail: true."
        in out
    )
    assert "To deliver them" not in out


# One partner with a single introduction, still open, and no news in March; another only received
# business that month and has no address, so the month has an issue and one message.
ONE_INTRODUCTION = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: solo, name: Sol Solo, email: sol@example.com}
  - {id: giver, name: Gil Giver}
referrals:
  - {id: r1, partner: solo, prospect: Pat Doe, introduced: 2026-01-05, updates: [{date: 2026-01-20, stage: met}]}
given:
  - {partner: giver, date: 2026-03-02, to: Max Field}
"""


def test_a_review_of_one_message_says_so_in_the_singular_and_its_text_reads_right(tmp_path: Path) -> None:
    (tmp_path / "partners.yaml").write_text(ONE_INTRODUCTION, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://partners.example.com/\n", encoding="utf-8")
    said: list[str] = []
    environ = {"REFERRAL_SITE_SECRET": TEST_SECRET, "SOURCE_DATE_EPOCH": "1795132800"}
    request = MailRequest(parse_month(MONTH), tmp_path / "mail-out")
    assert run_mail(request, tmp_path, environ, said.append) == 0
    assert f"Wrote 1 message to {tmp_path / 'mail-out' / MONTH}/ for review; nothing was sent." in said
    message = _parse((tmp_path / "mail-out" / MONTH / "solo.eml").read_bytes())
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text = text_part.get_content().replace("\r\n", "\n")
    # One introduction: "your introduction"; and a paragraph of its own, as in the other openings.
    assert (
        "\nYour introduction is still in progress, with no news in March 2026. Your\npage has every detail. "
        "Thank you for being one of our referral partners.\n\n" in text
    )
    assert "Your introduction is still in progress, with no news in March 2026." in html_part.get_content()


def test_messages_of_a_month_not_over_yet_are_not_dated_in_the_future() -> None:
    december = parse_month("2026-12")
    today = dt.date(2026, 12, 4)
    assert message_date(december, {}, today) == dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    assert message_date(parse_month("2026-11"), {}, today) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    epoch = {"SOURCE_DATE_EPOCH": "1795132800"}  # reproducible runs keep their date
    assert message_date(december, epoch, today) == dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def _coming_up(message: EmailMessage) -> str:
    paragraphs = _paragraphs(message)
    return next((p for p in paragraphs if p.startswith("Coming up:")), "")


def test_coming_up_starts_on_the_day_the_message_is_dated() -> None:
    """A message dated during its month left out an event later that month; one dated after an
    event invited to it as 'coming up'."""
    data = QUIET_DATA + (
        "events:\n  - {date: 2026-03-25, title: Spring lunch}\n  - {date: 2026-04-03, title: April ride}\n"
    )
    mid_march = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 3, 20, tzinfo=dt.UTC).timestamp()))}
    assert _coming_up(_composed(data, **mid_march)["nick-news"]) == (
        "Coming up: * 25 March 2026: Spring lunch * 3 April 2026: April ride"
    )
    # Dated when March ends (1 April): both are still to come in April's case only.
    assert _coming_up(_composed(data)["nick-news"]) == "Coming up: * 3 April 2026: April ride"
    after_the_ride = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 4, 5, tzinfo=dt.UTC).timestamp()))}
    assert _coming_up(_composed(data, **after_the_ride)["nick-news"]) == ""


def test_a_message_dated_before_its_month_ends_does_not_speak_of_the_months_end() -> None:
    mid_march = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 3, 20, tzinfo=dt.UTC).timestamp()))}
    nick = _composed(QUIET_DATA, **mid_march)["nick-news"]
    # Nick gave two introductions, one with news: "the introduction you gave us" said he gave one.
    assert "Here is where one of your two introductions stands so far in March 2026." in _paragraphs(nick)
    html_part = nick.get_body(("html",))
    assert html_part is not None and "stands so far in March 2026." in html_part.get_content()
    gail_and_more = _composed(
        QUIET_DATA.replace(
            "given:\n",
            "  - {id: r-004, partner: nick-news, prospect: Pia Prospect, introduced: 2026-03-05}\ngiven:\n",
        ),
        **mid_march,
    )
    assert "Here is where two of your three introductions stand so far in March 2026." in _paragraphs(
        gail_and_more["nick-news"]
    )
    # Dated once March is over (1 April), it is where things stood when it ended.
    after = _paragraphs(_composed(QUIET_DATA)["nick-news"])
    assert "Here is where one of your two introductions stood at the end of March 2026." in after


def test_the_text_part_keeps_to_lines_a_plain_text_reader_shows_whole() -> None:
    """The rest of the text part wraps at 72 columns; a note ran on in one line of 100 or more."""
    note = "Good to meet Pat over lunch; a test ride is booked for the spring, after the dealer show."
    data = QUIET_DATA.replace(
        "    introduced: 2026-03-02\n",
        f"    introduced: 2026-03-02\n    updates:\n      - {{date: 2026-03-09, stage: met, note: '{note}'}}\n",
    ).replace("to: Jo Park", f"to: Jo Park\n    note: '{note}'")
    data += (
        "events:\n  - {date: 2026-04-10, title: Holiday partner mixer, time: '18:00', end: '21:00', "
        "where: 'Main St showroom, Millbrook'}\n"
    )
    messages = _composed(data)
    for message in messages.values():
        plain = message.get_body(("plain",))
        assert plain is not None
        long_lines = [
            line for line in plain.get_content().splitlines() if len(line) > 76 and " " in line.strip()
        ]
        assert long_lines == []
    nick = _paragraphs(messages["nick-news"])
    assert any(f"9 March 2026: We met. {note}" in paragraph for paragraph in nick)  # the words all there


def test_the_html_part_offers_unsubscribing_as_a_link_to_the_owner() -> None:
    nick = _composed(QUIET_DATA, REFERRAL_MAIL_FROM="News Desk <news@mailer.example>")["nick-news"]
    html_part = nick.get_body(("html",))
    assert html_part is not None
    assert 'href="mailto:olive@owner.example?subject=unsubscribe"' in html_part.get_content()


CLOSED_EARLIER = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: won, name: Wanda Won, email: wanda@example.com}
  - {id: lost, name: Lou Lost, email: lou@example.com}
  - {id: both, name: Bo Both, email: bo@example.com}
referrals:
  - {id: r1, partner: won, prospect: Pat Doe, introduced: 2026-01-05, updates: [{date: 2026-02-20, stage: won}]}
  - {id: r2, partner: lost, prospect: Ray Roe, introduced: 2026-01-06, updates: [{date: 2026-01-20, stage: lost}]}
  - {id: r3, partner: both, prospect: Sam Sue, introduced: 2026-01-07, updates: [{date: 2026-02-02, stage: won}]}
  - {id: r4, partner: both, prospect: Tia Tee, introduced: 2026-02-07}
  - {id: r5, partner: lost, prospect: New One, introduced: 2026-03-03}
"""


def test_a_file_closed_in_an_earlier_month_is_not_said_to_have_no_news() -> None:
    # "No news on your introduction in March" to a partner whose introduction became a client
    # in February reads as if it were still waiting; only open introductions can have no news.
    messages = _composed(CLOSED_EARLIER)
    wanda = _paragraphs(messages["won"])
    assert not any("No news" in paragraph for paragraph in wanda)
    assert "Thank you for being one of our referral partners." in wanda
    html_part = messages["won"].get_body(("html",))
    assert html_part is not None and "No news" not in html_part.get_content()
    # One closed and one open: the open one is the introduction with no news, told once, without
    # "your introduction", as if it were the only one (review23).
    bo = _paragraphs(messages["both"])
    assert (
        "One of your two introductions is still in progress, with no news in March 2026. Your page has every "
        "detail. Thank you for being one of our referral partners." in bo
    )
    assert sum("still in progress" in paragraph for paragraph in bo) == 1


def test_a_partner_who_has_given_nothing_yet_is_not_pointed_to_every_introduction_they_gave() -> None:
    # Nick has no introduction at all: "Every introduction you gave us and where it stands" and
    # "See all your introductions" speak of introductions that do not exist.
    nick = _composed(NOTHING_YET)["nick"]
    text = "\n\n".join(_paragraphs(nick))
    assert "Every introduction you gave us" not in text
    assert "YOUR PAGE Where you will follow every introduction you send us: https://" in text
    html_part = nick.get_body(("html",))
    assert html_part is not None
    assert "See all your introductions" not in html_part.get_content()
    assert ">See your page</a>" in html_part.get_content()
    # Olive gave one: her message still points to it.
    assert "Every introduction you gave us and where it stands:" in "\n".join(
        _paragraphs(_composed(NOTHING_YET)["olive"])
    )


NOTHING_YET = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: nick, name: Nick New, email: nick@example.com}
  - {id: olive, name: Ola Old, email: ola@example.com}
referrals:
  - {id: r1, partner: olive, prospect: Pat Doe, introduced: 2026-03-05}
"""


def test_coming_up_gives_the_events_sentence_in_both_parts() -> None:
    data = NOTHING_YET + (
        "events:\n  - {date: 2026-04-10, title: Spring ride, where: The mill,"
        " description: Coffee first; bring a friend.}\n"
    )
    message = _composed(data)["olive"]
    assert "* 10 April 2026: Spring ride, The mill: Coffee first; bring a friend." in " ".join(
        _paragraphs(message)
    )
    html_part = message.get_body(("html",))
    assert html_part is not None
    assert (
        "10 April 2026: Spring ride, The mill: Coffee first; bring a friend.</td>" in html_part.get_content()
    )


def test_review_copies_are_never_written_where_the_site_publishes_them_or_into_a_file(
    mail: Mailer, mail_project: SiteProject
) -> None:
    """`mail --out content/mail` wrote every partner's private link and notes into the docs folder
    (the next build failed on the leak guard; into site/ a deploy would publish them; the theme's
    custom_dir is copied into the site as the docs folder is), and
    `--out FILE` said "the generator's manifest FILE/2026-03/.written.json is unreadable; delete
    it", a file that does not exist (review41)."""
    (mail_project.root / "notes.txt").write_text("mine\n", encoding="utf-8")
    refused = {
        "content/mail": "--out content/mail is inside the docs folder, content/, which is published, and "
        "the messages hold each partner's private link and notes: write them elsewhere (default: mail-out)",
        "site": "--out site is inside the built site, site/, which is published, and the messages hold "
        "each partner's private link and notes: write them elsewhere (default: mail-out)",
        # MkDocs copies the theme folder's files (all but templates and hidden ones) into the site:
        # overrides/mail/2026-03/*.eml became site/mail/2026-03/*.eml (review43).
        "overrides/mail": "--out overrides/mail is inside the theme's custom_dir, overrides/, which is "
        "published, and the messages hold each partner's private link and notes: write them elsewhere "
        "(default: mail-out)",
        "notes.txt/mail": f"--out notes.txt/mail: {mail_project.root / 'notes.txt'} is a file, not a folder: "
        "move it, or name another folder for the messages with --out FOLDER",
    }
    for out, message in refused.items():
        result = mail("--out", out)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert not (mail_project.content / "mail").exists()
    assert not (mail_project.root / "overrides" / "mail").exists()
    assert not mail_project.site.exists()
    assert (mail_project.root / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def _first_strong_direction(text: str) -> str:
    """The direction a mail list lays a line out in (Unicode's rule P2): that of its first strong
    letter, skipping whatever an isolate sets apart."""
    depth = 0
    for char in text:
        if char in "\u2066\u2067\u2068":
            depth += 1
        elif char == "\u2069":
            depth = max(depth - 1, 0)
        elif depth == 0 and unicodedata.bidirectional(char) in ("L", "R", "AL"):
            return "ltr" if unicodedata.bidirectional(char) == "L" else "rtl"
    return "ltr"


RIGHT_TO_LEFT = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: noor, name: نور الهدى, email: noor@example.com}
  - {id: liz, name: Dr. Elizabeth Warren-Smith, greeting: Liz, email: liz@example.com}
referrals:
  - {id: r1, partner: noor, prospect: Pat Doe, introduced: 2026-03-05}
"""


def test_a_subject_opening_with_a_right_to_left_name_still_reads_left_to_right() -> None:
    # "نور الهدى, your referral news for March 2026" opened with Arabic: a mail list drew the
    # whole line from the right, "your referral news for March 2026 ,نور الهدى" (review44).
    messages = _composed(RIGHT_TO_LEFT)
    subject = str(messages["noor"]["Subject"])
    assert subject == "\u2068نور الهدى\u2069, your referral news for March 2026"
    assert _first_strong_direction(subject) == "ltr"
    # A left-to-right greeting is as it was: no invisible marks around it.
    assert str(messages["liz"]["Subject"]) == "Liz, your referral news for March 2026"


def _preview_text(message: EmailMessage) -> str:
    """The words a phone shows beside the subject: the HTML part's text in document order,
    hidden or not, without the invisible spaces that end a preheader."""
    part = message.get_body(("html",))
    assert part is not None
    body = str(part.get_content()).split("<body", 1)[1].split(">", 1)[1]
    text = html.unescape(re.sub(r"<[^>]*>", " ", body)).replace("\u200c", " ")
    return " ".join(text.split())


def test_a_phone_previews_the_messages_news_not_the_masthead() -> None:
    # Beside the subject, a phone showed "Test Partner News: March 2026 Dear Nick, Here is ...":
    # the title and the month the subject gives, the news cut off (review44).
    messages = _composed(QUIET_DATA)
    nick, gail = _preview_text(messages["nick-news"]), _preview_text(messages["gail-given"])
    assert nick.startswith("Here is where one of your two introductions stood at the end of March 2026. ")
    assert gail.startswith("Your introduction is still in progress, with no news in March 2026. ")
    assert _preview_text(_composed(NOTHING_YET)["nick"]).startswith(
        "Thank you for being one of our referral partners. T: March 2026 Dear Nick,"
    )


def test_long_names_wrap_in_the_text_part_too() -> None:
    # A prospect's line and the signature (and the greeting) were written on one line whatever their
    # length: "Mark Rodgers, Rodgers Harley-Davidson Sales & Service of ..." ran past 78 columns,
    # which a plain-text reader cuts or scrolls sideways (review44).
    long_prospect = "Bartholomew Featherstonehaugh-Cholmondeley of Lower Slaughter Estates"
    data = QUIET_DATA.replace("prospect: Paul Prospect", f"prospect: {long_prospect}").replace(
        "owner: Olive Owner",
        "owner: Olive Owner\n  business: Owner Motorcycles Sales, Service & Parts of Southeastern Wisconsin",
    )
    nick = _composed(data)["nick-news"]
    plain = nick.get_body(("plain",))
    assert plain is not None
    text = plain.get_content()
    assert [line for line in text.splitlines() if len(line) > 78] == []
    paragraphs = _paragraphs(nick)
    assert f"* {long_prospect}: Introduced - 2 March 2026: You introduced us." in paragraphs
    assert "Olive Owner, Owner Motorcycles Sales, Service & Parts of Southeastern Wisconsin" in paragraphs[-2]
