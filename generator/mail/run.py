"""``python -m generator mail``: compose a month's messages, then write them for review or send them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import project as pipeline
from ..links import page_url, site_url_from
from ..models import Partner, PartnersFile
from ..render import SiteLayout
from ..site_secret import resolve_secret
from ..views import Month, MonthlyIssue, monthly_issues
from .compose import (
    Edition,
    Outgoing,
    compose,
    issue_url,
    mail_environment,
    message_date,
    sender_address,
)
from .log import LOG_FILE, SendLog, read_states
from .news import MonthRecords, partner_news
from .send import Pacer, SendReport, SmtpSettings, send_all

FROM = "REFERRAL_MAIL_FROM"
OUT_DIR = "mail-out"
DEFAULT_RATE = "1/s"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class MailRequest:
    month: Month
    out: Path
    send: bool = False
    interval: float = 1.0  # seconds between two messages
    resend_uncertain: bool = False


def parse_month(text: str) -> Month:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"month '{text}' is not a month; write it as YYYY-MM")
    return Month(int(match.group(1)), int(match.group(2)))


def run_mail(
    request: MailRequest, root: Path, environ: Mapping[str, str], say: Callable[[str], None] = print
) -> int:
    """Compose every message for the month; write them for review, or send those not yet delivered."""
    project = pipeline.Project.at(root)
    as_of = pipeline.today(environ)
    data = pipeline.load(project, as_of)
    secret = resolve_secret(environ, project.secret_file, publishing=request.send)
    layout = SiteLayout(as_of=as_of, secret=secret.value)
    messages = compose_month(data, request.month, layout, site_url_from(root / "mkdocs.yml"), environ)
    secret.keep()  # only now: a refused run creates nothing
    _say_skipped(data, say)
    log_path = project.state_dir / LOG_FILE
    if not request.send:
        return _preview(messages, request, log_path, say)
    return _send(messages, request, log_path, environ, say)


def recipients(data: PartnersFile) -> list[Partner]:
    return [partner for partner in data.partners if partner.email and partner.mail]


def compose_month(
    data: PartnersFile, month: Month, layout: SiteLayout, site_url: str, environ: Mapping[str, str]
) -> list[Outgoing]:
    """Every partner's message for ``month``; all bad addresses reported at once."""
    issue = _issue_for(data, month)
    sender = environ.get(FROM, "").strip()
    if not sender:
        raise ValueError(f"{FROM} is not set: messages need a From address, e.g. 'Ann Lee <ann@example.com>'")
    edition = Edition(
        data.newsletter,
        month,
        sender_address(sender, data.newsletter.owner),
        message_date(month, environ),
        site_url,
        layout.secret,
    )
    edition.domain  # noqa: B018 - a site_url without a host fails here once, not once per partner
    records, env = MonthRecords.of(data, issue), mail_environment()
    messages, problems = [], []
    for partner in recipients(data):
        news = partner_news(
            records,
            partner,
            private_url=page_url(site_url, layout.partner_page(partner)),
            issue_url=issue_url(site_url, layout, issue),
        )
        try:
            messages.append(compose(env, edition, partner, news))
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return messages


def _issue_for(data: PartnersFile, month: Month) -> MonthlyIssue:
    issues = {issue.month: issue for issue in monthly_issues(data)}
    if month not in issues:
        known = ", ".join(m.key for m in sorted(issues)) or "none"
        raise ValueError(
            f"there is no newsletter issue for {month.label}: nothing was introduced, updated or given "
            f"that month (months with an issue: {known})"
        )
    return issues[month]


def _say_skipped(data: PartnersFile, say: Callable[[str], None]) -> None:
    no_email = [p.id for p in data.partners if not p.email]
    opted_out = [p.id for p in data.partners if p.email and not p.mail]
    if no_email:
        say(f"No email address, not mailed: {', '.join(no_email)}")
    if opted_out:
        say(f"Opted out (mail: false), not mailed: {', '.join(opted_out)}")


def _preview(
    messages: list[Outgoing], request: MailRequest, log_path: Path, say: Callable[[str], None]
) -> int:
    folder = request.out / request.month.key
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{message.partner_id}.eml": message.data for message in messages}
    for stale in folder.glob("*.eml"):
        if stale.name not in wanted:
            stale.unlink()
    for name, data in wanted.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
    delivered = read_states(log_path)
    done = sum(delivered.get(message.message_id) == "delivered" for message in messages)
    say(f"Wrote {len(messages)} messages to {folder}/ for review; nothing was sent.")
    if done:
        say(f"{done} of them were already delivered (see {log_path}); --send skips those.")
    say(f"To deliver them: python -m generator mail --month {request.month.key} --send")
    return 0


def _send(
    messages: list[Outgoing],
    request: MailRequest,
    log_path: Path,
    environ: Mapping[str, str],
    say: Callable[[str], None],
) -> int:
    settings = SmtpSettings.from_env(environ)
    with SendLog.open(log_path) as log:
        report = send_all(
            messages, settings, log, Pacer(request.interval), say, resend_uncertain=request.resend_uncertain
        )
    _summarise(report, log_path, say)
    return 1 if report.failed or report.interrupted else 0


def _summarise(report: SendReport, log_path: Path, say: Callable[[str], None]) -> None:
    say(
        f"{len(report.delivered)} delivered, {len(report.already)} already delivered before, "
        f"{len(report.failed)} failed, {len(report.interrupted) + len(report.uncertain)} uncertain"
    )
    for partner_id, detail in report.failed:
        say(f"Failed: {partner_id}: {detail}")
    if report.failed:
        say("Failed messages were not logged as delivered: run the same command again to retry them.")
    for message in [*report.interrupted, *report.uncertain]:
        say(
            f"Uncertain: {message.partner_id} {message.message_id}: the connection broke while the server "
            "was receiving it, so it may have arrived. It is not resent; look for this Message-ID in your "
            f"sent mail or server log, and if it never arrived, rerun with --resend-uncertain ({log_path})."
        )
