"""The JSON Schema for editors, its committed copy, and the pre-commit hook definitions."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, REPO

from generator import cli, field_types, models, validate
from generator.problems import InvalidData
from generator.schema import SCHEMA_PATH, partners_schema, render_schema

REGENERATE = "python -m generator schema --write"


def _iso_dates(value: Any) -> Any:
    """What the YAML language server sees: PyYAML's dates back to YYYY-MM-DD text."""
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _load(path: Path) -> Any:
    """The file as plain data, the way a YAML-aware editor reads it (PyYAML's safe rules)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _iso_dates(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = partners_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@functools.cache
def _strict_validator() -> jsonschema.protocols.Validator:
    """Every format asserted, as the YAML language server does for date, time and email."""
    schema = partners_schema()
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every property at every level (top level and in $defs), with a dotted name."""
    found = [(name, node) for name, node in schema["properties"].items()]
    for model_name, definition in schema["$defs"].items():
        found += [(f"{model_name}.{name}", node) for name, node in definition.get("properties", {}).items()]
    return found


# -- the committed file ------------------------------------------------------------------------


def test_committed_schema_is_up_to_date() -> None:
    committed = REPO / SCHEMA_PATH
    assert committed.is_file(), f"{SCHEMA_PATH} is missing; run `{REGENERATE}` at the repo root"
    assert committed.read_text(encoding="utf-8") == render_schema(), (
        f"{SCHEMA_PATH} is stale (generator/models.py changed); run `{REGENERATE}` at the repo root "
        "and commit the result"
    )


def test_render_is_deterministic_and_json() -> None:
    assert render_schema() == render_schema()
    assert json.loads(render_schema()) == partners_schema()


def test_data_file_points_editors_at_the_schema() -> None:
    first_line = (REPO / "partners.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=./{SCHEMA_PATH}"
    assert (REPO / "partners.yaml").parent.joinpath(SCHEMA_PATH).is_file()


def test_schema_command_prints_and_writes_only_on_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == render_schema()
    assert not (tmp_path / SCHEMA_PATH).exists()
    assert cli.main(["schema", "--write"]) == 0
    target = tmp_path / SCHEMA_PATH
    assert target.read_text(encoding="utf-8") == render_schema()
    capsys.readouterr()
    before = target.stat().st_mtime_ns
    assert cli.main(["schema", "--write"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert target.stat().st_mtime_ns == before
    target.write_text("{}\n", encoding="utf-8")
    assert cli.main(["schema", "--write"]) == 0
    assert target.read_text(encoding="utf-8") == render_schema()


def test_schema_write_from_a_subfolder_refreshes_the_project_s_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from content/, schema --write made content/schema/ (a stray copy MkDocs would even
    publish) and left the project's schema/ stale (review45)."""
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\n", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.chdir(content)
    assert cli.main(["schema", "--write"]) == 0
    assert capsys.readouterr().out == f"Wrote ../{SCHEMA_PATH}\n"
    assert list(content.iterdir()) == []
    assert (tmp_path / SCHEMA_PATH).read_text(encoding="utf-8") == render_schema()
    assert cli.main(["schema", "--write"]) == 0
    assert capsys.readouterr().out == f"../{SCHEMA_PATH} is up to date\n"


# -- what the schema says ----------------------------------------------------------------------


def test_schema_header_and_shape() -> None:
    schema = partners_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema
    assert schema["title"] and schema["description"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert list(schema["properties"]) == list(models.PartnersFile.model_fields)
    assert set(schema["required"]) == {"newsletter"}


def test_every_property_has_a_description() -> None:
    missing = [
        name for name, node in _properties(partners_schema()) if not str(node.get("description", "")).strip()
    ]
    assert not missing, f"add a Field(description=...) in generator/models.py for: {', '.join(missing)}"
    # Every model too (shown when hovering a mapping).
    assert all(definition.get("description") for definition in partners_schema()["$defs"].values())


def test_types_are_what_an_editor_writes() -> None:
    defs = partners_schema()["$defs"]
    assert defs["Partner"]["properties"]["since"]["format"] == "date"
    assert "string" in defs["Partner"]["properties"]["since"]["type"]
    assert defs["Update"]["properties"]["date"] == {
        **defs["Update"]["properties"]["date"],
        "type": "string",
        "format": "date",
    }
    assert defs["Partner"]["properties"]["public"]["type"] == "boolean"
    assert defs["Partner"]["properties"]["public"]["default"] is False
    assert defs["Referral"]["properties"]["asked"]["type"] == ["boolean", "null"]
    assert defs["Partner"]["properties"]["epoch"] == {
        **defs["Partner"]["properties"]["epoch"],
        "type": "integer",
        "minimum": 0,
        "default": 0,
    }
    due = defs["Newsletter"]["properties"]["due_after_days"]
    assert (due["type"], due["minimum"], due["maximum"], due["default"]) == ("integer", 1, 3650, 30)
    assert defs["Referral"]["properties"]["value"]["minimum"] == 0
    assert defs["Update"]["properties"]["stage"]["enum"] == list(models.STAGES)
    for model, field in [
        ("Partner", "id"),
        ("Partner", "referred_by"),
        ("Referral", "partner"),
        ("Given", "partner"),
    ]:
        assert defs[model]["properties"][field]["pattern"] == field_types.ID_PATTERN, (model, field)


def test_no_pydantic_noise_left() -> None:
    text = render_schema()
    for python_name in ('"ge"', '"le"', '"gt"', '"lt"', '"anyOf"', '"default": null'):
        assert python_name not in text, python_name


# -- validating documents ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [REPO / "partners.yaml", FIXTURES / "small.yaml"], ids=["demo", "small"])
def test_valid_files_pass_the_schema(path: Path) -> None:
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(_load(path))
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", [REPO / "partners.yaml", FIXTURES / "small.yaml"], ids=["demo", "small"])
def test_valid_files_pass_a_validator_that_checks_every_format(path: Path) -> None:
    """JSON Schema's `format: time` is RFC 3339's 18:00:00Z: the YAML language server underlined
    every event time written HH:MM, as the contract asks."""
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _strict_validator().iter_errors(_load(path))
    ]
    assert not errors, "\n".join(errors)


def _small_with(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(_load(FIXTURES / "small.yaml"))
    change(document)
    return document


INVALID = {
    "stage mett": lambda d: d["referrals"][0]["updates"][0].update(stage="mett"),
    "unknown field nmae": lambda d: d["partners"][0].update(nmae="Anne"),
    "bad id": lambda d: d["partners"][0].update(id="Steve Hall"),
    "bad referred_by": lambda d: d["partners"][1].update(referred_by="Anne Ortiz"),
    "public maybe": lambda d: d["partners"][0].update(public="maybe"),
    "not a date": lambda d: d["events"][0].update(date="2026-02-30"),
    "method phone": lambda d: d["referrals"][0].update(method="phone"),
    "negative value": lambda d: d["referrals"][0].update(value=-1),
    "due_after_days 0": lambda d: d["newsletter"].update(due_after_days=0),
    "missing owner": lambda d: d["newsletter"].pop("owner"),
    "empty name": lambda d: d["partners"][0].update(name=""),
    "blank name": lambda d: d["partners"][0].update(name="   "),
    "blank note": lambda d: d["referrals"][0]["updates"][0].update(note=" \n "),
    "time 9:30": lambda d: d["events"][0].update(time="9:30"),
    "time 18:00:00": lambda d: d["events"][0].update(time="18:00:00"),
    "value $12,000": lambda d: d["referrals"][0].update(value="$12,000"),
    "asked no": lambda d: d["referrals"][0].update(asked="no"),
    "date 2026/02/03": lambda d: d["referrals"][0].update(introduced="2026/02/03"),
}


@pytest.mark.parametrize("change", INVALID.values(), ids=INVALID.keys())
def test_invalid_documents_are_rejected(change: Any) -> None:
    assert not _validator().is_valid(_small_with(change))
    assert not _strict_validator().is_valid(_small_with(change))


def test_optional_fields_may_be_left_empty() -> None:
    document = _small_with(lambda d: d["partners"][0].update(company=None, since=None))
    document["referrals"][0].update(method=None, asked=None, value=None)
    errors = [e.message for e in _validator().iter_errors(document)]
    assert not errors, errors


# -- pre-commit --------------------------------------------------------------------------------


def test_pre_commit_hooks_match() -> None:
    offered = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = [item for item in offered if item["id"] == "check-partners"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True and hook["name"]
    (local,) = [repo for repo in config["repos"] if repo["repo"] == "local"]
    (used,) = [item for item in local["hooks"] if item["id"] == "check-partners"]
    assert used["language"] == "system"
    for key in ("id", "entry", "files"):
        assert used[key] == hook[key], key
    assert hook["entry"] == "python -m generator check"
    assert hook["files"] == r"^partners\.yaml$"
    assert used.get("pass_filenames", True) is True


@pytest.mark.build
def test_hook_entry_checks_the_files_it_is_given(tmp_path: Path) -> None:
    """What pre-commit runs: the entry plus the matching file name; non-zero refuses the commit."""
    entry = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]["entry"].split()
    assert entry[0] == "python"
    command = [sys.executable, *entry[1:]]
    hook = functools.partial(
        subprocess.run,
        [*command, "partners.yaml"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    good = tmp_path / "partners.yaml"
    good.write_bytes((FIXTURES / "small.yaml").read_bytes())
    ok = hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    good.write_text(
        good.read_text(encoding="utf-8").replace("stage: met", "stage: mett", 1), encoding="utf-8"
    )
    bad = hook()
    assert bad.returncode != 0
    assert "partners.yaml:" in bad.stdout and "stage" in bad.stdout


def test_a_field_without_description_is_refused() -> None:
    from generator.schema import _undescribed

    schema = copy.deepcopy(partners_schema())
    del schema["$defs"]["Partner"]["properties"]["company"]["description"]
    schema["properties"]["events"]["description"] = " "
    assert _undescribed(schema) == ["events", "Partner.company"]


# -- the schema and `check` agree --------------------------------------------------------------

# The YAML language server checks `format` with vscode-json-languageservice's RFC 3339 patterns
# (src/parser/jsonParser.ts), whatever Python packages this machine has: jsonschema's own "time"
# check needs an optional package and is silently skipped without it.
_EDITOR_FORMATS = {
    "date": r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "time": r"^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?"
    r"(Z|(\+|-)([01][0-9]|2[0-3]):([0-5][0-9]))$",
}


def _editor_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, pattern in _EDITOR_FORMATS.items():
        compiled = re.compile(pattern, re.IGNORECASE)
        checker.checks(name)(lambda value, p=compiled: not isinstance(value, str) or bool(p.match(value)))
    return checker


def _editor_accepts(document: dict[str, Any]) -> bool:
    schema = partners_schema()
    cls = jsonschema.validators.validator_for(schema)
    return bool(cls(schema, format_checker=_editor_checker()).is_valid(document))


def _check_accepts(document: dict[str, Any], tmp_path: Path) -> bool:
    path = tmp_path / "partners.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        validate.load_partners(path, dt.date(2026, 12, 4))
    except InvalidData:
        return False
    return True


def _partner_id(document: dict[str, Any], old: str, new: Any) -> None:
    """A partner's id changed, with every reference to it."""
    for record in [*document["partners"], *document["referrals"], *document.get("given", [])]:
        for field in ("id", "partner", "referred_by"):
            if record.get(field) == old:
                record[field] = new


def _with_event(**fields: str) -> Any:
    return lambda d: d["events"][0].update(fields)


AGREEMENT = {
    "time 18:00": (_with_event(time="18:00"), True),
    "time and end": (_with_event(time="08:05", end="21:30"), True),
    "time 8:00": (_with_event(time="8:00"), False),
    "time 24:00": (_with_event(time="24:00"), False),
    "time with seconds": (_with_event(time="18:00:00"), False),
    "time 6pm": (_with_event(time="6pm"), False),
    "end 18:60": (_with_event(time="18:00", end="18:60"), False),
    "currency EUR": (lambda d: d["newsletter"].update(currency="EUR"), True),
    "currency eur": (lambda d: d["newsletter"].update(currency="eur"), False),
    "currency EURO": (lambda d: d["newsletter"].update(currency="EURO"), False),
    "currency CHF": (lambda d: d["newsletter"].update(currency="CHF"), True),
    "currency XYZ, no such code": (lambda d: d["newsletter"].update(currency="XYZ"), False),
    "email plain": (lambda d: d["partners"][0].update(email="anne.o+news@ortiz-accounting.example"), True),
    "email with a name": (lambda d: d["partners"][0].update(email="Anne <anne@example.com>"), False),
    "two emails": (lambda d: d["newsletter"].update(email="a@example.com, b@example.com"), False),
    "email without @": (lambda d: d["newsletter"].update(email="anne at example.com"), False),
    "logo path": (lambda d: d["newsletter"].update(logo="images/logo.png"), True),
    "logo address": (lambda d: d["newsletter"].update(logo="https://example.com/logo.png"), False),
    "logo absolute": (lambda d: d["newsletter"].update(logo="/images/logo.png"), False),
    "title on two lines": (lambda d: d["newsletter"].update(title="Partner\nNews"), False),
    "name with a tab": (lambda d: d["partners"][0].update(name="Anne\tOrtiz"), False),
    "place with a bell": (lambda d: d["events"][0].update(where="The \x07mill"), False),
    "name with a right-to-left override": (lambda d: d["partners"][0].update(name="Anne \u202eOrtiz"), False),
    "note with an isolate": (lambda d: d["referrals"][0]["updates"][0].update(note="Met \u2067here."), False),
    "name with a right-to-left mark": (lambda d: d["partners"][0].update(name="Anne\u200f Ortiz"), True),
    "name of a zero-width space only": (lambda d: d["partners"][0].update(name="\u200b"), False),
    "note of a byte-order mark and spaces": (
        lambda d: d["referrals"][0]["updates"][0].update(note=" \ufeff "),
        False,
    ),
    "note on two lines": (lambda d: d["referrals"][0]["updates"][0].update(note="Met.\nGreat\tlunch."), True),
    "epoch of ten digits": (lambda d: d["partners"][0].update(epoch=10**10), False),
    "end without time": (_with_event(end="21:00"), False),
    "end without time, both empty": (lambda d: d["events"][0].update(time=None, end=None), True),
    "end with an empty time": (lambda d: d["events"][0].update(time=None, end="21:00"), False),
    # An unquoted number where text belongs: `check` reads the text as written, the editor a number.
    "name 123": (lambda d: d["partners"][0].update(name=123), True),
    "phone 5550142": (lambda d: d["newsletter"].update(phone=5550142), True),
    "company 1901": (lambda d: d["partners"][0].update(company=1901), True),
    "spotlight 42.5": (lambda d: d["partners"][0].update(spotlight=42.5), True),
    "referral id 42": (lambda d: d["referrals"][0].update(id=42), True),
    "partner id 42": (lambda d: _partner_id(d, "quiet-quinn", 42), True),
    "partner id -42": (lambda d: _partner_id(d, "quiet-quinn", -42), False),
    "partner id 4.5": (lambda d: _partner_id(d, "quiet-quinn", 4.5), False),
    "partner id of 64 digits": (lambda d: _partner_id(d, "quiet-quinn", 10**63), False),
    # A boolean where text belongs is text to `check` too ("A name such as no stays text"): the
    # editor underlined `name: true`, which `check` accepts (review24 saw it; review27).
    "name true": (lambda d: d["partners"][0].update(name=True), True),
    "company false": (lambda d: d["partners"][0].update(company=False), True),
    "note true": (lambda d: d["referrals"][0]["updates"][0].update(note=True), True),
    "referral id true": (lambda d: d["referrals"][0].update(id=True), True),
    "value true": (lambda d: d["referrals"][0].update(value=True), False),
    "stage true": (lambda d: d["referrals"][0]["updates"][0].update(stage=True), False),
    # A new seller: no introductions yet, or no partners yet either. A section left out is none,
    # as one left empty is (a missing `partners:` alone was refused, review32).
    "no referrals section": (lambda d: d.pop("referrals"), True),
    "no partners section": (lambda d: [d.pop(name) for name in ("partners", "referrals", "given")], True),
    "no newsletter section": (lambda d: d.pop("newsletter"), False),
}


@pytest.mark.parametrize(("change", "valid"), AGREEMENT.values(), ids=AGREEMENT.keys())
def test_the_editor_and_check_agree_on_each_value(change: Any, valid: bool, tmp_path: Path) -> None:
    """What `check` accepts an editor must not underline (the demo's own event times were), and
    what `check` refuses the editor underlines as it is typed."""
    document = _small_with(change)
    assert _check_accepts(document, tmp_path) is valid
    assert _editor_accepts(document) is valid


def test_the_demo_passes_the_editors_format_checks() -> None:
    errors = [e.message for e in _editor_validator_errors(_load(REPO / "partners.yaml"))]
    assert not errors, errors


def _editor_validator_errors(document: Any) -> list[jsonschema.ValidationError]:
    schema = partners_schema()
    cls = jsonschema.validators.validator_for(schema)
    return list(cls(schema, format_checker=_editor_checker()).iter_errors(document))
