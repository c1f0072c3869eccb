"""How partners reach the owner: the contact line and the "introduce someone" letter.

Nothing is sent by the site: the button is a ``mailto:`` link that opens the partner's own
mail program with a letter ready to complete.
"""

from __future__ import annotations

from urllib.parse import quote

from .models import Newsletter, Partner
from .names_in_words import greeting_name

INTRODUCTION_SUBJECT = "An introduction from {name}"

# A letter of introduction, not a bare name: the seeds of a good referral say who the person
# is, why they should talk, and that they expect the call.
INTRODUCTION_LETTER = """\
Hello {owner},

I would like to introduce you to [their name], [who they are and how I know them].

I think you should talk because [what they need].

You can reach them at [their phone or email]. I have told them to expect your call.

Best regards,
{partner}
"""


def introduction_mailto(newsletter: Newsletter, partner: Partner) -> str | None:
    """A ``mailto:`` link to the owner with subject and letter filled in; None without an address."""
    if not newsletter.email:
        return None
    owner = greeting_name(newsletter.owner)
    subject = INTRODUCTION_SUBJECT.format(name=partner.name)
    body = INTRODUCTION_LETTER.format(owner=owner, partner=partner.name)
    # RFC 6068: every reserved character percent-encoded, line breaks as %0D%0A.
    return (
        f"mailto:{quote(newsletter.email, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}"
    )


def contact_mailto(newsletter: Newsletter) -> str | None:
    return f"mailto:{quote(newsletter.email, safe='@')}" if newsletter.email else None


def phone_link(newsletter: Newsletter) -> str | None:
    """A ``tel:`` link: digits and a leading + only, whatever spacing the editor typed."""
    if not newsletter.phone:
        return None
    digits = "".join(ch for ch in newsletter.phone if ch.isdigit())
    return f"tel:{'+' if newsletter.phone.strip().startswith('+') else ''}{digits}" if digits else None
