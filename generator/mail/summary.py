"""What ``python -m generator mail`` tells the owner once a month's messages are written or sent:
who got what, what is uncertain, and what to run next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..numbers_in_words import digits, plural
from ..runnable import generator_command
from ..views import Month
from .compose import Outgoing
from .log import Entry, entry_for
from .send import SendReport


def say_written(
    written: int, folder: Path, delivered: int, log_path: Path, say: Callable[[str], None]
) -> None:
    """The review's first lines: how many messages it wrote, and how many of them a plain --send
    skips as delivered already ("1 of them was", of a single message, read as if there were more)."""
    say(f"Wrote {plural(written, 'message')} to {folder}/ for review; nothing was sent.")
    if not delivered:
        return
    if written == 1:
        said, skips, again = "It was", "it", "it"
    else:
        said = f"{digits(delivered)} of them {'was' if delivered == 1 else 'were'}"
        skips, again = ("that one" if delivered == 1 else "those"), "one"
    say(
        f"{said} already delivered (see {log_path}); --send skips {skips} "
        f"(--send --resend PARTNER_ID sends {again} again)."
    )


def say_uncertain(partner_ids: list[str], say: Callable[[str], None]) -> None:
    """The review tells what --send will do: it leaves a message that may have arrived alone."""
    if partner_ids:
        one = partner_ids[0] if len(partner_ids) == 1 else "PARTNER_ID"
        say(
            f"Uncertain, so --send does not resend {'it' if len(partner_ids) == 1 else 'them'}: "
            f"{', '.join(partner_ids)} (rerun --send with --arrived {one} or --resend-uncertain)"
        )


def warn_changed_links(
    messages: list[Outgoing], entries: Mapping[str, Entry], month: Month, say: Callable[[str], None]
) -> None:
    """Name the partners already mailed this month whose links are no longer the ones they got."""
    mailed = {message.partner_id for message in messages}
    changed = [
        message.partner_id
        for message in messages
        if (entry := entry_for(entries, message, mailed)) is not None
        and entry.event == "delivered"
        and entry.links not in (None, message.links)
    ]
    if changed:
        say(
            f"Warning: the links mailed for {month.label} have changed since (a new site secret, "
            f"site_url or epoch) for: {', '.join(changed)}. Their messages are not sent again; the "
            f"links they hold may no longer work: send each their new address ({generator_command('links')})."
        )


def say_moved(partner_ids: list[str], folder: Path, say: Callable[[str], None]) -> None:
    """A corrected address after a bounce: the log sends no month twice, so say how to resend.
    (``folder``: where the review writes the message, to read before sending it again.)"""
    for partner_id in partner_ids:
        say(
            f"Delivered before to an address changed since: {partner_id}. Not sent again: to send it "
            f"to the new address, run this command again with --resend {partner_id} (the review, "
            f"without --send, writes it to {folder}/{partner_id}.eml)."
        )


def say_resent(partner_ids: list[str], say: Callable[[str], None]) -> None:
    if partner_ids:
        say(
            f"Sent again, under a new Message-ID: {', '.join(partner_ids)}. The log keeps the earlier "
            "delivery too; a plain --send sends nobody anything twice."
        )


def say_log_put_back(how: str | None, log_path: Path, say: Callable[[str], None]) -> None:
    """The log went away mid-run (SendLog._keep_in_place): the owner should know it is back."""
    if how:
        say(
            f"The send log {log_path} was {how} during this run: it was written again with every "
            "delivery it held, this run's too, so nobody is mailed twice. Keep it: without it, "
            "messages already sent would be sent again."
        )


def _say_next_for_failed(report: SendReport, say: Callable[[str], None]) -> None:
    """A 5xx to an address comes back on every retry: only a corrected address helps."""
    for partner_id in report.refused:
        say(
            f"Refused for good: {partner_id}: the server will not take this address: correct the "
            "partner's email in partners.yaml, or set mail: false, then run the same command again."
        )
    retry = [partner_id for partner_id, _ in report.failed if partner_id not in report.refused]
    if retry:
        say(
            f"Failed for now: {', '.join(retry)}: run the same command again later to retry "
            f"{'it' if len(retry) == 1 else 'them'}; nothing failed was logged as delivered."
        )


def summarise(
    report: SendReport, log_path: Path, say: Callable[[str], None], *, resend: bool = False
) -> None:
    """``resend``: the run sent named partners again (--resend), whose log already says delivered:
    --arrived and --resend-uncertain would do nothing for them, only --resend again."""
    stopped = f", {digits(len(report.stopped))} not sent (interrupted)" if report.stopped else ""
    say(
        f"{digits(len(report.delivered))} delivered, {digits(len(report.already))} already delivered before, "
        f"{digits(len(report.failed))} failed, {digits(len(report.interrupted) + len(report.uncertain))} uncertain{stopped}"
    )
    if report.stopped:
        say(
            f"Interrupted before sending to: {', '.join(report.stopped)}. Run the same command again "
            f"to send {'it' if len(report.stopped) == 1 else 'them'}; nobody it lists as delivered gets a second copy."
        )
    for partner_id, detail in report.failed:
        say(f"Failed: {partner_id}: {detail}")
    _say_next_for_failed(report, say)
    if report.failed or report.interrupted or report.uncertain or report.stopped:
        say("Not every message is known to have arrived: exit status 1 until each one has.")
    for message in [*report.interrupted, *report.uncertain]:
        if resend:
            say(
                f"Uncertain: {message.partner_id} {message.message_id}: the handover of the message sent "
                "again was cut off (connection lost, or the run stopped), so it may have arrived. Look "
                "for this Message-ID in your sent mail or server log: if it never arrived, rerun with "
                f"--resend {message.partner_id} ({log_path})."
            )
            continue
        say(
            f"Uncertain: {message.partner_id} {message.message_id}: the handover was cut off (connection "
            "lost, or the run stopped) while the server was receiving it, so it may have arrived. It is not resent; look for this Message-ID in your "
            f"sent mail or server log: if it arrived, rerun with --arrived {message.partner_id}; if it "
            f"never arrived, rerun with --resend-uncertain ({log_path})."
        )
