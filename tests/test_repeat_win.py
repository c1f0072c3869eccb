"""A client who buys again: news of its own, not a second "new client, thanks to you!"."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

from conftest import TODAY

from generator.mail.run import compose_month
from generator.render import SiteLayout, render_site
from generator.validate import load_text
from generator.views import Month

DATA = """\
newsletter: {{title: News, owner: Olive Owner}}
partners:
  - {{id: anne, name: Anne Able, email: anne@example.com}}
referrals:
  - id: r1
    partner: anne
    prospect: Dana Wu
    introduced: 2026-01-10
    updates:
      - {{date: 2026-03-05, stage: won, note: Bought a bike.}}
      - {{date: {again}, stage: won, note: Bought a second bike for her son.}}
"""
LAYOUT = SiteLayout(as_of=TODAY, secret=b"s")


def _mail(text: str, month: Month) -> tuple[str, str]:
    data = load_text(text, "partners.yaml", TODAY)
    environ = {"REFERRAL_MAIL_FROM": "Olive <olive@example.com>"}
    (outgoing,) = compose_month(data, month, LAYOUT, "https://example.com/", environ)
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = [message.get_body((kind,)) for kind in ("plain", "html")]
    plain, html = (" ".join(part.get_content().split()) for part in parts if part is not None)
    return plain, html


def test_a_client_who_buys_again_is_not_a_new_client_again() -> None:
    # Won in March, bought again in June: June's message said "A new client, thanks to you!"
    # and "Became a client" a second time, and so did the partner's page.
    text = DATA.format(again="2026-06-12")
    plain, html = _mail(text, Month(2026, 6))
    assert "* Dana Wu: A returning client - 12 June 2026: Bought from us again. Bought a second" in plain
    assert "A returning client" in html and "Bought from us again." in html
    assert "new client" not in (plain + html).lower() and "Became a client" not in plain + html
    march, _ = _mail(text, Month(2026, 3))
    assert "* Dana Wu: A new client, thanks to you! - 5 March 2026: Became a client. Bought a bike." in march
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    rows = " ".join(page.split("<tbody>")[1].split("</tbody>")[0].split())
    assert rows == (
        "<tr> <td>5 March 2026</td> <td>Became a client</td> <td>Bought a bike.</td> </tr> "
        "<tr> <td>12 June 2026</td> <td>Bought from us again</td> <td>Bought a second bike for her son.</td> </tr>"
    )
    assert "became a new client" not in files["blog/posts/newsletter/2026-06.md"]  # counted once, in March


def test_a_client_who_buys_twice_in_the_month_of_the_win_is_a_new_client() -> None:
    plain, _ = _mail(DATA.format(again="2026-03-20"), Month(2026, 3))
    assert (
        "* Dana Wu: A new client, thanks to you! - 5 March 2026: Became a client. Bought a bike. "
        "- 20 March 2026: Bought from us again. Bought a second bike for her son."
    ) in plain


def test_a_closed_file_taken_up_again_says_back_in_touch() -> None:
    # Lost in March, in touch again in June: "We closed the file" then "We got in touch" on the
    # partner's page and in June's mail read as if the file had never been closed (review23).
    text = DATA.replace("{again}", "2026-06-12").replace("{{", "{").replace("}}", "}")
    text = text.replace("stage: won, note: Bought a bike.", "stage: lost, note: Not this year.")
    text = text.replace(
        "stage: won, note: Bought a second bike for her son.", "stage: contacted, note: She called."
    )
    plain, html = _mail(text, Month(2026, 6))
    assert "* Dana Wu: In touch - 12 June 2026: We got back in touch. She called." in plain
    assert "We got back in touch." in html and "We got in touch" not in plain + html
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    rows = " ".join(page.split("<tbody>")[1].split("</tbody>")[0].split())
    assert rows == (
        "<tr> <td>5 March 2026</td> <td>We closed the file</td> <td>Not this year.</td> </tr> "
        "<tr> <td>12 June 2026</td> <td>We got back in touch</td> <td>She called.</td> </tr>"
    )


def test_a_client_who_did_not_stay_is_not_told_it_did_not_go_ahead() -> None:
    # Won in March, lost in June: the page's history said "Became a client" then "We closed
    # the file", its box "This one did not go ahead", and June's mail "It did not go ahead this
    # time", though March's mail had said "A new client, thanks to you!" (review32).
    text = DATA.format(again="2026-06-12").replace(
        "stage: won, note: Bought a second bike for her son.", "stage: lost, note: She moved abroad."
    )
    plain, html = _mail(text, Month(2026, 6))
    # Headed as the page's card counts them, not "File closed", and with the page's sentence:
    # "Thank you all the same" read as if the introduction had come to nothing.
    assert (
        "* Dana Wu: A former client - 12 June 2026: No longer a client. She moved abroad. They "
        "became a client for a while, thanks to your introduction."
    ) in plain
    assert "A former client" in html
    assert "They became a client for a while, thanks to your introduction." in html
    assert "File closed" not in plain + html and "all the same" not in plain + html
    # "though not for good in the end" read as "not for a good reason" as easily (review37).
    assert "for good" not in plain + html
    assert "go ahead" not in plain + html and "We closed the file" not in plain + html
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    rows = " ".join(page.split("<tbody>")[1].split("</tbody>")[0].split())
    assert rows == (
        "<tr> <td>5 March 2026</td> <td>Became a client</td> <td>Bought a bike.</td> </tr> "
        "<tr> <td>12 June 2026</td> <td>No longer a client</td> <td>She moved abroad.</td> </tr>"
    )
    assert "go ahead" not in page


def test_a_client_who_did_not_stay_is_a_former_client_on_the_partners_page() -> None:
    # The box's title said "File closed" and the summary card "No new clients" to a partner
    # thanked in March for the sale, and the box thanked them "all the same" (review40).
    text = DATA.format(again="2026-06-12").replace(
        "stage: won, note: Bought a second bike for her son.", "stage: lost, note: She moved abroad."
    )
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    box = page.split('<div class="referral">')[1].split("</div>")[0]
    assert '<p class="admonition-title">No longer a client</p>' in box
    assert "● No longer a client" in " ".join(re.sub("<[^>]+>", " ", box).split())
    assert "<p>They became a client for a while, thanks to your introduction.</p>" in box
    assert "File closed" not in page and "all the same" not in page
    assert "<strong>1 former client</strong></p>\n<p>from your introduction</p>" in page
    assert "No new clients" not in page


def test_a_former_client_beside_a_new_one_is_counted_after_it() -> None:
    text = DATA.format(again="2026-06-12").replace(
        "stage: won, note: Bought a second bike for her son.", "stage: lost, note: She moved abroad."
    )
    text += "  - {id: r2, partner: anne, prospect: Bo Li, introduced: 2026-02-01, updates: [{date: 2026-04-01, stage: won}]}\n"
    text += "  - {id: r3, partner: anne, prospect: Cy Ng, introduced: 2026-02-01, updates: [{date: 2026-04-01, stage: lost}]}\n"
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    assert "<strong>1 new client</strong></p>\n<p>from your introductions, and one former client</p>" in page
    # The thanks "all the same" goes to the file closed without a sale, not to the former client.
    boxes = {
        box.split("<h3 id=")[1].split(">")[1].split("<")[0]: box
        for box in page.split('<div class="referral">')[1:]
    }
    assert "Thank you all the same" in boxes["Cy Ng"] and page.count("Thank you all the same") == 1


def test_a_file_closed_without_ever_a_sale_still_did_not_go_ahead() -> None:
    text = DATA.format(again="2026-06-12").replace(
        "stage: won, note: Bought a bike.", "stage: met, note: Met."
    )
    text = text.replace("stage: won, note: Bought a second bike for her son.", "stage: lost, note: No.")
    plain, _ = _mail(text, Month(2026, 6))
    assert "* Dana Wu: File closed - 12 June 2026: We closed the file. No. It did not go ahead" in plain
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Anne" in t)
    assert "<p>This one did not go ahead. Thank you all the same" in page and "for a while" not in page


def test_the_owners_figures_do_not_call_a_client_who_left_a_file_without_a_sale() -> None:
    # Insights said "1 closed without a sale" of a client won in March and lost in June.
    text = DATA.format(again="2026-06-12").replace(
        "stage: won, note: Bought a second bike for her son.", "stage: lost, note: She moved abroad."
    )
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    insights = next(t for t in files.values() if "title: Referral insights" in t)
    assert "without a sale" not in insights
    assert "Figures cover 1 referral: 0 won\n(0%), 1 lost and 0 still open." in insights
