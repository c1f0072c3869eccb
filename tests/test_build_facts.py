"""A build in which nothing changed shows the newsletter's settings and the due referrals from
the last build's record, without loading the data in MkDocs' process; any change loads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TODAY, SiteProject, fixture_text

from generator import build_facts, validate
from generator.build_facts import BuildFacts

# Counts, in MkDocs' own process, how often the generator loaded the data file.
LOAD_COUNTER = """\
import generator.project as pipeline

loads = []
_load = pipeline.load

def counted(*args, **kwargs):
    loads.append(1)
    return _load(*args, **kwargs)

pipeline.load = counted

def on_post_build(config):
    print(f"data loaded in the build's process: {len(loads)}")
"""


def with_load_counter(project: SiteProject) -> None:
    (project.root / "count_loads.py").write_text(LOAD_COUNTER, encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - count_loads.py\n", encoding="utf-8")


def due_lines(output: str) -> list[str]:
    return [line.split("INFO", 1)[-1] for line in output.splitlines() if "due an update" in line]


@pytest.fixture
def facts_project(project: SiteProject) -> SiteProject:
    # The owner's address makes every post carry a feed author; business and logo, the header.
    project.write_data(
        fixture_text("small.yaml").replace("newsletter:\n", "newsletter:\n  email: owner@example.com\n", 1)
    )
    with_load_counter(project)
    return project


def test_a_build_with_nothing_changed_shows_the_same_without_loading_the_data(
    facts_project: SiteProject,
) -> None:
    project = facts_project
    first = project.mkdocs_build("--strict")
    assert first.returncode == 0, first.stderr
    assert "data loaded in the build's process: 1" in first.stdout
    built = project.site_bytes()

    again = project.mkdocs_build("--strict")
    assert again.returncode == 0, again.stderr
    assert "nothing changed since the last run: not rendered" in again.stderr
    assert "data loaded in the build's process: 0" in again.stdout
    assert due_lines(again.stderr) == due_lines(first.stderr) and due_lines(first.stderr)
    assert project.site_bytes() == built  # header, feed title and feed authors as before

    data = (project.root / "partners.yaml").read_text(encoding="utf-8")
    project.write_data(data.replace("title: Test Partner News", "title: Test Partner Letters", 1))
    changed = project.mkdocs_build("--strict")
    assert changed.returncode == 0, changed.stderr
    assert "data loaded in the build's process: 1" in changed.stdout
    assert "<title>Test Partner Letters</title>" in project.read_site("feed_rss_created.xml")


def test_the_record_holds_settings_and_ids_only_and_only_for_its_inputs(facts_project: SiteProject) -> None:
    project = facts_project
    assert project.mkdocs_build("--strict").returncode == 0
    record = project.root / ".referral" / "build-facts.json"
    text = record.read_text(encoding="utf-8")
    data = validate.load_partners(project.root / "partners.yaml", TODAY)
    confidential = [r.prospect for r in data.referrals] + [p.email for p in data.partners if p.email]
    confidential += [p.name for p in data.partners] + [
        u.note for r in data.referrals for u in r.updates if u.note
    ]
    assert not [value for value in confidential if value in text]
    inputs = json.loads(text)["inputs"]
    recorded = build_facts.read_record(record, inputs)
    assert recorded is not None and recorded.newsletter == data.newsletter
    assert recorded.due_count == len(recorded.due_shown) > 0
    assert build_facts.read_record(record, "other inputs") is None
    record.write_text(text.replace('"due_count": ', '"due_count": "'), encoding="utf-8")
    assert build_facts.read_record(record, inputs) is None


def test_a_record_reads_back_as_written(tmp_path: Path) -> None:
    data = validate.load_text(fixture_text("small.yaml"), "partners.yaml", TODAY)
    facts = build_facts.facts_of(data, TODAY)
    build_facts.write_record(tmp_path / "facts.json", "digest", facts)
    assert build_facts.read_record(tmp_path / "facts.json", "digest") == facts
    assert build_facts.read_record(tmp_path / "facts.json", "") is None
    assert build_facts.read_record(tmp_path / "missing.json", "digest") is None
    assert isinstance(facts, BuildFacts)
