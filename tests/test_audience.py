"""Privacy by construction: the README's privacy table is the model's audience declarations."""

from __future__ import annotations

import re
from pathlib import Path

from generator.audience import privacy_table
from generator.models import PartnersFile

README = Path(__file__).resolve().parent.parent / "README.md"
_TABLE = re.compile(r"<!-- privacy-table:[^>]*-->\n(.*?)<!-- /privacy-table -->", re.DOTALL)


def test_the_readmes_privacy_table_is_generated_from_the_model() -> None:
    found = _TABLE.search(README.read_text(encoding="utf-8"))
    assert found, "README.md lost its <!-- privacy-table --> markers"
    expected = privacy_table(PartnersFile)
    assert found.group(1) == expected, f"README's privacy table is stale; replace it with:\n{expected}"


def test_the_table_names_every_declared_field_once() -> None:
    table = privacy_table(PartnersFile)
    assert table.count("`partners[].email`") == 1
    assert "`partners[].profession`" in table.split("**Public only with consent**")[1].split("\n")[0]
