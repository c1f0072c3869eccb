"""Golden files: what partners and the owner read, compared byte for byte.

The rendered Markdown of one small fixture (a partner page of each kind, the newest newsletter
post, the home, tree and insights pages) and one mail message in text and HTML sit in
``tests/golden/``. A change of wording shows up here as a diff a reviewer reads sentence by
sentence; rewrite them deliberately with ``pytest tests/test_golden.py --update-goldens``.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import FIXTURES, SOURCE_DATE_EPOCH, TEST_SECRET, TODAY

from generator.mail.run import compose_month
from generator.models import PartnersFile
from generator.render import TREE_PAGE, SiteLayout, render_site
from generator.validate import load_partners
from generator.views import Month, monthly_issues

GOLDEN = Path(__file__).resolve().parent / "golden"
SITE_URL = "https://updates.example.com/"
MAIL_PARTNER = "anne-ortiz"


@pytest.fixture(scope="module")
def data() -> PartnersFile:
    return load_partners(FIXTURES / "golden.yaml", TODAY)


@pytest.fixture(scope="module")
def layout() -> SiteLayout:
    return SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode(), site_url=SITE_URL)


def rendered_pages(data: PartnersFile, layout: SiteLayout) -> dict[str, str]:
    """Golden name → generated text, under names a reviewer recognises (not private tokens)."""
    files = render_site(data, layout)
    newest = max(monthly_issues(data, as_of=TODAY), key=lambda issue: issue.month)
    pages = {
        "home.md": files["index.md"],
        "tree.md": files[TREE_PAGE],
        "insights.md": files[layout.insights_page],
        f"post-{newest.month.key}.md": files[layout.post_page(newest)],
    }
    for partner in data.partners:
        pages[f"partner-{partner.id}.md"] = files[layout.partner_page(partner)]
    return pages


def mail_parts(data: PartnersFile, layout: SiteLayout) -> dict[str, str]:
    environ = {
        "REFERRAL_MAIL_FROM": "Mark Rodgers <mark@example.com>",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    messages = compose_month(data, Month(2026, 11), layout, SITE_URL, environ)
    outgoing = next(message for message in messages if message.partner_id == MAIL_PARTNER)
    parsed = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    parts = {}
    for kind in ("plain", "html"):
        part = parsed.get_body(preferencelist=(kind,))
        assert part is not None, kind
        parts[f"mail-{MAIL_PARTNER}.{'txt' if kind == 'plain' else 'html'}"] = part.get_content()
    parts[f"mail-{MAIL_PARTNER}.headers"] = "".join(
        f"{name}: {parsed[name]}\n" for name in ("From", "To", "Subject", "Date", "List-Unsubscribe")
    )
    return parts


def test_goldens(data: PartnersFile, layout: SiteLayout, request: pytest.FixtureRequest) -> None:
    produced = {**rendered_pages(data, layout), **mail_parts(data, layout)}
    if request.config.getoption("--update-goldens"):
        write_goldens(produced)
    committed = {path.name for path in GOLDEN.iterdir()} if GOLDEN.is_dir() else set()
    assert committed == set(produced), "golden files missing or stale: run with --update-goldens"
    changed = [
        name for name, text in sorted(produced.items()) if (GOLDEN / name).read_bytes() != text.encode()
    ]
    assert not changed, (
        f"output differs from tests/golden/ in {changed}: run with --update-goldens and review"
    )


def write_goldens(produced: dict[str, str]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    for stale in set(path.name for path in GOLDEN.iterdir()) - set(produced):
        (GOLDEN / stale).unlink()
    for name, text in produced.items():
        (GOLDEN / name).write_bytes(text.encode())  # bytes: the mail parts keep their CRLF
