"""Upgrading does no harm: a project built by an earlier version of the generator, then built by
this one, loses no page of the owner's and keeps no private page of the earlier version's at an
address nothing links to any more."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import SiteProject, fixture_text

from generator.generated_files import GENERATED_MARK
from generator.host_files import GENERATED_COMMENT
from generator.mail.log import read_states

# Quinn leaves the programme: their partner record and their one referral go.
QUINN = "  - id: quiet-quinn\n    name: SECRET-PARTNER-QUINN\n    company: SECRET-COMPANY-QUINN\n"
QUINN += "    referred_by: steve-hall\n    spotlight: SECRET-SPOTLIGHT-QUINN\n\n"
QUINNS_REFERRAL = "  - id: r-003\n    partner: quiet-quinn\n    prospect: SECRET-PROSPECT-FAY\n"
QUINNS_REFERRAL += "    introduced: 2026-03-15\n    method: name\n\n"


def _as_left_before_the_mark(project: SiteProject) -> None:
    """Put the project's state as versions before 81937a3 (e.g. 5b2b5c5, 2026-11-26) left it:
    pages with no ``generated_by`` mark, other files with no mark comment, and a manifest of
    ``version`` and ``files`` only (``docs_dir`` came with cbde905). Checked against a real
    build by 5b2b5c5 followed by one of today's: the same page was left behind."""
    manifest = project.root / ".referral" / "manifest.json"
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    for relative in files:
        path = project.content / relative
        text = path.read_text(encoding="utf-8").replace(GENERATED_MARK.decode(), "---\n", 1)
        path.write_text(text.replace(GENERATED_COMMENT, "", 1), encoding="utf-8")
    legacy = {"version": 1, "files": files}
    manifest.write_text(json.dumps(legacy, indent=1) + "\n", encoding="utf-8")
    for record in ("render-stamp.json", "render-memo.json", "build-facts.json"):
        (project.root / ".referral" / record).unlink(missing_ok=True)


def _private_pages(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if re.fullmatch(r"[a-z2-7]{26}(\.md)?", path.name)}


def test_a_partner_removed_after_upgrading_loses_the_page_an_earlier_version_wrote(
    project: SiteProject,
) -> None:
    """A partner removed from the data loses their page (README), also when that page was
    written by a version that did not mark its pages yet. It was left behind as 'not generated'
    and published at its old address with their prospects, the build passing: the guard no longer
    knows a removed partner's values."""
    text = fixture_text("small.yaml")
    project.write_data(text)
    assert project.mkdocs_build("--strict").returncode == 0
    before = _private_pages(project.content / "p")
    _as_left_before_the_mark(project)
    project.write_data(text.replace(QUINN, "").replace(QUINNS_REFERRAL, ""))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    after = _private_pages(project.content / "p")
    assert len(before - after) == 1 and not after - before  # exactly Quinn's page is gone
    assert _private_pages(project.site / "p") == {name.removesuffix(".md") for name in after}
    assert "SECRET-PROSPECT-FAY" not in "".join(p.read_text("utf-8") for p in project.site.rglob("*.html"))
    assert "left alone" not in result.stderr


def test_a_new_address_after_upgrading_removes_the_page_at_the_old_one(project: SiteProject) -> None:
    """Raising a partner's epoch (to revoke a leaked link) right after upgrading: the page an
    earlier, unmarking version wrote at the old address goes. It was left, and the build failed
    on the guard's 'confidential values where they do not belong' with no way out but deleting
    the page by hand."""
    text = fixture_text("small.yaml")
    project.write_data(text)
    assert project.mkdocs_build("--strict").returncode == 0
    before = _private_pages(project.content / "p")
    _as_left_before_the_mark(project)
    project.write_data(text.replace("  - id: steve-hall\n", "  - id: steve-hall\n    epoch: 1\n"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    after = _private_pages(project.content / "p")
    assert len(before - after) == 1 and len(after - before) == 1


# Lines of a send log as 5b2b5c5 (2026-11-26) wrote it, before records had a key: Steve's
# message went out; Dana's was cut off mid-handover; Anne's was refused by the server.
LOG_BEFORE_KEYS = """\
{"event": "sending", "message_id": "<l44qetwzjmba4wkxn22pz5hamj.2026-11@partners.example.com>", "partner": "steve-hall", "at": "2026-12-04T22:52:09+00:00"}
{"event": "delivered", "message_id": "<l44qetwzjmba4wkxn22pz5hamj.2026-11@partners.example.com>", "partner": "steve-hall", "at": "2026-12-04T22:52:09+00:00"}
{"event": "sending", "message_id": "<hct63gvajrlx4ifo43inm4si6b.2026-11@partners.example.com>", "partner": "dana-wu", "at": "2026-12-04T22:52:09+00:00"}
{"event": "sending", "message_id": "<a3fd7ye2tq5uyyhq7dmo4ihkbq.2026-11@partners.example.com>", "partner": "anne-ortiz", "at": "2026-12-04T22:52:10+00:00"}
{"event": "failed", "message_id": "<a3fd7ye2tq5uyyhq7dmo4ihkbq.2026-11@partners.example.com>", "partner": "anne-ortiz", "at": "2026-12-04T22:52:10+00:00", "detail": "550 5.1.1 Mailbox unavailable"}
"""


def test_a_send_log_from_before_keys_still_tells_who_has_the_month(tmp_path: Path) -> None:
    """A month partly sent by an earlier version is finished by this one: the old records are
    read by partner and month (from the Message-ID), so nobody gets it twice and the refused
    are retried. Checked end to end too: 5b2b5c5 sent 10 of 15 (5 refused, 1 cut off), today's
    run sent the 5 refused, once each."""
    log = tmp_path / "mail-log.jsonl"
    log.write_text(LOG_BEFORE_KEYS, encoding="utf-8")
    assert read_states(log) == {
        "steve-hall/2026-11": "delivered",
        "dana-wu/2026-11": "sending",
        "anne-ortiz/2026-11": "failed",
    }


def _mail_preview(project: SiteProject) -> tuple[int, dict[str, bytes]]:
    result = project.generator("mail", "--month", "2026-03", REFERRAL_MAIL_FROM="Olive <olive@owner.example>")
    folder = project.root / "mail-out" / "2026-03"
    return result.returncode, {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_mail_review_step_takes_over_the_messages_an_earlier_version_wrote(project: SiteProject) -> None:
    """Versions before b9ceb8d (5b2b5c5 and earlier) wrote a month's .eml files with no
    manifest. After upgrading, ``mail --month`` refused each as 'not created by the generator'
    (checked with a real 5b2b5c5 preview): the review step before sending stopped until the
    folder was removed by hand. Its own messages are recognised by their Message-ID; a file of
    the owner's is still never touched."""
    project.write_data(fixture_text("small.yaml"))
    code, fresh = _mail_preview(project)
    assert code == 0 and {"anne-ortiz.eml", "steve-hall.eml"} <= fresh.keys()
    folder = project.root / "mail-out" / "2026-03"
    (folder / ".written.json").unlink()  # as 5b2b5c5 left the folder: no manifest...
    for name in ("anne-ortiz.eml", "steve-hall.eml"):  # ...and its own wording and Date
        (folder / name).write_bytes(
            fresh[name].replace(b"Date: ", b"Date: Thu, 26 Nov 2026 05:00:00 +0000\r\nX-Old: ", 1)
        )
    old_id = b"Message-ID: <" + b"a" * 26 + b".2026-03@partners.example.com>"
    (folder / "gone-partner.eml").write_bytes(b"From: Olive\r\n" + old_id + b"\r\n\r\nSECRET-OLD\r\n")
    (folder / "my-own.eml").write_bytes(b"From: me\r\nSubject: draft\r\n\r\nmine\r\n")
    code, after = _mail_preview(project)
    assert code == 0
    assert {name: after[name] for name in fresh if name != ".written.json"} == {
        name: data for name, data in fresh.items() if name != ".written.json"
    }
    assert "gone-partner.eml" not in after  # a partner removed since: their old message goes
    assert after["my-own.eml"] == b"From: me\r\nSubject: draft\r\n\r\nmine\r\n"
