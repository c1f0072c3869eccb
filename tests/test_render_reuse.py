"""A render in a process that has rendered before (``mkdocs serve``, which renders after every
save) gives the bytes a fresh process gives. The pages keep what they work out once in caches
that outlive a render (html_page's dates and times ago, the template environment) or live for a
whole render (headings, stage boxes, public views); data chosen to make those caches collide:
headings alike on one page and across pages, names that slug to nothing, one date at two
``as_of`` days, ties in dates, names and ids, every order of stages, consent flipped between the
renders (review61, after the speed changes of gen6 and gen7; it passes before and after them)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import subprocess
import sys

import pytest
from conftest import REPO, TEST_SECRET, TODAY

from generator.render import SiteLayout, render_site
from generator.validate import load_text

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
PARTNERS = """\
newsletter: {title: "News & <views>", owner: "Zoë O'Hara & Co", email: "o'hara+news@example.com"}
partners:
  - {id: anne, name: Anne Ortiz, public: true, since: 2023-01-05}
  - {id: dana-a, name: Dana Wu, public: true, referred_by: anne}
  - {id: dana-b, name: Dana Wu, referred_by: anne}
  - {id: quiet, name: "No Referrals & <Co>", public: true, since: 2024-02-01}
  - {id: odd, name: "O'Neil & \\"Sons\\" 50% #1 ?x=y+z ünï 李", public: true, greeting: Giving back}
referrals:
"""
STAGE_ORDERS = [(), ("lost", "won"), ("won", "lost"), ("won", "won"), ("lost", "contacted"), ("met", "met")]
PROSPECTS = [
    "Giving back",
    "Your referrals",
    "giving back",
    "Gíving back",
    "!!!",
    "🎉",
    "李雷",
    "Dana Wu",
    "Dana Wu",
]


def _referral(number: int, partner: str, prospect: str, stages: tuple[str, ...], public: bool) -> str:
    updates = ", ".join(
        f"{{date: 2026-0{3 + step}-01, stage: {stage}, note: 'Call & <x>'}}"
        for step, stage in enumerate(stages)
    )
    return (
        f"  - {{id: r-{number}, partner: {partner}, prospect: '{prospect}', introduced: 2026-02-02,"
        f" public: {str(public).lower()}, updates: [{updates}]}}\n"
    )


DATA = PARTNERS + "".join(
    _referral(number, partner, PROSPECTS[number % len(PROSPECTS)], STAGE_ORDERS[number % 6], number % 3 == 0)
    for number, partner in enumerate(["anne", "dana-a", "dana-b", "odd"] * 6, start=1)
)
# Another save under the server, rendered first, a month later: a public partner renamed, the
# prospects' consent swapped, names and stages changed.
EDITED = (
    DATA.replace("Anne Ortiz", "Anne Ortiz-Lane")
    .replace("public: true, updates", "public: swapped, updates")
    .replace("public: false, updates", "public: true, updates")
    .replace("public: swapped, updates", "public: false, updates")
    .replace("Giving back", "Your referral tree")
    .replace("stage: lost", "stage: won")
)

FRESH = f"""
import datetime as dt, hashlib, json, sys
from generator.render import SiteLayout, render_site
from generator.validate import load_text
data = load_text(sys.stdin.read(), "partners.yaml", dt.date.fromisoformat({TODAY.isoformat()!r}))
pages = render_site(data, SiteLayout(as_of=dt.date.fromisoformat(sys.argv[1]), secret={TEST_SECRET.encode()!r}))
print(json.dumps({{path: hashlib.sha256(text.encode()).hexdigest() for path, text in pages.items()}}))
"""


def _digests(layout: SiteLayout, text: str) -> dict[str, str]:
    pages = render_site(load_text(text, "partners.yaml", TODAY), layout)
    return {path: hashlib.sha256(page.encode()).hexdigest() for path, page in pages.items()}


def _fresh_digests(as_of: dt.date, text: str) -> dict[str, str]:
    run = subprocess.run(
        [sys.executable, "-c", FRESH, as_of.isoformat()],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    digests: dict[str, str] = json.loads(run.stdout)
    return digests


@pytest.mark.build
@pytest.mark.parametrize("days_later", [0, 40], ids=["same day", "40 days later"])
def test_a_render_after_another_in_one_process_gives_what_a_fresh_process_gives(days_later: int) -> None:
    layout = dataclasses.replace(LAYOUT, as_of=TODAY + dt.timedelta(days=days_later))
    _digests(dataclasses.replace(LAYOUT, as_of=TODAY + dt.timedelta(days=30)), EDITED)
    _digests(dataclasses.replace(LAYOUT, as_of=TODAY + dt.timedelta(days=70)), DATA)

    assert _digests(layout, DATA) == _fresh_digests(layout.as_of, DATA)
