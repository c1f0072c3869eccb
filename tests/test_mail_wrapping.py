"""The plain-text part of a monthly message never parts a date's day from its month, nor a
time's figures from its am/pm, at a line's end: "19" ending one line and "September" beginning
the next read as two things. Nor does it show the reader any character but a plain space
between them (review58)."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy

import pytest
from conftest import TEST_SECRET

from generator import validate
from generator.mail.plain_text import wrapped
from generator.mail.run import compose_month, parse_month
from generator.render import SiteLayout

AS_OF = dt.date(2026, 11, 20)
NOTE = "on 19 September at 7:30 pm, then on Sept. 20th at 10 a.m., as agreed."
# One referral for each place the note's dates can fall on a line: one of them at its end.
DATA = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: pat, name: Pat Partner, email: pat@example.com}
referrals:
""" + "".join(
    f"  - {{id: r-{k}, partner: pat, prospect: P{k}, introduced: 2026-02-02, updates: "
    f"[{{date: 2026-03-10, stage: met, note: 'Rode {'a' * k} {NOTE}'}}]}}\n"
    for k in range(1, 60)
)
SPLIT = re.compile(
    r"\b(\d{1,2}|Sept\.)\n *(September|Sept\.|20th)\b|\b\d{1,2}(:\d\d)?\n *(pm|a\.m\.)", re.IGNORECASE
)


def test_the_plain_text_part_keeps_each_date_and_time_on_one_line() -> None:
    data = validate.load_text(DATA, "partners.yaml", AS_OF)
    layout = SiteLayout(as_of=AS_OF, secret=TEST_SECRET.encode())
    [message] = compose_month(data, parse_month("2026-03"), layout, "https://partners.example.com/", {})
    plain = email.message_from_bytes(message.data, policy=policy.default).get_body(("plain",))
    assert plain is not None
    text = plain.get_content().replace("\r\n", "\n")
    assert not SPLIT.findall(text)
    assert text.isascii() and "\x00" not in text  # a plain space between them, nothing odd
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72


@pytest.mark.parametrize("width", range(14, 40))
def test_wrapped_moves_a_date_whole_and_leaves_the_words_as_written(width: int) -> None:
    text = "Our ride on 19 September 2026 at 7 pm, and the lunch on May 3."
    lines = wrapped(text, width).splitlines()
    assert " ".join(lines) == text
    assert not any(line.endswith(("19", " 7", "May")) for line in lines)
