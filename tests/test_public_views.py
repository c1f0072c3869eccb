"""Public templates get views holding only public fields: a private field cannot render."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from conftest import TEST_SECRET, TODAY, fixture_text

from generator import markdown_page, validate
from generator.models import PartnersFile
from generator.public_views import PublicView, PublicViews
from generator.render import SiteLayout, render_site

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())


@pytest.fixture
def small(tmp_path: Path) -> PartnersFile:
    path = tmp_path / "partners.yaml"
    path.write_text(fixture_text("small.yaml"), encoding="utf-8")
    return validate.load_partners(path, TODAY)


def views(data: PartnersFile) -> PublicViews:
    return PublicViews({partner.id: partner for partner in data.partners})


def view(data: PartnersFile, record: object) -> PublicView:
    result = views(data).of(record)
    assert isinstance(result, PublicView)
    return result


def test_a_consenting_partner_shows_public_fields_only(small: PartnersFile) -> None:
    anne = view(small, small.partners[0])
    assert (anne.name, anne.profession) == ("Anne Ortiz", "Accountant")
    for private in ("email", "greeting", "epoch", "public", "mail"):
        with pytest.raises(AttributeError, match=f"partner.{private} is not public"):
            getattr(anne, private)
    assert "SECRET" not in repr(anne)


def test_a_hidden_partner_shows_nothing_of_their_own(small: PartnersFile) -> None:
    quinn = view(small, small.partners[2])
    for field in ("name", "company", "profession", "spotlight", "id", "email"):
        with pytest.raises(AttributeError):
            getattr(quinn, field)


def test_a_referral_names_its_prospect_only_with_both_consents(small: PartnersFile) -> None:
    hidden, shown = (view(small, referral) for referral in (small.referrals[0], small.referrals[3]))
    with pytest.raises(AttributeError):
        _ = hidden.prospect
    assert shown.prospect == small.referrals[3].prospect
    with pytest.raises(AttributeError):
        _ = shown.value  # the owner's figure, even for a public referral
    with pytest.raises(AttributeError):
        _ = shown.updates  # nested records (notes, internal notes) never come along


def test_the_newsletter_view_keeps_the_owners_settings_out(small: PartnersFile) -> None:
    letter = view(small, small.newsletter)
    assert letter.title == "Test Partner News"
    with pytest.raises(AttributeError):
        _ = letter.currency


@pytest.fixture
def hostile_post_template() -> Iterator[None]:
    """The real environment, with a post template that tries to print a thanked partner's email."""
    env = markdown_page.markdown_environment()
    original = env.loader
    assert original is not None
    hostile = "{% for partner in issue.thanked %}{{ partner.email }}{% endfor %}\n"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"post.md.j2": hostile}), original])
    env.cache.clear() if env.cache is not None else None
    try:
        yield
    finally:
        env.loader = original
        env.cache.clear() if env.cache is not None else None


@pytest.mark.usefixtures("hostile_post_template")
def test_a_public_template_cannot_print_a_partners_email(small: PartnersFile) -> None:
    with pytest.raises(jinja2.UndefinedError, match="email"):
        render_site(small, LAYOUT)
