"""Privacy by construction: the README's privacy table is the model's audience declarations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.audience import declared, privacy_table
from generator.models import PartnersFile

README = Path(__file__).resolve().parent.parent / "README.md"
_TABLE = re.compile(r"<!-- privacy-table:[^>]*-->\n(.*?)<!-- /privacy-table -->", re.DOTALL)


def test_the_readmes_privacy_table_is_generated_from_the_model() -> None:
    found = _TABLE.search(README.read_text(encoding="utf-8"))
    assert found, "README.md lost its <!-- privacy-table --> markers"
    expected = privacy_table(PartnersFile)
    assert found.group(1) == expected, f"README's privacy table is stale; replace it with:\n{expected}"


def test_the_table_names_every_declared_field_once() -> None:
    table = privacy_table(PartnersFile)
    assert table.count("`partners[].email`") == 1
    assert "`partners[].profession`" in table.split("**Public only with consent**")[1].split("\n")[0]


# A small program in which every field declared for the owner's pages only is set, so each can
# be changed in turn (review16).
OWNERS_FIELDS = """\
newsletter: {title: T, owner: O, due_after_days: 30, currency: USD}
partners:
  - {id: anne, name: Anne Ortiz, public: false, epoch: 0, mail: true, spotlight: Books., referred_by: bob}
  - {id: bob, name: Bob Brown, public: true}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-02-03, asked: true, public: false,
     value: 100, updates: [{date: 2026-03-01, stage: won}]}
  - {id: r2, partner: anne, prospect: Eve Eden, introduced: 2026-06-03}
"""
OWNER_CHANGES = {
    "newsletter.due_after_days": ("due_after_days: 30", "due_after_days: 365"),
    "newsletter.currency": ("currency: USD", "currency: EUR"),
    "partners[].epoch": ("epoch: 0", "epoch: 1"),
    "partners[].mail": ("mail: true", "mail: false"),
    "referrals[].id": ("id: r1", "id: zz-9"),
    "referrals[].public": ("public: false,\n", "public: true,\n"),
    "referrals[].value": ("value: 100", "value: 999"),
}


def _own_page(text: str) -> str:
    """Anne's private page as rendered from ``text``, wherever her epoch puts it."""
    import datetime as dt

    from generator.addresses import private_token
    from generator.render import SiteLayout, render_site
    from generator.validate import load_text

    today, secret = dt.date(2026, 11, 20), b"audience-test-secret"
    data = load_text(text, "partners.yaml", today)
    token = private_token(secret, "partner", "anne", data.partners[0].epoch)
    files = render_site(data, SiteLayout(as_of=today, secret=secret))
    (page,) = (body for path, body in files.items() if token in path)
    return page


def test_every_field_for_the_owners_pages_only_is_changed_by_a_test() -> None:
    owners = {path for path, who in declared(PartnersFile).items() if who == "owner"}
    assert owners == set(OWNER_CHANGES)


@pytest.mark.parametrize("field", list(OWNER_CHANGES))
def test_a_field_for_the_owners_pages_only_never_changes_a_partners_page(field: str) -> None:
    # The privacy table promises these to the owner's pages only: a partner's page that tells
    # "at our request" or "should you agree to be named" reads a field declared otherwise.
    old, new = OWNER_CHANGES[field]
    assert OWNERS_FIELDS.count(old) == 1, field
    assert _own_page(OWNERS_FIELDS.replace(old, new)) == _own_page(OWNERS_FIELDS)
