"""DESIGN.md's data contract read clause by clause, black-box: a project made as a user makes one
(the repo's mkdocs.yml, content/ and overrides/ copied, partners.yaml written by hand), driven
only through ``python -m generator check|generate`` and ``mkdocs build``, its pages read for what
DESIGN promises. Clauses another test already proves are not repeated here."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SiteProject, make_project

# A program that has had news: a post for each of two months, an event with its calendar file.
WITH_NEWS = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
partners:
  - id: anne-ortiz
    name: Anne Ortiz
    public: true
referrals:
  - id: r-1
    partner: anne-ortiz
    prospect: Dana Wu
    introduced: 2026-09-03
    updates:
      - date: 2026-10-10
        stage: won
events:
  - date: 2027-01-15
    title: Winter partner breakfast
"""

# The same program started over: no referral, no event, and Anne gone.
STARTED_OVER = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
partners:
  - id: bob-lee
    name: Bob Lee
"""


def generated(project: SiteProject) -> list[str]:
    """Every file below content/ but the two the repo ships (the blog's index and welcome post)."""
    shipped = {"blog/index.md", "blog/posts/welcome.md"}
    files = (path.relative_to(project.content).as_posix() for path in project.content.rglob("*"))
    return sorted(path for path in files if (project.content / path).is_file() and path not in shipped)


def copied_without_state(tmp_path: Path, data: str) -> SiteProject:
    """A project whose content/ was copied from one generated from ``data``, without the hidden
    .referral/ folder (``cp -r *``, a zip of the visible files, a fresh clone of a repo that
    committed content/): the generator's record of what it wrote is lost, its pages are not."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = make_project(tmp_path / "first")
    first.write_data(data)
    result = first.generator("generate")
    assert result.returncode == 0, result.stderr
    second = make_project(tmp_path / "second")
    shutil.rmtree(second.content)
    shutil.copytree(first.content, second.content)
    return second


def test_without_its_record_a_run_still_removes_its_stale_posts_and_calendar_files(tmp_path: Path) -> None:
    """DESIGN, Shape: the generator "removes its own stale files": a month with news no longer in
    the data loses its post, a deleted event its calendar file, even when this run writes no post
    and no event at all (so it has no reason of its own to look in those folders)."""
    project = copied_without_state(tmp_path, WITH_NEWS)
    assert [path for path in generated(project) if path.startswith(("blog/posts/", "events/"))]
    project.write_data(STARTED_OVER)
    result = project.generator("generate")
    assert result.returncode == 0, result.stderr
    left = generated(project)
    assert not [path for path in left if path.startswith(("blog/posts/", "events/"))], left
    assert not [path for path in left if "Anne Ortiz" in (project.content / path).read_text(encoding="utf-8")]
