"""What a reader of a brand-new program reads: a file holding the newsletter alone (no partners,
no introductions yet) gives pages that say so in words, with no empty figure claiming the
opposite of its caption."""

from __future__ import annotations

from conftest import TEST_SECRET, TODAY, SiteProject

from generator.render import SiteLayout, render_site
from generator.validate import load_text

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
NEWSLETTER_ONLY = "newsletter: {title: New News, owner: Olive Owner, business: Olive Bikes}\n"


def _pages(text: str) -> dict[str, str]:
    return render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)


def test_the_home_page_of_a_new_program_shows_no_empty_figures() -> None:
    # The cards read "No referral partners: people who trust us with their friends and
    # clients", then "No introductions" and "No new clients", on the program's front page.
    home = _pages(NEWSLETTER_ONLY)["index.md"]
    assert "grid cards" not in home and "No referral partners" not in home
    assert "people who trust us" not in home
    assert (
        "Our referral program has just begun: once the first introductions arrive, you will see here how they are going."
        in home
    )


def test_a_program_with_a_partner_still_shows_its_figures() -> None:
    home = _pages(NEWSLETTER_ONLY + "partners:\n  - {id: anne, name: Anne Able}\n")["index.md"]
    assert "**1 referral partner**" in home and "**No introductions**" in home
    assert "has just begun" not in home


def test_check_on_a_new_program_says_no_partners_yet(project: SiteProject) -> None:
    # It said "partners.yaml: valid (0 partners); 0 referrals due an update".
    project.write_data(NEWSLETTER_ONLY)
    result = project.generator("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "partners.yaml: valid (no partners yet); no referrals due an update\n"


def test_mail_on_a_new_program_says_no_month_has_an_issue_yet(project: SiteProject) -> None:
    # It ended "(months with an issue: none)".
    project.write_data(NEWSLETTER_ONLY)
    result = project.generator("mail", "--month", "2026-10")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "error: there is no newsletter issue for October 2026: nothing was introduced, updated or "
        "given and no event was held that month (no month has an issue yet)\n"
    )


def test_the_owners_to_do_list_of_a_new_program_claims_nothing_about_referrals() -> None:
    # It said "every open referral has recent news, no partner has gone quiet, and every
    # generous partner has had business back" of a file with no partner and no referral.
    insights = next(t for t in _pages(NEWSLETTER_ONLY).values() if "title: Referral insights" in t)
    assert "every open referral" not in insights and "generous partner" not in insights
    assert (
        "<p>Nothing to do yet: referrals due an update, partners gone quiet and partners owed business"
        in insights
    )


def test_mail_for_an_event_month_of_a_new_program_says_there_are_no_partners_yet(
    project: SiteProject,
) -> None:
    # It said "no partner of that month has an email address and mail: true" of a file with none.
    project.write_data(NEWSLETTER_ONLY + "events:\n  - {date: 2026-11-10, title: Open house}\n")
    result = project.generator("mail", "--month", "2026-11", REFERRAL_MAIL_FROM="Olive <olive@example.com>")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "No message to write for November 2026: there are no partners yet.\n"


def test_due_on_a_new_program_says_there_are_no_referrals_yet(project: SiteProject) -> None:
    # It said "Nobody is waiting: every open referral has had news recently." of none at all.
    project.write_data(NEWSLETTER_ONLY)
    result = project.generator("due")
    assert (result.returncode, result.stdout) == (0, "Nobody is waiting: there are no referrals yet.\n")
