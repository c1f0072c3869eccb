"""The JSON Schema of partners.yaml, for editors (the YAML language server) and CI.

It is generated from :class:`generator.models.PartnersFile`, so the model stays the one
source of truth; ``python -m generator schema --write`` refreshes the committed copy in
``schema/partners.schema.json`` and a test fails when that copy is stale.

The schema describes the file as an editor sees it: booleans are YAML booleans, numbers are
numbers, dates are text of the form YYYY-MM-DD (``format: date``), and an optional field may
be left empty (null). A few things pydantic emits for the model's annotated types are fixed
up here:

- fields typed with a ``BeforeValidator`` followed by a constraint (ids) become a *chain*;
  pydantic describes only the first step in validation mode and so drops the id ``pattern``:
  the steps are merged instead;
- number constraints behind a ``BeforeValidator`` come out under their Python names
  (``ge``, ``le``): they are renamed to ``minimum``, ``maximum`` and so on;
- an optional field's ``anyOf: [X, {type: null}]`` becomes X with ``type: [X's type, "null"]``
  (the same meaning; the YAML language server completes a value by the first type), and the
  ``default: null`` that says nothing becomes no default (the language server would otherwise
  type a literal ``null`` into the file). Real defaults (``false``, ``0``, ``30``, ``[]``) stay;
- a text field also takes a number or a boolean, and an id a whole number of 63 digits at most
  or a boolean: the loader hands `check` the text as written (``phone: 5550142``, ``id: 42``,
  ``name: true``), where an editor reads a number or a boolean. The string limits (length,
  pattern) still apply to text, as JSON Schema applies them; so an id written ``True`` (which
  the id pattern refuses) is the one boolean `check` refuses and the editor cannot tell.

Rules that span records (unique ids, references to partners, update order) are beyond a
JSON Schema; ``python -m generator check`` enforces them.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from . import field_patterns, field_types, models

SCHEMA_PATH = "schema/partners.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "partners.yaml"
DESCRIPTION = (
    "The referral-partner newsletter's data file (version 1): the newsletter, its partners "
    "(referral sources), the referrals they gave, business given back, and events. Generated "
    "from generator/models.py; `python -m generator check` also checks unique ids, references, "
    "update order and dates against today, and refuses YAML aliases, tags and repeated keys."
)

# pydantic's Python constraint names, as they leak through js_updates, and their JSON Schema words.
_RENAMED_KEYWORDS = {
    "ge": "minimum",
    "gt": "exclusiveMinimum",
    "le": "maximum",
    "lt": "exclusiveMaximum",
    "multiple_of": "multipleOf",
    "min_length": "minLength",
    "max_length": "maxLength",
}
_NULL = {"type": "null"}
# What a number written unquoted reads as where `check` takes text (the field's pattern says which
# field is text): any number in a text field, a whole number of 63 digits at most for an id.
_NUMBER_AS_TEXT: dict[str, dict[str, Any]] = {
    field_patterns.ONE_LINE["pattern"]: {"type": "number"},
    field_patterns.NOT_BLANK["pattern"]: {"type": "number"},
    field_types.ID_PATTERN: {"type": "integer", "minimum": 0, "maximum": 10**63 - 1},
}
_TOP_ORDER = ("type", "properties", "required", "additionalProperties", "$defs")
# Keywords whose values are data, not schemas.
_DATA_KEYWORDS = frozenset({"default", "enum", "const", "examples", "required"})


class _EditorSchema(GenerateJsonSchema):
    """pydantic's generator, describing every step of a validator chain in validation mode."""

    def chain_schema(self, schema: core_schema.ChainSchema) -> JsonSchemaValue:
        if self.mode != "validation":
            return super().chain_schema(schema)
        # Each step validates the previous step's output, so the input must satisfy the
        # constraints of them all (e.g. text first, then the id pattern).
        merged: JsonSchemaValue = {}
        for step in schema["steps"]:
            described = self.generate_inner(step)
            if merged and described.get("type") != merged.get("type"):
                return self.generate_inner(schema["steps"][0])
            merged.update(described)
        return merged


def partners_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of partners.yaml, ready for editors."""
    generated = models.PartnersFile.model_json_schema(mode="validation", schema_generator=_EditorSchema)
    generated = _tidy(generated)
    generated.pop("title", None)
    generated.pop("description", None)
    schema: dict[str, Any] = {"$schema": DIALECT, "title": TITLE, "description": DESCRIPTION}
    for key in _TOP_ORDER:  # the document's own shape first, the definitions last
        if key in generated:
            schema[key] = generated.pop(key)
    schema.update(generated)
    missing = _undescribed(schema)
    if missing:  # editors show descriptions on hover and completion: the model must give them all
        raise ValueError(f"give these fields a Field(description=...) in models.py: {', '.join(missing)}")
    return schema


def render_schema() -> str:
    """The schema as the committed file's exact text."""
    return json.dumps(partners_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _tidy(node: Any) -> Any:
    """A schema node with pydantic's oddities fixed (see the module docstring)."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidied: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            tidied[key] = {name: _property(_tidy(item)) for name, item in value.items()}
        elif key == "$defs":
            tidied[key] = {name: _tidy(item) for name, item in value.items()}
        elif key in _DATA_KEYWORDS:
            tidied[key] = value
        else:
            tidied[_RENAMED_KEYWORDS.get(key) or key] = _tidy(value)
    return tidied


def _property(node: dict[str, Any]) -> dict[str, Any]:
    """One property: fold ``anyOf [X, null]`` into X allowing null; drop ``default: null``."""
    node = dict(node)
    if "default" in node and node["default"] is None:
        del node["default"]
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and _NULL in options:
        (other,) = [option for option in options if option != _NULL]
        if isinstance(other.get("type"), str) and "$ref" not in other and not set(other) & set(node):
            del node["anyOf"]
            node.update(other)
            node["type"] = [other["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
            node = dict(sorted(node.items()))
    return _number_as_text(node)


def _number_as_text(node: dict[str, Any]) -> dict[str, Any]:
    """A text field taking an unquoted number or boolean too, as `check` does (see the module
    docstring)."""
    number = _NUMBER_AS_TEXT.get(node.get("pattern", ""))
    types = node.get("type")
    if number is None or types not in ("string", ["string", "null"]):
        return node
    kinds = [types] if isinstance(types, str) else types
    widened = {**node, "type": [kinds[0], number["type"], "boolean", *kinds[1:]]}  # text first: completion
    widened.update((key, value) for key, value in number.items() if key != "type")
    return widened


def _undescribed(schema: dict[str, Any]) -> list[str]:
    """Dotted names of properties (at any depth, in $defs too) with no description."""
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
        elif isinstance(node, dict):
            for name, value in (node.get("properties") or {}).items():
                if not (isinstance(value, dict) and str(value.get("description", "")).strip()):
                    found.append(f"{where}.{name}" if where else name)
            for key, value in node.items():
                if key == "$defs":
                    for def_name, definition in value.items():
                        walk(definition, def_name)
                elif key == "properties":
                    for name, value2 in value.items():
                        walk(value2, f"{where}.{name}" if where else name)
                else:
                    walk(value, where)

    walk(schema, "")
    return found
