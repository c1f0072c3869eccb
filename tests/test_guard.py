"""The leak guard: which values are confidential and where they may appear, finding them in a
built site whatever the encoding, and failing a real `mkdocs build` when one leaks."""

from __future__ import annotations

import contextlib
import gzip
import json
import signal
import textwrap
import unicodedata
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import pytest
from conftest import REPO, TEST_SECRET, TODAY, SiteProject, fixture_text, unwritable

from generator import guard, links, validate
from generator.guard import Confidential, Leak
from generator.models import PartnersFile
from generator.render import SiteLayout

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())


def load(text: str) -> PartnersFile:
    """The data of ``text`` as a build loads it, without a project: the tests that list the
    confidential values need no site, so they stay in the fast tier (`project` marks a test
    as a build), where a change to an audience or to the guard's rules is caught at once."""
    return validate.load_text(textwrap.dedent(text), "partners.yaml", TODAY)


def home_of(data: PartnersFile, partner_id: str) -> str:
    partner = next(p for p in data.partners if p.id == partner_id)
    return LAYOUT.partner_page(partner).removesuffix(".md") + "/"


def by_field(data: PartnersFile) -> dict[str, Confidential]:
    return {item.field: item for item in guard.confidential_values(data, LAYOUT)}


# --- confidential_values ----------------------------------------------------------------------


@pytest.fixture
def small() -> PartnersFile:
    return load(fixture_text("small.yaml"))


def test_every_secret_marker_of_the_fixture_is_listed_with_its_home(small: PartnersFile) -> None:
    steve, anne, quinn = (home_of(small, pid) for pid in ("steve-hall", "anne-ortiz", "quiet-quinn"))
    expected = {
        "partners[0].email": ("SECRET-EMAIL-ANNE@example.com", None),
        "partners[1].email": ("SECRET-EMAIL-STEVE@example.com", None),
        "partners[2].name": ("SECRET-PARTNER-QUINN", quinn),
        "partners[2].company": ("SECRET-COMPANY-QUINN", quinn),
        "partners[2].spotlight": ("SECRET-SPOTLIGHT-QUINN", quinn),
        "referrals[0].prospect": ("SECRET-PROSPECT-DANA", steve),
        "referrals[0].updates[0].note": ("SECRET-NOTE-DANA-MET", steve),
        "referrals[0].updates[0].internal": ("SECRET-INTERNAL-DANA", None),
        "referrals[0].updates[2].note": ("SECRET-NOTE-DANA-WON", steve),
        "referrals[1].prospect": ("SECRET-PROSPECT-EVAN", anne),
        "referrals[1].updates[1].note": ("SECRET-NOTE-EVAN-LOST", anne),
        "referrals[2].prospect": ("SECRET-PROSPECT-FAY", quinn),
        "given[0].to": ("SECRET-GIVEN-JO", steve),
        "given[0].note": ("SECRET-GIVEN-NOTE", steve),
        # Derived from the declared audiences: ids too (a hidden partner's id names them).
        "partners[2].id": ("quiet-quinn", quinn),
        "referrals[0].id": ("r-001", None),
        "referrals[1].id": ("r-002", None),
        "referrals[2].id": ("r-003", None),
        "referrals[3].id": ("r-004", None),
        "referrals[2].partner": ("quiet-quinn", quinn),
    }
    for index, home in enumerate((anne, steve, quinn)):  # each page's address, at home only there
        expected[f"partners[{index}].page"] = (home.removeprefix("p/").removesuffix("/"), home)
    found = {item.field: (item.value, item.home) for item in guard.confidential_values(small, LAYOUT)}
    found.pop("owner page address", None)
    assert found == expected
    assert all(home.startswith("p/") and len(home) == len("p/") + 26 + 1 for home in (steve, anne, quinn))


def test_the_owners_private_page_may_show_hidden_partners_names(small: PartnersFile) -> None:
    owner = LAYOUT.insights_page.removesuffix(".md") + "/"
    items = {item.field: item for item in guard.confidential_values(small, LAYOUT)}
    assert items["partners[2].name"].also == (owner,)
    assert items["referrals[2].prospect"].also == (owner,)
    assert items["referrals[0].updates[0].internal"].also == ()  # "never": not even the owner's pages
    assert items["owner page address"].home == owner
    assert items["owner page address"].value == owner.removeprefix("p/").removesuffix("/")


def test_a_hidden_partners_profession_and_greeting_are_guarded() -> None:
    text = DATA.format(prospect="Dana Wu", note="Met").replace(
        "      - id: hidden\n",
        "      - id: hidden\n        profession: Orthodontist\n        greeting: Quinnie\n",
    )
    fields = by_field(load(text))
    assert fields["partners[1].profession"].value == "Orthodontist"
    assert fields["partners[1].greeting"].value == "Quinnie"
    assert "partners[0].profession" not in fields  # no profession given for the public partner


def test_every_declared_non_public_text_field_of_the_fixture_is_guarded(small: PartnersFile) -> None:
    """No hand-kept list: a field is guarded because of its declared audience."""
    from generator.audience import text_values

    guarded = {item.field for item in guard.confidential_values(small, LAYOUT)}
    expected = {
        value.path
        for value in text_values(small)
        if value.audience in ("partner", "owner", "never") and len(value.text) >= guard.MIN_LENGTH
    }
    assert expected and expected <= guarded


def test_public_data_is_not_confidential(small: PartnersFile) -> None:
    values = {item.value for item in guard.confidential_values(small, LAYOUT)}
    # r-004 is public and so is its partner; public partners' names are public.
    assert not values & {"Public Pat", "Anne Ortiz", "Steve Hall", "Hall Realty"}


DATA = """\
    newsletter:
      title: Partner News
      owner: Olive Owner
    partners:
      - id: pub
        name: Anne Ortiz
        company: Ortiz Accounting
        public: true
      - id: hidden
        name: "Quinn   Quiet"
        company: Ortiz Accounting
    referrals:
      - id: r-1
        partner: pub
        prospect: {prospect}
        introduced: 2026-02-03
        updates:
          - date: 2026-02-04
            stage: met
            note: {note}
    events:
      - date: 2026-12-10
        title: Holiday mixer
"""


def test_short_values_are_skipped() -> None:
    fields = by_field(load(DATA.format(prospect="Jo", note="Met")))
    assert "referrals[0].prospect" not in fields
    assert "referrals[0].updates[0].note" not in fields


def test_a_note_stays_private_when_the_prospect_and_the_partner_consent() -> None:
    # Consent names the prospect in public; the partner's own news about them stays theirs.
    data = load(
        DATA.format(prospect="Dana Wu", note="Signed at the showroom").replace(
            "        introduced: 2026-02-03\n", "        introduced: 2026-02-03\n        public: true\n"
        )
    )
    assert data.referrals[0].public and data.partners[0].public
    fields = by_field(data)
    assert "referrals[0].prospect" not in fields
    assert fields["referrals[0].updates[0].note"].home == home_of(data, "pub")


def test_a_value_of_exactly_the_minimum_length_is_still_checked() -> None:
    # The boundary: a four-letter prospect ("Dana") is guarded, a three-letter note ("Met") is not.
    fields = by_field(load(DATA.format(prospect="Dana", note="Met")))
    assert len("Dana") == guard.MIN_LENGTH
    assert fields["referrals[0].prospect"].value == "Dana"
    assert "referrals[0].updates[0].note" not in fields


def test_values_found_in_public_text_are_skipped() -> None:
    # "Anne" is part of a public partner's name, "Holiday mixer" an event, the note template text.
    fields = by_field(load(DATA.format(prospect="Anne", note="Thank you all the same")))
    assert "referrals[0].prospect" not in fields
    assert "referrals[0].updates[0].note" not in fields
    assert "partners[1].company" not in fields  # the same company as a public partner's
    fields = by_field(load(DATA.format(prospect="Holiday mixer", note="Annex deal")))
    assert "referrals[0].prospect" not in fields
    assert "referrals[0].updates[0].note" in fields  # "Annex" is not the word "Anne"


def test_whitespace_runs_are_collapsed_and_values_never_shown() -> None:
    item = by_field(load(DATA.format(prospect="Dana Wu", note="x")))["partners[1].name"]
    assert item.value == "Quinn Quiet"
    assert "Quinn" not in repr(item)


# --- scan_site ---------------------------------------------------------------------------------

DANA = Confidential("Dana Wu", "referrals[0].prospect", "p/token/")
EMAIL = Confidential("SECRET-EMAIL-ANNE@example.com", "partners[0].email", None)


def site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "site"
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def test_plain_leaks_are_found_with_file_and_field_only(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {
            "index.html": "<p>Welcome, Dana Wu!</p>",
            "blog/a/index.html": "<p>mail SECRET-EMAIL-ANNE@example.com</p>",
            "clean.html": "<p>nothing here</p>",
        },
    )
    leaks = guard.scan_site(root, [DANA, EMAIL])
    assert leaks == [
        Leak("blog/a/index.html", "partners[0].email"),
        Leak("index.html", "referrals[0].prospect"),
    ]
    assert all("Dana" not in leak.describe() and "SECRET" not in leak.describe() for leak in leaks)


def test_a_leak_report_names_a_private_page_without_its_address() -> None:
    """The report reaches CI logs, which whoever reads the repository reads without the site
    secret: a private page's full address there opened the partner's page on the live site. Its
    first characters still find it in `links`' list (review43)."""
    address = "yk3crxk3z2mf7ek4arhx33t2tz"
    assert Leak(f"p/{address}/extra/index.html", "referrals[2].prospect").describe() == (
        "referrals[2].prospect in p/yk3c…/extra/index.html"
    )
    assert Leak(f"p/{address}.html", "given[0].to").describe() == "given[0].to in p/yk3c….html"
    assert (
        Leak("blog/a/index.html", "partners[0].email").describe() == "partners[0].email in blog/a/index.html"
    )


def test_a_value_in_its_home_folder_is_not_a_leak(tmp_path: Path) -> None:
    root = site(tmp_path, {"p/token/index.html": "<h3>Dana Wu</h3>", "p/other/index.html": "Dana Wu"})
    assert guard.scan_site(root, [DANA]) == [Leak("p/other/index.html", "referrals[0].prospect")]


@pytest.mark.parametrize(
    "text",
    [
        "<p>Dana&#32;Wu</p>",
        "<title>Dana&nbsp;Wu</title>",  # a no-break space is whitespace too
        "<p>&#68;ana &#x57;u</p>",
        "<p>Dana&amp;#32;Wu</p>",  # escaped twice
        '<a href="/search?q=Dana%20Wu">x</a>',
        f'<a href="/x?q={quote("Dana Wu", safe="")}">x</a>',
        "<p>Dana\n   Wu</p>",
    ],
)
def test_escaped_leaks_in_html_are_found(tmp_path: Path, text: str) -> None:
    root = site(tmp_path, {"page.html": text})
    assert guard.scan_site(root, [DANA]) == [Leak("page.html", "referrals[0].prospect")]


def test_unicode_escaped_leaks_in_json_are_found(tmp_path: Path) -> None:
    name = Confidential("Carla Jiménez 🏍", "given[2].to", None)
    index = json.dumps({"docs": [{"text": "Carla Jiménez 🏍 and Dana Wu"}]}, ensure_ascii=True)
    assert "\\u00e9" in index and "\\ud83c" in index
    root = site(tmp_path, {"search/search_index.json": index.replace("Dana Wu", "\\u0044ana\\u0020Wu")})
    assert guard.scan_site(root, [name, DANA]) == [
        Leak("search/search_index.json", "given[2].to"),
        Leak("search/search_index.json", "referrals[0].prospect"),
    ]


def test_gzip_and_binary_files_are_read(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {
            "sitemap.xml.gz": gzip.compress(b"<loc>https://x/Dana%20Wu/</loc>"),
            "assets/image.png": b"\x89PNG\xff\xfe\x00SECRET-EMAIL-ANNE@example.com\x00\xff",
            "broken.gz": b"not gzip at all: Dana Wu",
        },
    )
    assert guard.scan_site(root, [DANA, EMAIL]) == [
        Leak("assets/image.png", "partners[0].email"),
        Leak("broken.gz", "referrals[0].prospect"),
        Leak("sitemap.xml.gz", "referrals[0].prospect"),
    ]


# JSON's simple escapes are lower-case only: "\\N", "\\R" and "\\T" (a Windows path in a note,
# or any image whose bytes hold them, such as a PNG logo) are no escapes, and stopped the guard
# with a KeyError, failing every build of such a site (review16).
@pytest.mark.parametrize(
    "text", ["<p>Saved in C:\\Temp\\New\\Reports, Dana Wu</p>", '{"text": "\\T \\N Dana Wu"}']
)
def test_a_backslash_before_a_capital_is_text_not_an_escape(tmp_path: Path, text: str) -> None:
    root = site(tmp_path, {"page.html": text, "logo.png": b"\x89PNG\r\n\x1a\n\\T\\N\\R\x00\xff"})
    assert guard.scan_site(root, [DANA]) == [Leak("page.html", "referrals[0].prospect")]


def test_matches_are_whole_words(tmp_path: Path) -> None:
    jo = Confidential("Jo", "given[0].to", None)
    root = site(tmp_path, {"a.html": "Join Jonas, Jo2 and xJo", "b.html": "Thanks, Jo."})
    assert guard.scan_site(root, [jo]) == [Leak("b.html", "given[0].to")]
    # Only an edge that is a letter or digit needs a boundary.
    note = Confidential("Great first meeting.", "referrals[0].updates[0].note", None)
    root = site(tmp_path / "notes", {"c.html": "<p>Great first meeting.Next</p>"})
    assert guard.scan_site(root, [note]) == [Leak("c.html", "referrals[0].updates[0].note")]


def test_a_value_at_home_for_one_of_its_fields_is_accounted_for(tmp_path: Path) -> None:
    given = Confidential("Dana Wu", "given[0].to", "p/other/")
    root = site(tmp_path, {"p/other/index.html": "Dana Wu", "index.html": "Dana Wu"})
    assert guard.scan_site(root, [DANA, given]) == [
        Leak("index.html", "given[0].to"),
        Leak("index.html", "referrals[0].prospect"),
    ]


def test_a_value_may_also_appear_on_the_owners_pages(tmp_path: Path) -> None:
    name = Confidential("Quinn Quiet", "partners[2].name", "p/quinn/", also=("p/owner/",))
    root = site(tmp_path, {f"p/{page}/index.html": "Quinn Quiet" for page in ("quinn", "owner", "anne")})
    assert guard.scan_site(root, [name]) == [Leak("p/anne/index.html", "partners[2].name")]


def test_files_copied_unchanged_from_the_theme_are_not_data(tmp_path: Path) -> None:
    theme = site(tmp_path / "theme", {"assets/lunr.js": "Oliver Nightingale", "main.js": "Oliver"})
    root = site(tmp_path, {"assets/lunr.js": "Oliver Nightingale", "main.js": "Oliver!"})
    oliver = Confidential("Oliver", "referrals[0].prospect", None)
    leaks = guard.scan_site(root, [oliver], verbatim_from=[theme])
    assert leaks == [Leak("main.js", "referrals[0].prospect")]


def test_guard_site_finds_a_private_address_in_the_sitemap(small: PartnersFile, tmp_path: Path) -> None:
    steve = home_of(small, "steve-hall")
    page = "<h1>Thank you, Steve Hall</h1><h3>SECRET&#45;PROSPECT&#45;DANA</h3><p>SECRET-GIVEN-NOTE</p>"
    root = site(
        tmp_path,
        {
            f"{steve}index.html": page,
            "sitemap.xml": f"<urlset><url><loc>https://x.example/{steve}</loc></url></urlset>",
            "index.html": "<h1>Test Partner News</h1><p>Thanks to Anne Ortiz and Steve Hall.</p>",
        },
    )
    assert guard.guard_site(root, small, LAYOUT) == [Leak("sitemap.xml", "partners[1].page")]


# --- end to end with mkdocs build -------------------------------------------------------------


def test_the_small_fixture_builds_clean_with_strict(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    assert "Leak guard: scanned" in result.stderr
    assert "no confidential data found" in result.stderr


# "content" is in every Material page ("Skip to content"), "2026" in every page of a post of that
# year: an id of one plain word or of digits only proves nothing when found (the digits failed
# the build, naming partners[N].id in every page; review16).
@pytest.mark.parametrize("bare", ["content", "2026"])
def test_a_hidden_partner_whose_id_is_a_plain_word_or_number_builds(project: SiteProject, bare: str) -> None:
    project.write_data(fixture_text("small.yaml").replace("quiet-quinn", bare))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    assert "no confidential data found" in result.stderr


def test_ids_without_a_letter_are_not_guarded_and_ids_with_one_are() -> None:
    # A referral numbered 2026, or "2026-10", is found as a post's year or month on every page
    # and failed the build; an id with no letter carries no name. "r-dana-wu" may (review16).
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: "2025", name: Hidden Harriet}
  - {id: hidden-hal, name: Hidden Hal}
referrals:
"""
    ids = ["2026", "2026-10", "2026/10", "r-dana-wu", "Dana-2026"]
    text += "".join(
        f'  - {{id: "{i}", partner: hidden-hal, prospect: P Q, introduced: 2026-10-02}}\n' for i in ids
    )
    fields = {
        item.field: item.value
        for item in guard.confidential_values(validate.load_text(text, "p.yaml", TODAY), LAYOUT)
    }
    assert "partners[0].id" not in fields and fields["partners[1].id"] == "hidden-hal"
    assert [fields.get(f"referrals[{n}].id") for n in range(len(ids))] == [
        None,
        None,
        None,
        "r-dana-wu",
        "Dana-2026",
    ]


def test_a_hidden_partners_hyphenated_id_is_still_guarded(small: PartnersFile) -> None:
    values = {item.field: item.value for item in guard.confidential_values(small, LAYOUT)}
    hidden = [p for p in small.partners if not p.public and "-" in p.id]
    assert hidden
    for partner in hidden:
        index = small.partners.index(partner)
        assert values.get(f"partners[{index}].id") == partner.id


def test_a_hand_written_page_quoting_a_prospect_fails_the_build(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    leak = "# Notes\n\nLunch with SECRET-PROSPECT-DANA.\n"
    (project.content / "leak.md").write_text(leak, encoding="utf-8")
    result = project.mkdocs_build()
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Leak guard: 1 confidential value out of place in 2 files:" in output
    assert "referrals[0].prospect in leak/index.html" in output
    # Runs after search wrote its index: the page's text is there too.
    assert "referrals[0].prospect in search/search_index.json" in output
    assert "SECRET-PROSPECT-DANA" not in output


def test_a_build_failing_the_guard_moves_the_site_out_of_the_deploy_folder(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.site / ".git").mkdir(parents=True)  # e.g. a gh-pages checkout: not MkDocs' output
    (project.site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (project.content / "leak.md").write_text("Lunch with SECRET-PROSPECT-DANA.\n", encoding="utf-8")
    result = project.mkdocs_build()
    assert result.returncode != 0
    quarantined = project.root / ".referral" / "quarantine" / "site"
    assert f"The built site was moved out of {project.site} to {quarantined}" in result.stderr
    assert sorted(path.name for path in project.site.iterdir()) == [".git"]
    assert (quarantined / "leak" / "index.html").is_file() and (quarantined / "sitemap.xml").is_file()
    # Fixed and built again: a normal site, and a second failure replaces the old quarantine.
    (project.content / "leak.md").write_text("Lunch.\n", encoding="utf-8")
    assert project.mkdocs_build().returncode == 0
    assert (project.site / "leak" / "index.html").is_file()
    (project.content / "leak.md").write_text("SECRET-PROSPECT-DANA again\n", encoding="utf-8")
    assert project.mkdocs_build().returncode != 0
    assert (quarantined / "leak" / "index.html").read_text(encoding="utf-8").count("again") >= 1


def test_a_hidden_entry_holding_a_leak_leaves_the_site_and_others_stay(tmp_path: Path) -> None:
    # MkDocs' own output is what does not start with a dot, but a leak in a hidden entry (a
    # plugin's .well-known/, a dot-file) must not stay to be published either; .git stays.
    from generator.quarantine import quarantine

    site_dir = site(tmp_path, {"index.html": "x", ".well-known/a.txt": "Dana Wu", ".git/HEAD": "ref"})
    moved = quarantine(site_dir, tmp_path / "state", "site", [".well-known/a.txt"])
    assert moved.problem == ""
    assert sorted(path.name for path in site_dir.iterdir()) == [".git"]
    assert sorted(path.name for path in moved.folder.iterdir()) == [".well-known", "index.html"]


@pytest.mark.parametrize("obstacle", ["a link to a folder of the user's", "a file", "a read-only folder"])
def test_a_site_that_cannot_be_quarantined_is_deleted_instead(project: SiteProject, obstacle: str) -> None:
    """Moving a leaking site away failed in a traceback, and the site stayed in site/ for a
    deploy step that runs anyway (review18)."""
    project.write_data(fixture_text("small.yaml"))
    (project.content / "leak.md").write_text("Lunch with SECRET-PROSPECT-DANA.\n", encoding="utf-8")
    quarantine = project.root / ".referral" / "quarantine"
    quarantine.mkdir(parents=True)
    mine = project.root / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("precious\n", encoding="utf-8")
    if obstacle == "a file":
        (quarantine / "site").write_text("precious\n", encoding="utf-8")
    elif obstacle != "a read-only folder":
        (quarantine / "site").symlink_to(mine)
    with unwritable(quarantine) if obstacle == "a read-only folder" else contextlib.nullcontext():
        result = project.mkdocs_build()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"The built site could not be moved to {quarantine / 'site'} (" in result.stderr
    assert f"it was deleted from {project.site} instead, so no deploy step publishes it" in result.stderr
    assert list(project.site.iterdir()) == []
    assert [path.name for path in mine.iterdir()] == ["keep.txt"]
    if obstacle == "a file":
        assert (quarantine / "site").read_text(encoding="utf-8") == "precious\n"


def test_a_build_that_stops_after_writing_part_of_the_site_fails_closed(project: SiteProject) -> None:
    # A page naming a template that does not exist stops MkDocs mid-build: the pages written
    # before it were never leak-guarded, so they must not stay where a deploy step looks.
    project.write_data(fixture_text("small.yaml"))
    (project.content / "aaa-notes.md").write_text("Lunch with SECRET-PROSPECT-DANA.\n", encoding="utf-8")
    (project.content / "zzz.md").write_text("---\ntemplate: no-such.html\n---\n# Z\n", encoding="utf-8")
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "no-such.html" in result.stderr
    quarantined = project.root / ".referral" / "quarantine" / "site"
    assert f"The built site was moved out of {project.site} to {quarantined}" in result.stderr
    assert list(project.site.iterdir()) == []
    assert (quarantined / "aaa-notes" / "index.html").is_file()
    # Bad data stops the build before MkDocs writes anything: the site is left as it was.
    (project.content / "zzz.md").unlink()
    (project.content / "aaa-notes.md").write_text("Lunch.\n", encoding="utf-8")
    assert project.mkdocs_build().returncode == 0
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    assert project.mkdocs_build().returncode != 0
    assert (project.site / "aaa-notes" / "index.html").is_file()


STOP_HOOK = """\
import signal
import textwrap

def on_post_page(output, page, config):
    # A real signal, as a CI step's timeout, a closed terminal or Ctrl-C sends it, once MkDocs
    # has written the pages before this one (the leak among them).
    if page.file.src_uri == "zzz.md":
        signal.raise_signal(signal.{name})
    return output
"""


def with_a_leak_and_a_hook(project: SiteProject, hook: str) -> str:
    """A project whose first page leaks a prospect and whose build runs ``hook`` (stop_hook.py)
    after writing it; the mkdocs.yml it had before the hook."""
    project.write_data(fixture_text("small.yaml"))
    (project.content / "aaa-notes.md").write_text("Lunch with SECRET-PROSPECT-DANA.\n", encoding="utf-8")
    (project.content / "zzz.md").write_text("# Z\n", encoding="utf-8")
    (project.root / "stop_hook.py").write_text(hook, encoding="utf-8")
    config = project.root / "mkdocs.yml"
    plain_config = config.read_text(encoding="utf-8")
    config.write_text(plain_config + "\nhooks:\n  - stop_hook.py\n", encoding="utf-8")
    return plain_config


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_build_stopped_by_a_signal_after_writing_part_of_the_site_fails_closed(
    project: SiteProject, stop: str
) -> None:
    # MkDocs calls no plugin for Ctrl-C, and SIGTERM or SIGHUP ended the build on the spot:
    # the pages written so far stayed in site/, never leak-guarded (review18).
    with_a_leak_and_a_hook(project, STOP_HOOK.format(name=stop))
    result = project.mkdocs_build()
    assert result.returncode == (1 if stop == "SIGINT" else -getattr(signal, stop))
    quarantined = project.root / ".referral" / "quarantine" / "site"
    assert "The build stopped before the leak guard could check the site." in result.stderr
    assert f"The built site was moved out of {project.site} to {quarantined}" in result.stderr
    assert list(project.site.iterdir()) == []
    assert (quarantined / "aaa-notes" / "index.html").is_file()


STOP_THE_COMMAND_HOOK = STOP_HOOK.replace(
    "signal.raise_signal(signal.{name})", "os.kill(os.getppid(), signal.{name})"
)


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_the_build_command_stopped_part_way_fails_closed(project: SiteProject, stop: str) -> None:
    """`python -m generator build` (what the Pages workflow runs) stopped while MkDocs writes:
    on Ctrl-C it killed MkDocs outright with half a site in site/ and printed a traceback; on
    SIGTERM it died and left MkDocs running alone. It now passes the signal on, and MkDocs'
    plugin moves what it wrote aside (review18)."""
    with_a_leak_and_a_hook(project, "import os\n" + STOP_THE_COMMAND_HOOK.format(name=stop))
    result = project.generator("build")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "The build stopped before the leak guard could check the site." in result.stderr
    assert "mkdocs build failed (exit " in result.stderr
    assert list(project.site.iterdir()) == []
    assert (project.root / ".referral" / "quarantine" / "site" / "aaa-notes" / "index.html").is_file()


def test_the_guard_command_fails_closed_too(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.site / "blog").mkdir(parents=True)
    (project.site / "blog" / "index.html").write_text("<p>SECRET-PROSPECT-DANA</p>", encoding="utf-8")
    result = project.generator("guard", "site")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "  - referrals[0].prospect in blog/index.html"
    quarantined = project.root / ".referral" / "quarantine" / "site"
    assert f"moved out of site to {quarantined}" in result.stdout
    assert not list(project.site.iterdir())
    assert (quarantined / "blog" / "index.html").is_file()


def sitemap_locs(project: SiteProject) -> list[str]:
    text = project.read_site("sitemap.xml")
    with gzip.open(project.site / "sitemap.xml.gz", "rt", encoding="utf-8") as stream:
        assert stream.read() == text
    return [line.strip() for line in text.splitlines() if "<loc>" in line]


def test_the_sitemap_recognises_the_generators_private_folder() -> None:
    template = (Path(__file__).parent.parent / "overrides" / "sitemap.xml").read_text(encoding="utf-8")
    assert f'{{%- set private_dir = "{LAYOUT.private_dir}/" -%}}' in template


def test_a_dirty_build_keeps_private_pages_out_of_the_sitemap(project: SiteProject) -> None:
    """``--dirty`` leaves pages it does not re-read without metadata: the sitemap must still
    recognise private pages (by their folder), and the build must pass the guard."""
    text = fixture_text("small.yaml")
    project.write_data(text)
    assert project.mkdocs_build().returncode == 0
    project.write_data(text.replace("SECRET-NOTE-DANA-WON", "SECRET-NOTE-DANA-WON-AGAIN"))
    result = project.mkdocs_build("--dirty")
    assert result.returncode == 0, result.stderr
    assert "no confidential data found" in result.stderr
    locs = sitemap_locs(project)
    assert locs and not [loc for loc in locs if "/p/" in loc]


# --- forms a page may give a value (issue 13, items 15 and 16) ----------------------------------

CANARY = Confidential("Canary Prospect 1", "referrals[0].prospect", "p/token/")


@pytest.mark.parametrize(
    "text",
    [
        '<h2 id="canary-prospect-1">Introduced</h2>',  # Python-Markdown's heading id
        '<a href="#canary-prospect-1">¶</a>',
        "<p>CANARY PROSPECT 1</p>",
        "<p>Canary <strong>Pro</strong>spect 1</p>",  # split by a tag
        "<p>Canary Pros<!-- x -->pect 1</p>",  # split by a comment
        "<td>Canary Prospect</td><td>1</td>",  # cells read as words
        "<p>Canary Pros\u00adpect\u200b 1</p>",  # soft hyphen, zero-width space
        "<p>xCanary Prospect 1y</p>",  # a long value touching letters
        "<p>山田Canary Prospect 1です</p>",  # touching CJK text
        "<p>Canary&amp;amp;amp;#32;Prospect 1</p>",  # escaped four times
        "<p>Canary%25252520Prospect 1</p>",  # URL-escaped four times
    ],
)
def test_other_forms_of_a_value_are_found(tmp_path: Path, text: str) -> None:
    root = site(tmp_path, {"page.html": text})
    assert guard.scan_site(root, [CANARY]) == [Leak("page.html", "referrals[0].prospect")]


@pytest.mark.parametrize(("data_form", "page_form"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_a_value_is_found_whichever_unicode_normalisation_each_side_uses(
    tmp_path: Path, data_form: Literal["NFC", "NFD"], page_form: Literal["NFC", "NFD"]
) -> None:
    # An editor on one system writes "José Núñez" with combining accents, a hand-written post
    # on another with precomposed letters: a reader sees the same name.
    name = Confidential(unicodedata.normalize(data_form, "José Núñez"), "referrals[0].prospect", "p/token/")
    page = f"<p>We met {unicodedata.normalize(page_form, 'José Núñez')} today.</p>"
    root = site(tmp_path, {"blog/post/index.html": page})
    assert guard.scan_site(root, [name]) == [Leak("blog/post/index.html", "referrals[0].prospect")]


def test_a_name_cut_to_a_tree_label_is_found(tmp_path: Path) -> None:
    name = Confidential("Bartholomew Featherstonehaugh", "partners[2].name", "p/token/")
    label = '<svg><text x="1">Bartholomew Feather…</text></svg>'
    root = site(tmp_path, {"tree/index.html": label})
    assert guard.scan_site(root, [name]) == [Leak("tree/index.html", "partners[2].name")]
    note = Confidential("Bartholomew Featherstonehaugh", "referrals[0].updates[0].note", None)
    assert guard.scan_site(root, [note]) == []  # notes are never drawn as labels
    # One character over the label's length (MAX_LABEL, 20) is already cut.
    name = Confidential("Bartholomew Featherst", "partners[2].name", "p/token/")
    label = '<svg><text x="1">Bartholomew Feather…</text></svg>'
    root = site(tmp_path / "one-over", {"tree/index.html": label})
    assert guard.scan_site(root, [name]) == [Leak("tree/index.html", "partners[2].name")]


def test_short_values_still_need_word_edges_except_beside_cjk(tmp_path: Path) -> None:
    anne = Confidential("Anne", "given[0].to", None)
    root = site(tmp_path, {"a.html": "Annex, planned, ANNEX", "b.html": "<p>山田Anneです</p>"})
    assert guard.scan_site(root, [anne]) == [Leak("b.html", "given[0].to")]


def test_a_pages_own_note_quoting_another_partners_stock_note_is_not_a_leak(tmp_path: Path) -> None:
    stock = Confidential("Took a test ride.", "referrals[1].updates[0].note", "p/bob/")
    own = Confidential("Took a test ride. Loved it.", "referrals[0].updates[0].note", "p/ann/")
    root = site(
        tmp_path,
        {
            "p/ann/index.html": "<p>Took a test ride. Loved it.</p>",
            "p/cid/index.html": "<p>Took a test ride. Loved it.</p>",
            "p/dan/index.html": "<p>Took a test ride. Loved it.</p><p>Took a test ride.</p>",
        },
    )
    assert guard.scan_site(root, [stock, own]) == [
        Leak("p/cid/index.html", "referrals[0].updates[0].note"),
        Leak("p/cid/index.html", "referrals[1].updates[0].note"),
        Leak("p/dan/index.html", "referrals[0].updates[0].note"),
        Leak("p/dan/index.html", "referrals[1].updates[0].note"),
    ]


def test_hidden_files_are_read_too(tmp_path: Path) -> None:
    # A hidden file in the site (.well-known/, a dot-file a plugin copied) is published as well.
    root = site(tmp_path, {".notes.html": "Dana Wu", ".well-known/x.txt": "Dana Wu"})
    assert guard.scan_site(root, [DANA]) == [
        Leak(".notes.html", "referrals[0].prospect"),
        Leak(".well-known/x.txt", "referrals[0].prospect"),
    ]


def test_a_file_the_size_of_a_theme_file_but_not_its_copy_is_read(tmp_path: Path) -> None:
    theme = site(tmp_path / "theme", {"main.js": "var x = 'Oliver Twis';"})
    root = site(tmp_path, {"main.js": "var x = 'Dana Wu xyz';"})
    assert (theme / "main.js").stat().st_size == (root / "main.js").stat().st_size
    assert guard.scan_site(root, [DANA], verbatim_from=[theme]) == [Leak("main.js", "referrals[0].prospect")]


def test_a_value_reaching_one_character_past_a_value_at_home_is_a_leak(tmp_path: Path) -> None:
    # Inside the page's own note it is accounted for; one character beyond it, it is not.
    own = Confidential("Took a test ride", "referrals[0].updates[0].note", "p/ann/")
    other = Confidential("a test ride!", "referrals[1].updates[0].note", "p/bob/")
    root = site(tmp_path, {"p/ann/index.html": "<p>Took a test ride!</p>"})
    assert guard.scan_site(root, [own, other]) == [Leak("p/ann/index.html", "referrals[1].updates[0].note")]


def test_a_value_of_word_bounded_length_is_found_touching_a_letter(tmp_path: Path) -> None:
    # From leak_match.WORD_BOUNDED characters on, a value needs no word edge ("xDana Wu-Leesy").
    value = Confidential("Dana Wu-Lees", "referrals[0].prospect", None)
    assert len(value.value) == 12
    root = site(tmp_path, {"a.html": "<p>xDana Wu-Leesy</p>"})
    assert guard.scan_site(root, [value]) == [Leak("a.html", "referrals[0].prospect")]


def test_a_long_value_is_found_after_many_near_misses(tmp_path: Path) -> None:
    # Past leak_match.CHECK_BUDGET openings without the whole value, it is looked for by str.find.
    note = "Took a test ride on the new touring model and talked about financing at length"
    value = Confidential(note, "referrals[0].updates[0].note", "p/a/")
    misses = " ".join([note[:60] + " no"] * 100)
    root = site(tmp_path, {"index.html": f"<p>{misses} {note}</p>"})
    assert guard.scan_site(root, [value]) == [Leak("index.html", "referrals[0].updates[0].note")]


def test_a_long_repetitive_value_is_found_in_linear_time(tmp_path: Path) -> None:
    """pyahocorasick walks the failure chain at every character: a 100,000-character "ha ha …"
    key made one page take 10 s. Counted in work, not timed: the automaton's keys stay short."""
    note = " ".join(["ha"] * 33_000)
    value = Confidential(note, "referrals[0].updates[0].note", "p/a/")
    root = site(
        tmp_path,
        {"p/a/index.html": f"<p>{note}</p>", "index.html": f"<p>{note}</p>", "b.html": note[:-1] + "x"},
    )
    matcher = guard.matcher_for([value])
    assert matcher.longest_key() <= 48
    assert guard.scan_site(root, [value]) == [Leak("index.html", "referrals[0].updates[0].note")]


def test_many_long_notes_sharing_their_opening_are_told_apart(tmp_path: Path) -> None:
    """Stock notes share their first words by the thousand; each is still found exactly."""
    opening = "Took a test ride on the new touring model and talked about financing with "
    notes = [
        Confidential(f"{opening}prospect number {i} at length", f"referrals[{i}].updates[0].note", f"p/{i}/")
        for i in range(300)
    ]
    files: dict[str, str | bytes] = {
        f"p/{i}/index.html": f"<p>{note.value}</p>" for i, note in enumerate(notes)
    }
    files["index.html"] = f"<p>{notes[7].value}</p><p>{opening}someone else</p>"
    root = site(tmp_path, files)
    assert guard.scan_site(root, notes) == [Leak("index.html", "referrals[7].updates[0].note")]


# --- words every site prints are no leak (review27) ------------------------------------------

# Material prints "Skip to content", "Archive" and "Categories" on every page, mkdocs.yml's palette
# toggle "Switch to dark mode" and colours ("indigo", "deep orange" in attributes), every post
# links its calendar files under events/, the product's
# stylesheet says "the menu a phone opens" in a comment, March's issue is headed "March 2026" and
# lists the spring ride of "10 April 2026". Hidden partners' companies and notes reading so failed
# every build (review16 saw it). A partner page's progress line says "(done)" and "(to come)" to
# screen readers (review28).
PRINTED_ANYWAY = [
    "Events",
    "Skip to content",
    "Archive",
    "Categories",
    "Dark",
    "Menu",
    "Indigo",
    "Orange",
    "Done",
    "To come",
]


def test_words_every_site_prints_are_no_leak(project: SiteProject) -> None:
    hidden = "".join(
        f"  - {{id: hidden-{n}, name: SECRET-HIDDEN-{n}, company: {word}}}\n"
        for n, word in enumerate(PRINTED_ANYWAY)
    )
    text = fixture_text("small.yaml").replace("referrals:\n", hidden + "\nreferrals:\n", 1)
    text = text.replace("SECRET-NOTE-DANA-WON", "10 April 2026")  # the spring ride's date
    project.write_data(text.replace("SECRET-NOTE-DANA-MET", "March 2026"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    assert "no confidential data found" in result.stderr
    # The words are printed there indeed: the test would pass for nothing otherwise.
    post = project.read_site("blog/2026/03/newsletter-2026-03/index.html")
    for printed in [
        'data-md-color-primary="indigo"',
        'data-md-color-accent="deep-orange"',
        "10 April 2026",
        "Skip to content",
        "Archive",
        "Categories",
        "Switch to dark mode",
        "events/",
        "March 2026",
    ]:
        assert printed in post
    assert "The menu a phone opens" in project.read_site("stylesheets/extra.css")


def test_theme_words_and_issue_headings_are_public_but_other_values_are_not() -> None:
    words = ["Archive", "Events", "Menu"]
    hidden = "".join(f"  - {{id: h-{n}, name: Hidden H{n}, company: {w}}}\n" for n, w in enumerate(words))
    text = fixture_text("small.yaml").replace(
        "referrals:\n", hidden + "  - {id: h-x, name: Hidden X, company: Archivist Co}\nreferrals:\n", 1
    )
    data = load(text.replace("SECRET-NOTE-DANA-MET", "March 2026"))
    public = links.site_public_text(REPO / "mkdocs.yml")
    values = {item.field: item.value for item in guard.confidential_values(data, LAYOUT, public_text=public)}
    assert "partners[3].company" not in values  # "Archive": Material's
    assert "partners[4].company" not in values  # "Events": the calendar files' folder
    assert values["partners[5].company"] == "Menu"  # said only in a stylesheet's comment: still guarded
    assert values["partners[6].company"] == "Archivist Co"
    assert "referrals[0].updates[0].note" not in values  # March's issue heading


def test_a_stylesheet_is_read_without_its_comments_but_with_its_printed_text(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {
            "a.css": "/* Lunch with Dana Wu */ .x { color: red }",
            "b.css": '.x::after { content: "Dana Wu" }',
            "c.css.gz": gzip.compress(b'.x::after { content: "Da/* */na Wu" }'),
        },
    )
    assert guard.scan_site(root, [DANA]) == [
        Leak("b.css", "referrals[0].prospect"),
        Leak("c.css.gz", "referrals[0].prospect"),
    ]


KILL_HOOK = STOP_HOOK.format(name="SIGKILL").replace("signal.raise_signal(", "os.kill(os.getpid(), ")


@pytest.mark.parametrize("next_build", ["python -m generator build", "mkdocs build"])
def test_a_site_a_killed_build_left_unchecked_is_moved_aside_by_the_next_build(
    project: SiteProject, next_build: str
) -> None:
    # SIGKILL (an out-of-memory kill, a runner's hard timeout) cannot be caught: the pages written
    # so far stayed in site/, leak and all, and a next build stopped by bad data (before MkDocs
    # writes anything) left them there for a deploy step, without a word (review18 saw it).
    plain_config = with_a_leak_and_a_hook(project, "import os\n" + KILL_HOOK)
    config = project.root / "mkdocs.yml"
    assert project.mkdocs_build().returncode == -signal.SIGKILL
    assert (project.site / "aaa-notes" / "index.html").is_file()  # unchecked, the leak in it
    config.write_text(plain_config, encoding="utf-8")
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    result = project.generator("build") if next_build.startswith("python") else project.mkdocs_build()
    assert result.returncode != 0 and "'mett'" in result.stderr  # the bad data, as before
    quarantined = project.root / ".referral" / "quarantine" / "site"
    assert (
        f"the last build into {project.site} ended before the leak guard checked what it wrote"
        in " ".join(result.stderr.split())
    )
    assert list(project.site.iterdir()) == []
    assert (quarantined / "aaa-notes" / "index.html").is_file()
    # Said once: a finished build leaves nothing to move, and the next one says nothing.
    project.write_data(fixture_text("small.yaml"))
    (project.content / "aaa-notes.md").write_text("Lunch.\n", encoding="utf-8")
    for _ in range(2):
        result = project.mkdocs_build("--strict")
        assert result.returncode == 0, result.stderr
        assert "ended before the leak guard" not in result.stderr


def test_the_unchecked_site_note_names_only_a_folder_with_something_in_it(tmp_path: Path) -> None:
    from generator import unchecked_site

    state, site_dir = tmp_path / ".referral", tmp_path / "site"
    unchecked_site.note_unchecked(state, site_dir)
    assert unchecked_site.left_unchecked(state) is None  # nothing written yet
    assert unchecked_site.move_aside(state) is None and not (state / unchecked_site.NOTE).exists()
    unchecked_site.note_unchecked(state, site_dir)
    (site_dir / "blog").mkdir(parents=True)
    (site_dir / ".git").mkdir()  # a gh-pages checkout's: not MkDocs' output, it stays
    assert unchecked_site.left_unchecked(state) == site_dir.resolve()
    said = unchecked_site.move_aside(state)
    assert said is not None and "ended before the leak guard checked what it wrote" in said
    assert sorted(path.name for path in site_dir.iterdir()) == [".git"]
    assert (state / "quarantine" / "site" / "blog").is_dir()
    unchecked_site.checked(state)  # nothing noted: nothing to do
    (state / unchecked_site.NOTE).write_text("site\n", encoding="utf-8")  # not written by a build
    assert unchecked_site.left_unchecked(state) is None


def test_a_wide_name_cut_to_a_tree_label_is_found(tmp_path: Path) -> None:
    # Chinese, Japanese and Korean characters are cut by the room they take, about two Latin
    # letters each: the tree shows nine of these sixteen, and the guard looks for those nine.
    name = Confidential("李小龙北京贸易有限公司国际部经理", "partners[2].name", "p/token/")
    root = site(tmp_path, {"tree/index.html": '<svg><text x="1">李小龙北京贸易有限…</text></svg>'})
    assert guard.scan_site(root, [name]) == [Leak("tree/index.html", "partners[2].name")]
