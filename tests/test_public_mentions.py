"""`check` warns where a public text names a prospect without both consents, or someone the owner
sent business to: the leak guard lets the owner's own public words through (review51)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.public_mentions import public_mentions
from generator.validate import load_text

TODAY = dt.date(2026, 11, 20)
BASE = """\
newsletter: {title: T, owner: Olive Owner, business: Rodgers Motors}
partners:
  - {id: anne, name: Anne Ortiz, public: true, spotlight: SPOTLIGHT}
  - {id: quiet, name: Quiet Partner, spotlight: Quiet works with Dana Wu.}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-05-02}
  - {id: r2, partner: anne, prospect: Kim Brandt, introduced: 2026-05-02, public: true}
  - {id: r3, partner: quiet, prospect: Lee Ming, introduced: 2026-05-02, public: true}
  - {id: r4, partner: anne, prospect: Bo, introduced: 2026-05-02}
given:
  - {partner: anne, date: 2026-06-01, to: Jo Parker}
events:
  - {date: 2026-12-10, title: Mixer, where: WHERE}
"""


def mentions(spotlight: str, where: str = "Main Hall") -> list[tuple[str, str]]:
    text = BASE.replace("SPOTLIGHT", spotlight).replace("WHERE", where)
    data = load_text(text, "partners.yaml", TODAY)
    return [(".".join(map(str, item.path)), item.name) for item in public_mentions(data)]


@pytest.mark.parametrize(
    ("spotlight", "where", "expected"),
    [
        ("Anne works with Dana Wu every week.", "Main Hall", [("partners.0.spotlight", "Dana Wu")]),
        ("Anne works with DANA WU.", "Main Hall", [("partners.0.spotlight", "Dana Wu")]),
        ("Anne sells boots.", "Jo Parker's studio", [("events.0.where", "Jo Parker")]),
        # Both consents: Kim may be named. Lee's partner did not consent, but Quiet's spotlight
        # is not public either.
        ("Anne helped Kim Brandt.", "Lee Ming's bakery", [("events.0.where", "Lee Ming")]),
        # Not a whole-word match; a name too short to look for; nothing at all.
        ("Anne and Danaher Wu.", "Bo's", []),
        ("Anne sells boots.", "Main Hall", []),
    ],
)
def test_a_public_text_naming_a_confidential_person_is_found(
    spotlight: str, where: str, expected: list[tuple[str, str]]
) -> None:
    assert mentions(spotlight, where) == expected


def test_a_prospect_who_became_a_consenting_partner_is_public_by_their_own_consent() -> None:
    text = BASE.replace("SPOTLIGHT", "Anne introduced Dana Wu.").replace("WHERE", "Hall")
    text = text.replace("referrals:\n", "  - {id: dana, name: Dana Wu, public: true}\nreferrals:\n")
    assert public_mentions(load_text(text, "partners.yaml", TODAY)) == []


def test_the_warning_names_the_person_and_the_rule() -> None:
    data = load_text(
        BASE.replace("SPOTLIGHT", "With Dana Wu.").replace("WHERE", "Hall"), "partners.yaml", TODAY
    )
    (mention,) = public_mentions(data)
    assert mention.describe() == (
        "names Dana Wu, the prospect of referral r1, on public pages, where a prospect is named only "
        "when the referral and its partner both have public: true; reword it, unless they agreed"
    )


def test_ids_and_fixed_words_are_not_read_as_names() -> None:
    # A consenting partner introduced by `dana-wu` (an id no page prints) was warned about as
    # naming the prospect Dana Wu: 99 warnings on a synthetic 1,000-partner file, all of them so.
    text = BASE.replace("SPOTLIGHT", "Boots.").replace("WHERE", "Hall")
    text = text.replace(
        "referrals:\n",
        "  - {id: dana-wu, name: Someone Else}\n  - {id: kim, name: Kim Lo, public: true, referred_by: dana-wu}\n"
        "referrals:\n",
    )
    # A prospect called Proposal, and a stage (public) of that word.
    text = text.replace(
        "prospect: Bo, introduced: 2026-05-02}",
        "prospect: Proposal, introduced: 2026-05-02, updates: [{date: 2026-06-01, stage: proposal}]}",
    )
    assert public_mentions(load_text(text, "partners.yaml", TODAY)) == []
