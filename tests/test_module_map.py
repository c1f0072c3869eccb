"""README's module map (under "How it fits together") names every module of the generator."""

from __future__ import annotations

import re

from conftest import REPO

MAP = re.compile(r"<!-- module-map -->\n(.*?)<!-- /module-map -->", re.DOTALL)


def test_the_readme_map_names_every_module_and_no_other() -> None:
    found = MAP.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no module map"
    named = re.findall(r"`((?:mail/)?\w+\.py)`", found.group(1))
    package = REPO / "generator"
    modules = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    }
    assert sorted(named) == sorted(set(named)), "a module is named twice"
    assert set(named) == modules
