"""Mail sent exactly once, whatever goes wrong: faults of the server, the sender and the log.

Every test drives the real ``mail`` command against a real SMTP server on loopback (aiosmtpd,
as in test_mail.py) and checks what each partner received, the exit status and what the
command said to do next.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_mail
from aiosmtpd.smtp import AuthResult
from conftest import CI_ONLY, SOURCE_DATE_EPOCH, SiteProject, as_from_a_terminal
from test_mail import (
    DATA,
    MONTH,
    RECIPIENTS,
    HeldWait,
    Mailer,
    SmtpServer,
    _by_recipient,
    _log,
    _mail_process,
    _parse,
    _preview,
    _private_url,
    _start_server,
    _wait_for,
)

from generator.mail import run as mail_run
from generator.mail import session
from generator.mail.run import parse_month
from generator.stop_signals import held

# The fixtures of test_mail.py: the same project, server and in-process command, and the wait
# before a chosen message held until the test lets it go on.
mail_project, smtp, mail, held_wait = (
    test_mail.mail_project,
    test_mail.smtp,
    test_mail.mail,
    test_mail.held_wait,
)


def _copies(server: SmtpServer) -> dict[str, int]:
    return {partner: len(copies) for partner, copies in _by_recipient(server).items()}


EVERY_PARTNER_ONCE = {partner: 1 for partner in RECIPIENTS.values()}


def test_a_connection_the_server_closed_while_idle_is_reopened_not_a_failed_message(
    mail_project: SiteProject, tmp_path: Path
) -> None:
    # Servers drop a quiet session (Postfix after 300 s); at a slow --rate that happens between
    # two messages. Nothing of the next one was handed over: open a new session and send it.
    # The server here ends each session once it has answered a message: a 1 s idle timeout did
    # the same, but also cut a message short when a loaded machine paused the sender for 1 s.
    with _start_server(tmp_path) as server:
        server.mailbox.end_each_session = True
        result = _mail_process(mail_project, "--send", "--rate", "0.5/s", **server.env())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "3 delivered, 0 already delivered before, 0 failed" in result.stdout
        assert _copies(server) == EVERY_PARTNER_ONCE


# `python -m generator`, started by as_from_a_terminal: with Ctrl-C and SIGHUP as a terminal's
# shell leaves them, even when the suite runs with them ignored (`nohup`, `&` in a script).
GENERATOR = [sys.executable, "-m", "generator"]


def _sender(project: SiteProject, server: SmtpServer, rate: str, **extra_env: str) -> subprocess.Popen[str]:
    command = [*GENERATOR, "mail", "--month", MONTH, "--send", "--rate", rate]
    return subprocess.Popen(
        as_from_a_terminal(command),
        cwd=project.root,
        env=project.env(**server.env(), **extra_env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(sender: subprocess.Popen[str], signum: int) -> tuple[str, str]:
    try:
        sender.send_signal(signum)
        return sender.communicate(timeout=600)  # a bound for a stuck run, not a measure of speed
    finally:
        if sender.poll() is None:
            sender.kill()


# SIGHUP: the owner's terminal closed (review32; it ended the run with no summary at all).
@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"]
)
def test_stopped_after_two_messages_it_says_who_got_theirs_and_a_rerun_sends_the_rest_once(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait, signum: int
) -> None:
    sender = _sender(mail_project, smtp, "20/min", **held_wait.env(3))
    held_wait.reached_by(sender)
    assert [e["event"] for e in _log(mail_project)] == ["sending", "delivered"] * 2
    stdout, stderr = _stop(sender, signum)  # while it waits before the third
    assert sender.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    assert "2 delivered, 0 already delivered before, 0 failed, 0 uncertain, 1 not sent" in stdout
    assert "Interrupted before sending to: quiet-quinn. Run the same command again" in stdout
    rerun = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "1 delivered, 2 already delivered before, 0 failed, 0 uncertain" in rerun.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_a_hang_up_with_the_terminal_gone_leaves_the_next_run_to_say_who_got_theirs(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait
) -> None:
    # The owner's terminal closed mid-run: the summary has nowhere to go (writes fail), so the
    # run must stop as Ctrl-C does, without a second copy or a lost one, for the next run to tell.
    leader, follower = os.openpty()
    command = [*GENERATOR, "mail", "--month", MONTH, "--send", "--rate", "20/min"]
    sender = subprocess.Popen(
        as_from_a_terminal(command),
        cwd=mail_project.root,
        env=mail_project.env(**smtp.env(), **held_wait.env(3)),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    try:
        held_wait.reached_by(sender)  # waiting before the third
        os.close(leader)  # the terminal is gone: what the run writes now fails (EIO)
        sender.send_signal(signal.SIGHUP)
        sender.wait(timeout=600)
    finally:
        if sender.poll() is None:
            sender.kill()
    assert sender.returncode == 1  # it stopped itself, not killed by the signal halfway
    assert [e["event"] for e in _log(mail_project)] == ["sending", "delivered"] * 2
    review = _mail_process(mail_project, **smtp.env())
    assert "2 of them were already delivered" in review.stdout, review.stdout
    rerun = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "1 delivered, 2 already delivered before, 0 failed, 0 uncertain" in rerun.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_log_deleted_or_replaced_during_the_send_is_put_back_and_nobody_mailed_twice(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait, how: str
) -> None:
    # The run wrote on into the deleted file (or the one an editor's save put aside) and ended
    # "3 delivered"; the next run found no deliveries and mailed all three again (review32).
    sender = _sender(mail_project, smtp, "20/min", **held_wait.env(3))
    log = mail_project.root / ".referral" / "mail-log.jsonl"
    held_wait.reached_by(sender)
    assert [e["event"] for e in _log(mail_project)] == ["sending", "delivered"] * 2
    if how == "deleted":
        log.unlink()  # while it waits before the third
    else:
        kept = log.with_name("saved-copy")
        kept.write_bytes(log.read_bytes())
        kept.replace(log)
    held_wait.go_on.touch()
    stdout, stderr = sender.communicate(timeout=600)
    assert sender.returncode == 0, stdout + stderr
    assert f"The send log {log} was {how} during this run: it was written again" in stdout
    assert [e["event"] for e in _log(mail_project)].count("delivered") >= 3
    rerun = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "0 delivered, 3 already delivered before, 0 failed, 0 uncertain" in rerun.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_stopped_while_the_server_holds_a_message_it_is_uncertain_and_not_resent(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.stall.add("SECRET-EMAIL-STEVE@example.com")  # the server has it, answers late
    sender = _sender(mail_project, smtp, "50/s")
    _wait_for(lambda: len(smtp.mailbox.received()) == 2)
    stdout, stderr = _stop(sender, signal.SIGINT)
    assert sender.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    assert "1 delivered, 0 already delivered before, 0 failed, 1 uncertain, 1 not sent" in stdout
    assert "Uncertain: steve-hall" in stdout and "rerun with --arrived steve-hall" in stdout
    assert "Interrupted before sending to: quiet-quinn." in stdout
    smtp.mailbox.stall.clear()
    rerun = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert rerun.returncode == 1, rerun.stdout + rerun.stderr  # steve's stays uncertain
    assert "1 delivered, 1 already delivered before, 0 failed, 1 uncertain" in rerun.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_is_named_with_what_to_check_not_as_an_unreachable_server(
    mail_project: SiteProject, tmp_path: Path
) -> None:
    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535

    options = {"authenticator": refuse, "auth_required": True, "auth_require_tls": False}
    with _start_server(tmp_path, **options) as server:
        env = server.env(REFERRAL_SMTP_USER="olive", REFERRAL_SMTP_PASSWORD="wrong")
        result = _mail_process(mail_project, "--send", "--rate", "50/s", **env)
    assert result.returncode == 1
    assert "cannot reach" not in result.stdout and "(535, b'" not in result.stdout
    assert "the server refused the login: 535 5.7.8 Authentication credentials invalid" in result.stdout
    assert "check REFERRAL_SMTP_USER and REFERRAL_SMTP_PASSWORD" in result.stdout
    assert "0 delivered, 0 already delivered before, 3 failed" in result.stdout
    assert _log(mail_project) == [] and server.mailbox.received() == []


def test_an_address_refused_for_good_is_told_apart_from_one_to_retry_later(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.refuse.add("SECRET-EMAIL-STEVE@example.com")  # 550
    smtp.mailbox.answers["SECRET-EMAIL-QUINN@example.com"] = "451 4.3.0 Try again later"
    first = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert first.returncode == 1
    assert "1 delivered, 0 already delivered before, 2 failed" in first.stdout
    # Running it again cannot help steve-hall: the address itself must change.
    assert (
        "Refused for good: steve-hall: the server will not take this address: correct the "
        "partner's email in partners.yaml, or set mail: false" in first.stdout
    )
    assert "Failed for now: quiet-quinn: run the same command again later" in first.stdout
    smtp.mailbox.refuse.clear()
    smtp.mailbox.answers.clear()
    second = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert second.returncode == 0, second.stdout
    assert "2 delivered, 1 already delivered before, 0 failed" in second.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def _edit_log(project: SiteProject, edit: Callable[[int, str], str]) -> Path:
    path = project.root / ".referral" / "mail-log.jsonl"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("".join(edit(number, line) + "\n" for number, line in enumerate(lines, 1)), "utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        # A quote lost by hand on both of anne-ortiz's lines: neither can be read any more.
        (lambda n, line: line.replace('"anne-ortiz', "anne-ortiz") if n <= 2 else line, ":1:"),
        (lambda n, line: line.replace('"delivered"', '"deliverd"') if n == 2 else line, ":2:1: event"),
    ],
    ids=["broken-json", "unknown-event"],
)
def test_a_log_line_edited_into_nonsense_stops_the_send_instead_of_mailing_twice(
    mail_project: SiteProject, smtp: SmtpServer, edit: Callable[[int, str], str], where: str
) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    log = _edit_log(mail_project, edit)
    before = log.read_bytes()
    for args in [("--send", "--rate", "50/s"), ()]:
        result = _mail_process(mail_project, *args, **smtp.env())
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"mail-log.jsonl{where}" in result.stderr
        assert "could be sent again" in result.stderr
    assert _copies(smtp) == EVERY_PARTNER_ONCE
    assert log.read_bytes() == before
    assert not (mail_project.root / "mail-out").exists()  # the review wrote nothing either


def test_a_line_torn_by_a_kill_is_still_read_past(mail_project: SiteProject, smtp: SmtpServer) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    # A kill while the last record was written; the next run starts a new line after it.
    _edit_log(mail_project, lambda n, line: line[:40] if n == 6 else line)
    again = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert again.returncode == 1, again.stdout + again.stderr  # quiet-quinn's: uncertain now
    assert "0 delivered, 2 already delivered before, 0 failed, 1 uncertain" in again.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_the_review_says_which_messages_send_will_not_resend_as_send_does(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    smtp.mailbox.hang_up.add("SECRET-EMAIL-ANNE@example.com")  # anne-ortiz's: uncertain
    smtp.mailbox.refuse.add("SECRET-EMAIL-STEVE@example.com")  # steve-hall's: failed, retried
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 1
    review = _mail_process(mail_project, **smtp.env())
    assert review.returncode == 0, review.stdout + review.stderr
    assert "1 of them was already delivered" in review.stdout
    assert (
        "Uncertain, so --send does not resend it: anne-ortiz (rerun --send with --arrived anne-ortiz "
        "or --resend-uncertain)" in review.stdout
    )
    smtp.mailbox.hang_up.clear()
    smtp.mailbox.refuse.clear()
    send = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert "1 delivered, 1 already delivered before, 0 failed, 1 uncertain" in send.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_a_message_refused_after_its_content_was_sent_is_failed_not_delivered(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    # The final answer after the content is the server's yes or no (a spam filter, a full disk).
    smtp.mailbox.data_answers["SECRET-EMAIL-STEVE@example.com"] = "554 5.7.1 Message rejected as spam"
    smtp.mailbox.data_answers["SECRET-EMAIL-QUINN@example.com"] = "451 4.3.0 Try again later"
    first = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert first.returncode == 1, first.stdout
    assert "1 delivered, 0 already delivered before, 2 failed, 0 uncertain" in first.stdout
    assert "Failed: steve-hall: 554 5.7.1 Message rejected as spam" in first.stdout
    assert "Failed: quiet-quinn: 451 4.3.0 Try again later" in first.stdout
    assert _copies(smtp) == {"anne-ortiz": 1}
    smtp.mailbox.data_answers.clear()
    second = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert second.returncode == 0, second.stdout
    assert "2 delivered, 1 already delivered before, 0 failed" in second.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_a_server_slow_to_answer_a_message_it_has_read_is_waited_for_not_left_uncertain(
    mail: Mailer, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Servers answer a message only once they have scanned it. Every other command's limit is
    # shortened to 2 s here (60 s in use; 1 s left a loaded machine's ordinary answers at risk)
    # so that a 5 s scan outlasts it.
    monkeypatch.setattr(session, "TIMEOUT_SECONDS", 2)
    smtp.mailbox.stall.add("SECRET-EMAIL-STEVE@example.com")
    smtp.mailbox.stall_seconds = 5
    result = mail("--send", "--rate", "50/s", **smtp.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 delivered, 0 already delivered before, 0 failed, 0 uncertain" in result.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_a_new_partner_at_an_address_another_partner_left_gets_their_own_month(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    # Steve moves to a new address; a colleague joins at the office address he was mailed at.
    newcomer = "  - id: sam-shared\n    name: Sam Shared\n    email: SECRET-EMAIL-STEVE@example.com\n"
    mail_project.write_data(
        DATA.replace("SECRET-EMAIL-STEVE@example.com", "steve.new@example.com").replace(
            "  - id: nora-none\n", newcomer + "  - id: nora-none\n"
        )
    )
    again = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 delivered, 3 already delivered before" in again.stdout
    received = smtp.mailbox.received()
    assert len(received) == 4 and received[-1][0] == ["SECRET-EMAIL-STEVE@example.com"]
    assert _private_url("sam-shared") in _parse(received[-1][1]).get_body(("plain",)).get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_wants_a_login_none_was_given_for_stops_the_run_saying_so(
    mail_project: SiteProject, tmp_path: Path
) -> None:
    def accept(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=True)

    options = {"authenticator": accept, "auth_required": True, "auth_require_tls": False}
    with _start_server(tmp_path, **options) as server:
        result = _mail_process(mail_project, "--send", "--rate", "50/s", **server.env())
    assert result.returncode == 1
    assert "the server requires a login (530 5.7.0 Authentication required): set REFERRAL_SMTP_USER" in (
        result.stdout
    )
    assert "Failed for now: anne-ortiz, steve-hall, quiet-quinn" in result.stdout
    assert "FAILED     steve-hall" not in result.stdout  # said once, not once per partner
    assert _log(mail_project) == [] and server.mailbox.received() == []


def test_a_second_sender_started_while_one_runs_is_refused_and_told_what_to_do(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait
) -> None:
    # The first waits before its second message until the second sender has been refused: it
    # used to have the 6 s of its pacing at 20/min, and a loaded machine can take longer than
    # that to start the second, which then found the first done and sent (nothing) itself.
    first = _sender(mail_project, smtp, "20/min", **held_wait.env(2))
    try:
        held_wait.reached_by(first)
        second = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
        assert second.returncode == 1
        assert "another 'mail --send' is running" in second.stderr
        assert "wait for it to end (the same command then sends only what it did not)" in second.stderr
        held_wait.go_on.touch()
        stdout, stderr = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stdout + stderr
    assert _copies(smtp) == EVERY_PARTNER_ONCE


def test_a_partner_whose_address_changed_after_their_month_went_out_is_told_about(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    # A bounce reported later by the partner's own server: the owner corrects the address.
    mail_project.write_data(DATA.replace("SECRET-EMAIL-STEVE@example.com", "steve.new@example.com"))
    again = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 delivered, 3 already delivered before" in again.stdout
    assert (
        "Delivered before to an address changed since: steve-hall. Not sent again: to send it to "
        "the new address, run this command again with --resend steve-hall (the review, without "
        "--send, writes it to mail-out/2026-03/steve-hall.eml)." in again.stdout
    )
    assert len(smtp.mailbox.received()) == 3
    # As the summary says: the month goes to the new address, once, and to nobody else.
    resent = _mail_process(mail_project, "--send", "--resend", "steve-hall", **smtp.env())
    assert resent.returncode == 0, resent.stdout + resent.stderr
    assert [rcpt for rcpt, _ in smtp.mailbox.received()[3:]] == [["steve.new@example.com"]]


def test_an_address_at_an_international_domain_is_mailed_and_stops_no_one_else(
    mail: Mailer, mail_project: SiteProject, smtp: SmtpServer
) -> None:
    mail_project.write_data(DATA.replace("SECRET-EMAIL-STEVE@example.com", "steve@exämple.com"))
    assert mail(**smtp.env()).returncode == 0
    reviewed = (mail_project.root / "mail-out" / MONTH / "steve-hall.eml").read_bytes()
    result = mail("--send", "--rate", "50/s", **smtp.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 delivered, 0 already delivered before, 0 failed" in result.stdout
    received = {tuple(rcpt_tos): data for rcpt_tos, data in smtp.mailbox.received()}
    assert received[("steve@xn--exmple-cua.com",)] == reviewed  # the domain's ASCII form, as reviewed
    assert _parse(reviewed)["To"].addresses[0].addr_spec == "steve@xn--exmple-cua.com"


def test_an_address_mail_cannot_send_to_is_refused_by_check_located(tmp_path: Path) -> None:
    # mail refused it ("not one valid address") with no line, after check had passed it.
    data = DATA.replace("SECRET-EMAIL-STEVE@example.com", "zoë@example.com")
    (tmp_path / "partners.yaml").write_text(data, encoding="utf-8")
    line = data[: data.index("zoë@")].count("\n") + 1
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=tmp_path,
        env={
            **{k: v for k, v in os.environ.items() if k not in CI_ONLY},
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"partners.yaml:{line}:12: partners[1].email: 'zoë@example.com' has letters outside ASCII "
        "before the @" in result.stdout
    )


# --- mail --send --resend PARTNER_ID: "I never got it" ---------------------------------------


def _records_of(project: SiteProject, partner_id: str) -> list[dict[str, Any]]:
    return [record for record in _log(project) if record["partner"] == partner_id]


def test_a_resend_sends_one_partner_the_same_message_again_under_a_new_message_id_once(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    resend = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env())
    assert resend.returncode == 0, resend.stdout + resend.stderr
    assert "1 delivered, 0 already delivered before, 0 failed" in resend.stdout
    assert "Sent again, under a new Message-ID: anne-ortiz." in resend.stdout
    received = smtp.mailbox.received()
    assert len(received) == 4 and received[3][0] == ["SECRET-EMAIL-ANNE@example.com"]
    first, again = _by_recipient(smtp)["anne-ortiz"]
    # A new message to mail clients (they drop one whose Message-ID they hold), the same content.
    assert _parse(again)["Message-ID"] != _parse(first)["Message-ID"]
    mid = lambda data: [line for line in data.split(b"\r\n") if line.startswith(b"Message-ID: ")]  # noqa: E731
    assert again.replace(mid(again)[0], mid(first)[0]) == first
    # The log keeps both deliveries; the plain --send after it sends nobody anything.
    records = [(r["event"], r["message_id"]) for r in _records_of(mail_project, "anne-ortiz")]
    old, new = _parse(first)["Message-ID"], _parse(again)["Message-ID"]
    assert records == [("sending", old), ("delivered", old), ("sending", new), ("delivered", new)]
    assert _records_of(mail_project, "anne-ortiz")[-1]["detail"] == "sent again (--resend)"
    plain = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "0 delivered, 3 already delivered before" in plain.stdout
    assert len(smtp.mailbox.received()) == 4


def test_a_resend_is_dated_when_it_is_sent_again_not_when_its_month_ended(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    """March's message is dated April 1st; sent again months later under that Date, it sorted
    among months-old mail in a client ordered by Date, unseen by the partner who asked (review54)."""
    clock = {"SOURCE_DATE_EPOCH": ""}  # the clock's moment, as a run outside the tests has it
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env(), **clock).returncode == 0
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    resend = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env(), **clock)
    after = dt.datetime.now(dt.UTC)
    assert resend.returncode == 0, resend.stdout + resend.stderr
    first, again = _by_recipient(smtp)["anne-ortiz"]
    assert _parse(first)["Date"].datetime.date() == dt.date(2026, 4, 1)
    assert before <= _parse(again)["Date"].datetime <= after
    # Else the message reviewed: only its Message-ID and Date lines differ.
    changed = [
        pair for pair in zip(first.split(b"\r\n"), again.split(b"\r\n"), strict=True) if pair[0] != pair[1]
    ]
    assert [old.split(b":")[0] for old, _ in changed] == [b"Date", b"Message-ID"]


def test_resends_named_repeatedly_or_with_commas_each_get_one_more_copy_with_its_own_id(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    once = ("--resend", "anne-ortiz,quiet-quinn", "--resend", "anne-ortiz", "--rate", "50/s")
    assert _mail_process(mail_project, "--send", *once, **smtp.env()).returncode == 0
    twice = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env())
    assert twice.returncode == 0, twice.stdout + twice.stderr
    assert _copies(smtp) == {"anne-ortiz": 3, "steve-hall": 1, "quiet-quinn": 2}
    ids = [_parse(data)["Message-ID"] for data in _by_recipient(smtp)["anne-ortiz"]]
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("--send", "--resend", "ann-ortiz"), "--resend ann-ortiz: no partner has that id in partners.yaml"),
        (
            ("--send", "--resend", "nora-none"),
            "--resend nora-none: they have no email address, so there is no message of March 2026",
        ),
        (("--send", "--resend", "otto-out"), "--resend otto-out: they have mail: false, so there is no"),
        (
            ("--send", "--resend", "lena-later"),
            "--resend lena-later: they are a partner only since 2026-04-02 (since:), after March 2026",
        ),
        (
            ("--resend", "anne-ortiz"),
            "--resend sends a message again: use it with --send; to read it first, run without "
            "--resend and read mail-out/2026-03/anne-ortiz.eml",
        ),
        (("--send", "--resend", "anne-ortiz", "--resend-uncertain"), "run --resend-uncertain on its own"),
        (("--send", "--resend", " , "), "--resend needs a partner id"),
    ],
    ids=[
        "unknown",
        "no-email",
        "mail-false",
        "joined-later",
        "without-send",
        "with-resend-uncertain",
        "empty",
    ],
)
def test_a_resend_no_message_exists_for_is_refused_with_nothing_sent_or_written(
    mail_project: SiteProject, smtp: SmtpServer, args: tuple[str, ...], refusal: str
) -> None:
    later = "  - id: lena-later\n    name: Lena Later\n    email: lena@example.com\n    since: 2026-04-02\n"
    mail_project.write_data(DATA.replace("\nreferrals:", f"{later}\nreferrals:", 1))
    # Quinn's refused for now: a plain --send would mail them next, a refused --resend must not.
    smtp.mailbox.refuse.add("SECRET-EMAIL-QUINN@example.com")
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 1
    smtp.mailbox.refuse.clear()
    log = (mail_project.root / ".referral" / "mail-log.jsonl").read_bytes()
    named = () if args[-1] == " , " else ("--resend", "steve-hall")  # alone, it names no one
    refused = _mail_process(mail_project, *args, *named, **smtp.env())
    assert refused.returncode != 0
    assert refusal in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(smtp.mailbox.received()) == 2  # not quinn, not even steve-hall, named beside it
    assert (mail_project.root / ".referral" / "mail-log.jsonl").read_bytes() == log
    assert not (mail_project.root / "mail-out").exists()


def test_a_resend_stopped_midway_says_who_got_it_again_and_who_did_not(
    mail_project: SiteProject, smtp: SmtpServer, held_wait: HeldWait
) -> None:
    # The log's last word on a resent partner is their first delivery: the summary of a stopped
    # resend must come from this run's records, or those not yet resent are called delivered.
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    command = [*GENERATOR, "mail", "--month", MONTH, "--send", "--rate", "20/min"]
    sender = subprocess.Popen(
        as_from_a_terminal([*command, "--resend", "anne-ortiz,steve-hall"]),
        cwd=mail_project.root,
        env=mail_project.env(**smtp.env(), **held_wait.env(2)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    held_wait.reached_by(sender)
    assert [e["event"] for e in _log(mail_project)] == ["sending", "delivered"] * 4
    stdout, stderr = _stop(sender, signal.SIGINT)  # while it waits before steve-hall's
    assert sender.returncode == 1, stdout + stderr
    assert "1 delivered, 0 already delivered before, 0 failed, 0 uncertain, 1 not sent" in stdout
    assert "Interrupted before sending to: steve-hall." in stdout
    assert _copies(smtp) == {"anne-ortiz": 2, "steve-hall": 1, "quiet-quinn": 1}


def test_a_resend_cut_off_mid_handover_says_to_resend_again_and_the_next_gets_a_new_id(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    # The log still says "delivered" for the partner: --arrived and --resend-uncertain, the
    # advice for a first send cut off, would do nothing; only --resend sends it again.
    assert _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env()).returncode == 0
    smtp.mailbox.hang_up.add("SECRET-EMAIL-ANNE@example.com")
    cut = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env())
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "0 delivered, 0 already delivered before, 0 failed, 1 uncertain" in cut.stdout
    assert "if it never arrived, rerun with --resend anne-ortiz" in cut.stdout
    assert "--arrived anne-ortiz" not in cut.stdout
    smtp.mailbox.hang_up.clear()
    plain = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert "0 delivered, 3 already delivered before, 0 failed, 0 uncertain" in plain.stdout
    again = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env())
    assert again.returncode == 0, again.stdout + again.stderr
    ids = [record["message_id"] for record in _records_of(mail_project, "anne-ortiz")]
    assert len(ids) == 5 and len(set(ids)) == 3  # sent, cut off (no answer logged), sent again
    # The server kept the copy it hung up on (the uncertain case): three, each with its own id.
    assert _copies(smtp) == {"anne-ortiz": 3, "steve-hall": 1, "quiet-quinn": 1}
    assert len({_parse(data)["Message-ID"] for data in _by_recipient(smtp)["anne-ortiz"]}) == 3


def test_a_resend_before_any_send_mails_only_the_named_the_message_reviewed_and_send_the_rest(
    mail_project: SiteProject, smtp: SmtpServer
) -> None:
    # Nothing of anne's was ever handed over: the message reviewed goes out byte for byte, its
    # Message-ID too; everyone else waits for the plain --send, which then skips anne.
    assert _mail_process(mail_project, **smtp.env()).returncode == 0
    reviewed = _preview(mail_project)["anne-ortiz"]
    only = _mail_process(mail_project, "--send", "--resend", "anne-ortiz", **smtp.env())
    assert only.returncode == 0, only.stdout + only.stderr
    assert _by_recipient(smtp) == {"anne-ortiz": [reviewed]}
    rest = _mail_process(mail_project, "--send", "--rate", "50/s", **smtp.env())
    assert "2 delivered, 1 already delivered before, 0 failed" in rest.stdout
    assert _copies(smtp) == EVERY_PARTNER_ONCE


# --- Ctrl-C lands wherever the run happens to be ---------------------------------------------


def _interrupted_on(line: str, said: list[str]) -> Callable[[str], None]:
    """The run's output, with a Ctrl-C arriving while ``line`` is printed (a slow terminal, or
    a signal that came just then): the moment right after a delivery is counted."""

    def say(text: str) -> None:
        said.append(text)
        if text == line:
            raise KeyboardInterrupt

    return say


@pytest.mark.parametrize("partner", ["anne-ortiz", "steve-hall"])
def test_ctrl_c_while_a_delivery_is_reported_counts_that_message_once(
    mail_project: SiteProject, smtp: SmtpServer, partner: str
) -> None:
    # The message whose "delivered" line was being printed was counted again as delivered by the
    # summary of the stop: "2 delivered ... 1 not sent" for one message handed over (3 in all).
    said: list[str] = []
    request = mail_run.MailRequest(parse_month(MONTH), mail_project.root / "mail-out", send=True, interval=0)
    environ = {**mail_project.env(**smtp.env()), "REFERRAL_MAIL_FROM": test_mail.SENDER}
    code = mail_run.run_mail(
        request, mail_project.root, environ, _interrupted_on(f"delivered  {partner}", said)
    )
    assert code == 1
    done = 1 if partner == "anne-ortiz" else 2
    assert f"{done} delivered, 0 already delivered before, 0 failed, 0 uncertain, {3 - done} not sent" in (
        "\n".join(said)
    )
    assert len(smtp.mailbox.received()) == done


def test_a_stop_during_a_log_record_waits_until_it_is_both_on_disk_and_in_memory() -> None:
    # A Ctrl-C between the log's line on disk and its copy in memory made a resend the log
    # calls delivered be summarised as cut off ("uncertain"): CI saw it under load.
    steps: list[str] = []
    # Python's own Ctrl-C handler, whatever an earlier test in this process left in place.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), held():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("on disk")
            steps.append("in memory")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert steps == ["on disk", "in memory"]


def test_a_stop_ignored_before_a_log_record_stays_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with held():
            os.kill(os.getpid(), signal.SIGHUP)
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
