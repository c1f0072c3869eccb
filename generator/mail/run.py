"""``python -m generator mail``: compose a month's messages, then write them for review or send them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import signal
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .. import project as pipeline
from ..links import data_file_from, page_url, read_site_config, site_url_from
from ..models import Partner, PartnersFile
from ..moment import owners_date
from ..post_urls import PostUrls
from ..render import SiteLayout
from ..runnable import generator_command
from ..site_secret import resolve_secret
from ..views import (
    EVENT_HORIZON_DAYS,
    Month,
    MonthlyIssue,
    gathering_line,
    held_line,
    monthly_issues,
    upcoming_events,
)
from ..writer import MANIFEST_VERSION, folder_key, write_bytes
from . import OUT_DIR, summary
from .compose import (
    PROJECT_POST_URLS,
    Edition,
    Outgoing,
    as_resent,
    compose,
    issue_url,
    mail_environment,
    message_date,
    resend_date,
    resent_id,
    sender_address,
)
from .log import LOG_FILE, Entry, SendLog, entry_for, read_log
from .news import MonthRecords, partner_news
from .send import Pacer, send_all
from .session import SmtpSettings

FROM = "REFERRAL_MAIL_FROM"
MANIFEST = ".written.json"  # in each month's folder: the .eml files this command wrote there
SITE_URL_FIX = "set it to the published site's address: every message links to the partner's page there"


def throwaway_preview(messages: int) -> str:
    """A CI preview's messages link to no page: said of the one message, or of them all."""
    if messages == 1:
        links = "this message's private link was made with a throwaway secret and leads"
        subject, them, their = "its subject", "it", "its"
    else:
        links = "these messages' private links were made with a throwaway secret and lead"
        subject, them, their = "each subject", "them", "their"
    return (
        f"REFERRAL_PREVIEW is set and REFERRAL_SITE_SECRET is not: {links} to no page ({subject} "
        f"says so). Read {them} for {their} wording only; to send {them}, run with the site's own "
        "REFERRAL_SITE_SECRET and --send."
    )


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class MailRequest:
    month: Month
    out: Path
    send: bool = False
    interval: float = 1.0  # seconds between two messages
    resend_uncertain: bool = False
    arrived: tuple[str, ...] = ()  # partners whose uncertain message was found in the sent mail
    data_file: str | None = None  # --data, relative to the folder run in; else mkdocs.yml's data_file
    resend: tuple[str, ...] = ()  # partners whose message to send again, delivered or not


def parse_month(text: str) -> Month:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"month '{text}' is not a month; write it as YYYY-MM")
    return Month(int(match.group(1)), int(match.group(2)))


def run_mail(
    request: MailRequest, root: Path, environ: Mapping[str, str], say: Callable[[str], None] = print
) -> int:
    """Compose every message for the month; write them for review, or send those not yet delivered."""
    if request.arrived and not request.send:
        raise ValueError("--arrived records a delivery: use it with --send")
    _check_resend_options(request)
    data_file = request.data_file or data_file_from(root / "mkdocs.yml", pipeline.DATA_FILE)
    project = pipeline.Project.at(root, data_file)
    now = pipeline.moment(environ)
    data = pipeline.load(project, now)
    secret = resolve_secret(environ, project.secret_file, publishing=request.send)
    layout = SiteLayout(as_of=owners_date(now, data.newsletter.timezone), secret=secret.value)
    site_url = site_url_from(root / "mkdocs.yml", fix=SITE_URL_FIX)
    config = read_site_config(root / "mkdocs.yml")
    _check_out_folder(request.out, root, config)
    messages = compose_month(
        data,
        request.month,
        layout,
        site_url,
        environ,
        directory_urls=config.get("use_directory_urls", True) is not False,
        post_urls=PostUrls.of(config),
        throwaway=secret.origin == "throwaway",
    )
    _say_skipped(data, request.month, say)
    log_path = project.state_dir / LOG_FILE
    if request.send:  # publishing: the secret came from the environment
        resend = _chosen_for_resend(data, request.month, messages, request.resend, project.display_name)
        resent_on = resend_date(now.instant, data.newsletter.timezone)
        return _send(messages, request, log_path, environ, say, (resend, resent_on))
    code = _preview(
        messages, request, log_path, say, throwaway=secret.origin == "throwaway", nobody=_why_nobody(data)
    )
    secret.keep()  # only once the messages are written: a refused run creates nothing
    return code


def _check_resend_options(request: MailRequest) -> None:
    """--resend sends; its review is the plain review's file for that partner, the same bytes
    but the Message-ID, so a review mode of its own would only remove the other files."""
    if not request.resend:
        return
    one = request.resend[0]
    if not request.send:
        raise ValueError(
            f"--resend sends a message again: use it with --send; to read it first, run without "
            f"--resend and read {request.out / request.month.key / one}.eml (what --resend sends, "
            "under a new Message-ID and Date)"
        )
    if request.resend_uncertain:
        raise ValueError(
            "--resend sends only the partners it names: run --resend-uncertain on its own, before or after"
        )


def _chosen_for_resend(
    data: PartnersFile, month: Month, messages: list[Outgoing], partner_ids: tuple[str, ...], data_name: str
) -> list[Outgoing]:
    """The month's messages of the partners named with --resend; all wrong names refused at once."""
    by_id = {message.partner_id: message for message in messages}
    partners = {partner.id: partner for partner in data.partners}
    problems = []
    for partner_id in partner_ids:
        if partner_id in by_id:
            continue
        partner = partners.get(partner_id)
        if partner is None:
            problems.append(f"--resend {partner_id}: no partner has that id in {data_name}")
        else:
            problems.append(
                f"--resend {partner_id}: {_why_not_mailed(partner, month)}, so there is no message of "
                f"{month.label} to send them"
            )
    if problems:
        raise ValueError("; ".join(problems) + "; nothing was sent")
    return [by_id[partner_id] for partner_id in dict.fromkeys(partner_ids)]


def _why_not_mailed(partner: Partner, month: Month) -> str:
    if not partner.email:
        return "they have no email address"
    if not partner.mail:
        return "they have mail: false"
    return f"they are a partner only since {partner.since} (since:), after {month.label}"


def _check_out_folder(out: Path, root: Path, config: Mapping[str, object]) -> None:
    """The messages hold each partner's private link and notes: in the docs folder MkDocs would
    publish them (the leak guard then failed the build), in the built site a deploy would; and a
    file where the folder goes was reported as an unreadable manifest to delete."""
    where = root / out  # --out as typed, from the folder the command runs in
    for name, what in _published_folders(config):
        if where.resolve().is_relative_to((root / name).resolve()):
            raise ValueError(
                f"--out {out} is inside {what}, {name}/, which is published, and the messages hold "
                f"each partner's private link and notes: write them elsewhere (default: {OUT_DIR})"
            )
    blocking = next((folder for folder in (where, *where.parents) if folder.exists()), where)
    if not blocking.is_dir():
        raise ValueError(
            f"--out {out}: {blocking} is a file, not a folder: move it, or name another folder for the "
            f"messages with --out FOLDER"
        )


def _published_folders(config: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """The folders whose files end up in the built site, as named in mkdocs.yml: the theme's
    custom_dir too, since MkDocs copies its files (all but templates and hidden ones) beside
    the pages, so overrides/mail/2026-03/anne.eml was published as mail/2026-03/anne.eml."""
    yield str(config.get("docs_dir") or "docs"), "the docs folder"
    yield str(config.get("site_dir") or "site"), "the built site"
    theme = config.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom_dir, str) and custom_dir:
        yield custom_dir, "the theme's custom_dir"


def _why_nobody(data: PartnersFile) -> str:
    """Why a month may have no message: a new program's file has no partner to mail at all."""
    if not data.partners:
        return "there are no partners yet"
    return "no partner of that month has an email address and mail: true"


def recipients(data: PartnersFile, month: Month) -> list[Partner]:
    """Partners mailed the month's issue: with an address, not opted out, and partners by then
    (an issue of a month before someone joined is not news to them, nor were they part of it)."""
    return [
        partner for partner in data.partners if partner.email and partner.mail and _joined_by(partner, month)
    ]


def _joined_by(partner: Partner, month: Month) -> bool:
    return partner.since is None or partner.since <= month.last_day


def compose_month(
    data: PartnersFile,
    month: Month,
    layout: SiteLayout,
    site_url: str,
    environ: Mapping[str, str],
    *,
    directory_urls: bool = True,
    post_urls: PostUrls = PROJECT_POST_URLS,
    throwaway: bool = False,
) -> list[Outgoing]:
    """Every partner's message for ``month``; all bad addresses reported at once.
    ``directory_urls`` and ``post_urls``: mkdocs.yml's settings, where the linked pages are built;
    ``throwaway``: the links are keyed by CI's throwaway secret (the subjects say so)."""
    issue = _issue_for(data, month, layout.as_of)
    edition = _edition(data, month, layout, site_url, environ, throwaway=throwaway)
    issue = _events_from(issue, data, edition.date.date())
    dated = edition.date.date()
    records = MonthRecords.of(data, issue, gathering_line(issue, dated), held_line(issue, dated))
    env = mail_environment()
    # Two partners mailed at one address never reach here: check refuses them (rules.py).
    messages: list[Outgoing] = []
    problems: list[str] = []
    for partner in recipients(data, month):
        news = partner_news(
            records,
            partner,
            private_url=page_url(site_url, layout.partner_page(partner), directory_urls=directory_urls),
            issue_url=issue_url(site_url, layout, issue, directory_urls=directory_urls, post_urls=post_urls),
        )
        try:
            messages.append(compose(env, edition, partner, news))
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return messages


def _edition(
    data: PartnersFile,
    month: Month,
    layout: SiteLayout,
    site_url: str,
    environ: Mapping[str, str],
    *,
    throwaway: bool,
) -> Edition:
    """What every message of the month shares: its sender, Date, site and secret."""
    edition = Edition(
        data.newsletter,
        month,
        sender_address(_sender(data, environ), data.newsletter.owner),
        message_date(month, environ, layout.as_of, data.newsletter.timezone),
        site_url,
        layout.secret,
        throwaway,
    )
    edition.domain  # noqa: B018 - a site_url without a host fails here once, not once per partner
    return edition


def _sender(data: PartnersFile, environ: Mapping[str, str]) -> str:
    """The environment wins (a sending address may differ from the public one); else the
    owner's public reply address from the data."""
    sender = environ.get(FROM, "").strip() or (data.newsletter.email or "")
    if not sender:
        raise ValueError(
            f"{FROM} is not set and newsletter.email is empty: messages need a From address, "
            "e.g. 'Ann Lee <ann@example.com>'"
        )
    return sender


def _events_from(issue: MonthlyIssue, data: PartnersFile, dated: dt.date) -> MonthlyIssue:
    """The issue's "Coming up" as of the message's own Date: a message dated during its month
    (SOURCE_DATE_EPOCH, or a month not over yet) lists what is still to come that month, and
    one dated later invites to nothing already over; the horizon stays the issue's."""
    horizon = issue.month.last_day + dt.timedelta(days=EVENT_HORIZON_DAYS)
    after = dated - dt.timedelta(days=1)
    return replace(issue, events=upcoming_events(data.events, after=after, days=(horizon - after).days))


def _issue_for(data: PartnersFile, month: Month, as_of: dt.date) -> MonthlyIssue:
    issues = {issue.month: issue for issue in monthly_issues(data, as_of=as_of)}
    if month not in issues:
        known = (
            f"months with an issue: {', '.join(m.key for m in sorted(issues))}"
            if issues
            else "no month has an issue yet"
        )
        why = (
            "that month has not begun yet"
            if month > Month.of(as_of)
            else "nothing was introduced, updated or given and no event was held that month"
        )
        raise ValueError(f"there is no newsletter issue for {month.label}: {why} ({known})")
    return issues[month]


def _say_skipped(data: PartnersFile, month: Month, say: Callable[[str], None]) -> None:
    no_email = [p.id for p in data.partners if not p.email]
    opted_out = [p.id for p in data.partners if p.email and not p.mail]
    later = [p.id for p in data.partners if p.email and p.mail and not _joined_by(p, month)]
    if no_email:
        say(f"No email address, not mailed: {', '.join(no_email)}")
    if opted_out:
        say(f"Opted out (mail: false), not mailed: {', '.join(opted_out)}")
    if later:
        say(f"Partners only since after {month.label} (since:), not mailed: {', '.join(later)}")


def _adopt_messages_from_before_the_manifest(folder: Path, month: str) -> None:
    """Versions before b9ceb8d (5b2b5c5 and earlier) wrote a month's .eml files with no manifest:
    after upgrading, each was refused as someone else's and the review step stopped. Those that
    carry this command's Message-ID for the month are listed as its own, once; any other file
    stays someone else's."""
    manifest = folder / MANIFEST
    if os.path.lexists(manifest) or not folder.is_dir():
        return
    ours = sorted(path.name for path in folder.glob("*.eml") if _carries_our_message_id(path, month))
    if ours:
        listing = {"version": MANIFEST_VERSION, "docs_dir": folder_key(folder, manifest), "files": ours}
        manifest.write_text(json.dumps(listing, indent=1) + "\n", encoding="utf-8")


def _carries_our_message_id(path: Path, month: str) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as stream:
        head = stream.read(4096).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    pattern = rb"^Message-ID: <[a-z2-7]{26}\." + re.escape(month.encode()) + rb"@"
    return re.search(pattern, head, re.MULTILINE | re.IGNORECASE) is not None


def _preview(
    messages: list[Outgoing],
    request: MailRequest,
    log_path: Path,
    say: Callable[[str], None],
    *,
    throwaway: bool = False,
    nobody: str,
) -> int:
    folder = request.out / request.month.key
    entries = read_log(log_path)  # first: a log that cannot be read leaves the folder untouched
    _adopt_messages_from_before_the_manifest(folder, request.month.key)
    # Its own manifest: only .eml files this command wrote are ever replaced or removed.
    wanted = {f"{message.partner_id}.eml": message.data for message in messages}
    write_bytes(folder, wanted, folder / MANIFEST, marked=False)  # an .eml carries no mark
    if not messages:
        say(f"No message to write for {request.month.label}: {nobody}.")
        return 0
    mailed = {message.partner_id for message in messages}
    done = sum(_in_state(entries, message, mailed, "delivered") for message in messages)
    summary.say_written(len(messages), folder, done, log_path, say)
    summary.say_uncertain([m.partner_id for m in messages if _in_state(entries, m, mailed, "sending")], say)
    summary.warn_changed_links(messages, entries, request.month, say)
    if throwaway:
        say(throwaway_preview(len(messages)))
    else:
        data = f" --data {shlex.quote(request.data_file)}" if request.data_file else ""
        them = "it" if len(messages) == 1 else "them"
        say(f"To deliver {them}: {generator_command(f'mail --month {request.month.key}{data} --send')}")
    return 0


def _in_state(entries: Mapping[str, Entry], message: Outgoing, mailed: Collection[str], event: str) -> bool:
    entry = entry_for(entries, message, mailed)
    return entry is not None and entry.event == event


def _send(
    messages: list[Outgoing],
    request: MailRequest,
    log_path: Path,
    environ: Mapping[str, str],
    say: Callable[[str], None],
    resend: tuple[list[Outgoing], dt.datetime],
) -> int:
    """Deliver what the log has not seen delivered, or with --resend the named partners' only
    (``resend``: their messages, and the Date they are sent again under)."""
    settings = SmtpSettings.from_env(environ)
    with SendLog.open(log_path) as log, _stops_as_interrupt():
        chosen, resent_on = resend
        if not chosen:  # a resend carries the links of now, the warning's remedy
            summary.warn_changed_links(messages, log.entries(), request.month, say)
        _confirm_arrived(messages, request.arrived, log)
        # Its Message-ID taken inside the lock: no other run can log the same one meanwhile.
        again = [as_resent(m, resent_id(m.message_id, log.message_ids(m.key)), resent_on) for m in chosen]
        report = send_all(
            again or messages,
            settings,
            log,
            Pacer(request.interval),
            say,
            resend_uncertain=request.resend_uncertain,
            again=bool(again),
        )
    summary.summarise(report, log_path, say, resend=bool(again))
    summary.say_resent(report.delivered if again else [], say)
    summary.say_moved(report.moved, request.out / request.month.key, say)
    summary.say_log_put_back(log.put_back, log_path, say)
    # A retry loop stops at exit 0: only when every message is known to have arrived.
    return 1 if report.failed or report.interrupted or report.uncertain or report.stopped else 0


@contextmanager
def _stops_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service stopping, a CI timeout) and SIGHUP (the owner's terminal closed) stop
    the sending as Ctrl-C does, so the run ends with its summary of who got what instead of
    silently, wherever its output goes (a file, `tee`). An ignored SIGHUP (`nohup`) stays so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = [signal.SIGTERM]
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        stops.append(signal.SIGHUP)
    previous = {stop: signal.signal(stop, signal.default_int_handler) for stop in stops}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


def _confirm_arrived(messages: list[Outgoing], partner_ids: tuple[str, ...], log: SendLog) -> None:
    """Log as delivered the uncertain messages the user found in their sent mail."""
    entries = log.entries()
    by_partner = {message.partner_id: message for message in messages}
    for partner_id in partner_ids:
        message = by_partner.get(partner_id)
        entry = entry_for(entries, message, by_partner) if message else None
        if message is None or entry is None or entry.event != "sending":
            raise ValueError(f"--arrived {partner_id}: this month has no uncertain message for that partner")
        # What arrived is what was handed over: its Message-ID and links, which a new secret or
        # site_url since then no longer gives (the link warning depends on them).
        handed_over = replace(message, message_id=entry.message_id, links=entry.links or message.links)
        log.record("delivered", handed_over, "confirmed by hand (--arrived)")
