"""`check` names every problem in one run (README, "Commands"), even where a record also
fails for another reason, and names what `mkdocs build --strict` refuses (review36)."""

from __future__ import annotations

from conftest import load_problems

# A referral with a mistake of its own (the method) and updates out of date order.
UNORDERED = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
referrals:
  - id: r
    partner: a
    prospect: P
    introduced: 2026-02-01
    method: dinner
    updates:
      - date: 2026-03-01
        stage: met
      - date: 2026-02-15
        stage: proposal
      - date: 2026-01-15
        stage: won
"""


def test_updates_out_of_order_are_named_beside_another_mistake_of_their_referral() -> None:
    """Fixing every line check names must not bring up a second list: the order of the updates
    was only checked once the method was fixed."""
    assert load_problems(UNORDERED) == [
        "partners.yaml:12:13: referrals[0].method: 'dinner' is not one of name, letter, call, lunch",
        "partners.yaml:16:15: referrals[0].updates[1].date: 2026-02-15 is out of order: it is listed after an"
        " update of 2026-03-01; list updates oldest first",
        "partners.yaml:18:15: referrals[0].updates[2].date: 2026-01-15 is before the introduction on 2026-02-01",
    ]


# A cycle through a partner with a mistake of its own (public), and one among valid partners.
CYCLES = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
    referred_by: b
  - id: b
    name: B
    referred_by: a
    public: maybe
  - id: c
    name: C
    referred_by: d
  - id: d
    name: D
    referred_by: c
"""


def test_a_cycle_through_a_partner_with_another_mistake_is_named_once() -> None:
    assert load_problems(CYCLES) == [
        "partners.yaml:7:18: partners[0].referred_by: the referral tree has a cycle: a → b → a",
        "partners.yaml:11:13: partners[1].public: 'maybe' is not true or false",
        "partners.yaml:14:18: partners[2].referred_by: the referral tree has a cycle: c → d → c",
    ]
