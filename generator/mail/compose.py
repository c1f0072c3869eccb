"""One partner's news as the exact bytes of a MIME message: pure, no clock, no disk.

The same data, secret and month always give the same bytes (boundary, Date and Message-ID
included), so the .eml files reviewed are the messages ``--send`` delivers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

import css_inline
import jinja2

from .. import dates_in_words, names_in_words, numbers_in_words, referral_labels, words
from ..addresses import private_token
from ..links import page_url
from ..models import Newsletter, Partner
from ..moment import day_start, zone_of
from ..post_urls import PostUrls
from ..render import POST_CATEGORY, SiteLayout
from ..views import Month, MonthlyIssue
from .news import PartnerNews, line
from .plain_text import wrapped

# "=?" opens an RFC 2047 encoded word, which the email package decodes when a header is set: a
# name holding "=?utf-8?q?x=0D=0ABcc:...?=" would add a header line. An invisible word joiner
# after "=" keeps the text as written (validation already refuses the control characters).
_ENCODED_WORD_START = "=?"
_WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class Outgoing:
    """A composed message and what SMTP needs to deliver it."""

    partner_id: str
    sender: str  # envelope addresses (addr-spec)
    recipient: str
    message_id: str
    data: bytes
    month: str = ""  # YYYY-MM
    links: str = ""  # fingerprint of every address in the message (see links_fingerprint)

    @property
    def key(self) -> str:
        """What the send log keys a delivery by: unlike the Message-ID, it survives a new secret."""
        return delivery_key(self.partner_id, self.month)


def delivery_key(partner_id: str, month: str) -> str:
    return f"{partner_id}/{month}"


def links_fingerprint(urls: Iterable[str]) -> str:
    """A short hash of the site addresses a message gives: it changes with the secret, an epoch or
    site_url, not with a web address typed in a note (the same hash as when every address found
    in the text was counted, for messages holding only these)."""
    found = sorted(set(urls))
    return hashlib.sha256("\n".join(found).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Edition:
    """What every message of one month shares."""

    newsletter: Newsletter
    month: Month
    sender: Address
    date: dt.datetime
    site_url: str
    secret: bytes = field(repr=False)  # never shown, even in a traceback
    # CI's throwaway preview (REFERRAL_PREVIEW=1, no site secret): its links lead to no page, and
    # each subject says so, for whoever opens a file of it later.
    throwaway: bool = False

    @property
    def reply_to(self) -> Address:
        """The owner's reply address (``newsletter.email``), where replies and "unsubscribe" go,
        even when ``REFERRAL_MAIL_FROM`` sends from another mailbox; else the sender."""
        if not self.newsletter.email:
            return self.sender
        return Address(display_name=header_text(self.newsletter.owner), addr_spec=self.newsletter.email)

    @property
    def domain(self) -> str:
        host = urlsplit(self.site_url).hostname
        if not host:
            raise ValueError(f"site_url '{self.site_url}' has no host name to put in Message-IDs")
        return host


def mail_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates/mail"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every value in the HTML part is escaped; the text part is plain text.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
    )
    env.filters.update(
        longdate=dates_in_words.long_date,
        plural=numbers_in_words.plural,
        digits=numbers_in_words.digits,
        chain_thanks=chain_thanks,
        isolated=names_in_words.isolated,
        # Jinja's wordwrap, with a date's day and month kept on one line of the text part.
        wrap=wrapped,
    )
    env.globals.update(
        stage_headlines=referral_labels.STAGE_HEADLINES,
        step_line=words.step_line,
        thanks_for_introductions=words.thanks_for_introductions,
        still_in_progress=words.still_in_progress,
        partners_who_sent=words.partners_who_sent,
        where_they_stood=words.where_they_stood,
        no_news_on=words.no_news_on,
    )
    return env


def chain_thanks(news: PartnerNews) -> str:
    """Thanks for wins further down the partner's branch, naming only those who consented."""
    others = news.tree_unnamed
    if news.tree_named:
        unnamed = [numbers_in_words.count_words(others, "other partner")] if others > 1 else []
        unnamed = ["another partner"] if others == 1 else unnamed
    else:
        unnamed = ["a partner" if others == 1 else numbers_in_words.count_words(others, "partner")]
    who = names_in_words.join_names([*news.tree_named, *unnamed])
    clients = numbers_in_words.count_words(news.tree_wins, "new client")
    return (
        f"Thanks to you, too: {clients} came to us this month through {who}, "
        "in the chain of introductions that began with you."
    )


# The blog settings of this project's mkdocs.yml: posts at blog/YYYY/MM/<slug>/.
PROJECT_POST_URLS = PostUrls(date_format="yyyy/MM")


def issue_url(
    site_url: str,
    layout: SiteLayout,
    issue: MonthlyIssue,
    *,
    directory_urls: bool = True,
    post_urls: PostUrls = PROJECT_POST_URLS,
) -> str:
    """The post's address under mkdocs.yml's blog settings (``post_urls``)."""
    page = post_urls.post_page(
        layout.blog_dir, layout.post_date(issue), layout.post_slug(issue), issue.month.key, [POST_CATEGORY]
    )
    return page_url(site_url, page, directory_urls=directory_urls)


def message_date(
    month: Month, environ: Mapping[str, str], today: dt.date, timezone: str = "UTC"
) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the moment the month ends, or the start of ``today``
    for a month not over yet (a Date in the future puts a message above newer mail for weeks,
    and spam filters distrust it): never the clock's time of day. In the owner's ``timezone``,
    whose date ``today`` is: the message's own date is the owner's (its "so far", its events)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), zone_of(timezone))
    return day_start(min(month.last_day + dt.timedelta(days=1), today), timezone)


def header_text(text: str) -> str:
    """Text for a header: on one line, and never read as an encoded word (see _ENCODED_WORD_START)."""
    return line(text).replace(_ENCODED_WORD_START, f"={_WORD_JOINER}?")


def ascii_domain(addr_spec: str) -> str:
    """``ann@exämple.de`` as ``ann@xn--exmple-cua.de``: SMTP without SMTPUTF8 carries only ASCII,
    and smtplib stopped the whole run at the first such address (a UnicodeEncodeError)."""
    local, at, domain = addr_spec.rpartition("@")
    if not at or domain.isascii():
        return addr_spec
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def sender_address(text: str, owner: str) -> Address:
    """``REFERRAL_MAIL_FROM``: ``Name <address>`` or a bare address (then named after the owner)."""
    name, addr_spec = parseaddr(text)
    try:
        return Address(display_name=header_text(name or owner), addr_spec=ascii_domain(addr_spec))
    except (ValueError, HeaderParseError):
        raise ValueError(f"REFERRAL_MAIL_FROM '{text}' is not an email address") from None


def recipient_address(partner: Partner) -> Address:
    try:
        return Address(
            display_name=header_text(partner.name), addr_spec=ascii_domain((partner.email or "").strip())
        )
    except (ValueError, HeaderParseError):
        raise ValueError(
            f"partner '{partner.id}': email '{partner.email}' is not one valid address"
        ) from None


def message_id(edition: Edition, partner_id: str) -> str:
    """Stable per partner and month, unguessable without the site secret."""
    key = f"{partner_id}\x00{edition.month.key}\x00{edition.domain}"
    return f"<{private_token(edition.secret, 'mail', key)}.{edition.month.key}@{edition.domain}>"


def resent_id(original: str, taken: Collection[str]) -> str:
    """A resend's own Message-ID (mail clients drop a message whose Message-ID they already hold):
    the original's with "-rN" after its token, N the first not ``taken`` (in the log already);
    the original itself when the log has never handed it over (a partner not mailed yet)."""
    if original not in taken:
        return original
    token, _, rest = original.strip("<>").partition(".")
    number = 1
    while f"<{token}-r{number}.{rest}>" in taken:
        number += 1
    return f"<{token}-r{number}.{rest}>"


def as_resent(message: Outgoing, new_id: str, date: dt.datetime) -> Outgoing:
    """The same bytes under another Message-ID and Date: a resend's content is the message
    reviewed, but it is a new message, ready now (RFC 5322's Date). Under the month's own Date
    it sorted among weeks-old mail in a client ordered by Date, where the partner who asked for
    it did not look."""
    head, gap, body = message.data.partition(b"\r\n\r\n")
    old, new = (f"\r\nMessage-ID: {mid}\r\n".encode("ascii") for mid in (message.message_id, new_id))
    if head.count(old) != 1:  # compose writes it as one line after From, before the body
        raise ValueError(f"{message.partner_id}'s message has no Message-ID {message.message_id} to replace")
    dated, count = _DATE_LINE.subn(f"\r\nDate: {format_datetime(date)}\r\n".encode("ascii"), head)
    if count != 1:  # compose writes it as one line, as format_datetime gives it
        raise ValueError(f"{message.partner_id}'s message has no Date to replace")
    return replace(message, message_id=new_id, data=dated.replace(old, new) + gap + body)


_DATE_LINE = re.compile(rb"\r\nDate: [^\r\n]*\r\n")


def resend_date(instant: dt.datetime, timezone: str) -> dt.datetime:
    """The moment a message is sent again (the run's, whole seconds), in the owner's zone as
    the month's Date is."""
    return instant.replace(microsecond=0).astimezone(zone_of(timezone))


def unsubscribe_link(edition: Edition) -> str:
    """A mail to the owner's reply address asking to unsubscribe (List-Unsubscribe, the footer)."""
    return f"mailto:{edition.reply_to.addr_spec}?subject=unsubscribe"


def subject_for(news: PartnerNews) -> str:
    # The name is set apart when it is written right to left: a mail list lays a subject out in
    # the direction of its first letter, and "نور, your referral news for March 2026" opening
    # with Arabic was drawn from the right, its English words and comma out of order.
    greeting = names_in_words.isolated(news.greeting)
    return header_text(f"{greeting}, your referral news for {news.month.label}")


THROWAWAY_SUBJECT = "[Preview: its links lead to no page] "


def compose(env: jinja2.Environment, edition: Edition, partner: Partner, news: PartnerNews) -> Outgoing:
    recipient = recipient_address(partner)
    subject = (THROWAWAY_SUBJECT if edition.throwaway else "") + subject_for(news)
    text, html = _bodies(env, edition, news, subject)
    mid = message_id(edition, partner.id)
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = edition.sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(edition.date)
    message["Message-ID"] = mid
    reply_to = edition.reply_to
    if reply_to.addr_spec.casefold() != edition.sender.addr_spec.casefold():
        message["Reply-To"] = reply_to
    message["List-Unsubscribe"] = f"<{unsubscribe_link(edition)}>"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # Fixed, not random: "==" is always encoded in quoted-printable, so it cannot clash.
    message.set_boundary(f"=={mid.strip('<>').split('.')[0]}==")
    return Outgoing(
        partner.id,
        edition.sender.addr_spec,
        recipient.addr_spec,
        mid,
        message.as_bytes(),
        edition.month.key,
        links_fingerprint((news.private_url, news.issue_url)),
    )


def _bodies(env: jinja2.Environment, edition: Edition, news: PartnerNews, subject: str) -> tuple[str, str]:
    month_over = edition.date.date() > edition.month.last_day
    context = {
        "news": news,
        "newsletter": edition.newsletter,
        "subject": subject,
        "month_over": month_over,
        "unsubscribe_link": unsubscribe_link(edition),
    }
    text = env.get_template("message.txt.j2").render(context)
    html = env.get_template("message.html.j2").render(context)
    return text, _inline_css(html)


def _inline_css(html: str) -> str:
    """Styles into ``style`` attributes, which every mail client keeps; @media stays in <style>."""
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    return inliner.inline(html)
