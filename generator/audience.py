"""Who may read each field of partners.yaml, declared once beside the field in models.py.

A field's audience is part of the model (``json_schema_extra={"audience": ...}``), so the leak
guard, the public views and the README's privacy table all follow from one declaration, and a
field added without one is refused here rather than published by default.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Iterator
from typing import Literal, NamedTuple

from pydantic import BaseModel
from pydantic.config import JsonDict

Audience = Literal["public", "consent", "partner", "owner", "never"]

# What each audience means, in the words of the README's privacy table.
MEANINGS: dict[Audience, str] = {
    "public": "any page: home, newsletter issues, feeds, search, sitemap",
    "consent": "public pages only with consent (the partner's `public: true`; for a prospect, "
    "also the referral's `public: true`); always the partner's own page and the owner's pages",
    "partner": "the partner's own private page and mail (and the owner's pages)",
    "owner": "the owner's private pages only (insights, to-do list)",
    "never": "no page, feed or mail at all",
}


class UndeclaredField(TypeError):
    """A model field with no audience: a programming error, caught by the test suite."""


def audience(who: Audience) -> JsonDict:
    """The ``json_schema_extra`` that declares a field's audience."""
    return {"audience": who}


def declared(root: type[BaseModel]) -> dict[str, Audience]:
    """Every leaf field under ``root`` by its path (``partners[].name``) and its audience."""
    return dict(_walk(root, ""))


def _walk(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, Audience]]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _nested_model(field.annotation)
        if nested is not None:
            many = typing.get_origin(field.annotation) is tuple
            yield from _walk(nested, f"{path}[]." if many else f"{path}.")
            continue
        extra = field.json_schema_extra
        who = extra.get("audience") if isinstance(extra, dict) else None
        if who not in MEANINGS:
            raise UndeclaredField(f"{model.__name__}.{name} declares no audience")
        yield path, who


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds (itself, or as ``tuple[Model, ...]``), if any."""
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


class TextValue(NamedTuple):
    """One text in the data, where it is (``referrals[3].updates[1].note``), who may read it,
    and the records holding it, outermost first (for consent and whose page it belongs to).
    A tuple: the leak guard lists some 40,000 per 1,000 partners."""

    path: str
    text: str
    audience: Audience
    records: tuple[BaseModel, ...]

    def __repr__(self) -> str:  # the text kept out of logs and tracebacks
        return f"TextValue(path={self.path!r}, audience={self.audience!r})"


FieldFilter = Callable[[type[BaseModel], str, Audience], bool]


def every_field(model: type[BaseModel], name: str, who: Audience) -> bool:
    return True


def text_values(root: BaseModel, wanted: FieldFilter = every_field) -> Iterator[TextValue]:
    """Every text value under ``root`` (ids included) with its field's declared audience; only
    those of the fields ``wanted`` accepts, if given (records holding none are not walked)."""
    return _record_values(root, "", (), wanted)


def _record_values(
    record: BaseModel, prefix: str, records: tuple[BaseModel, ...], wanted: FieldFilter
) -> Iterator[TextValue]:
    """The texts of ``record`` and of the records it holds (one generator per record, not per
    value: the leak guard lists some 40,000 values per 1,000 partners)."""
    for name, who, nested in _wanted_plan(type(record), wanted):
        value, path = getattr(record, name), prefix + name
        if not nested:
            if isinstance(value, str) and who is not None:
                yield TextValue(path, value, who, records)
        elif isinstance(value, BaseModel):
            yield from _record_values(value, path + ".", (*records, value), wanted)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _record_values(item, f"{path}[{index}].", (*records, item), wanted)


@functools.cache
def _wanted_plan(
    model: type[BaseModel], wanted: FieldFilter
) -> tuple[tuple[str, Audience | None, bool], ...]:
    """:func:`_plan` less the fields ``wanted`` refuses and the records that hold none it accepts."""
    if wanted is every_field:
        return _plan(model)
    kept = []
    for name, who, nested in _plan(model):
        if nested:
            inner = _nested_model(model.model_fields[name].annotation)
            keep = inner is not None and bool(_wanted_plan(inner, wanted))
        else:
            keep = who is not None and wanted(model, name, who)
        if keep:
            kept.append((name, who, nested))
    return tuple(kept)


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, Audience | None, bool], ...]:
    """Per field: its name, its audience (None for a field holding records), and whether it holds records."""
    plan: list[tuple[str, Audience | None, bool]] = []
    for name, info in model.model_fields.items():
        if _nested_model(info.annotation) is not None:
            plan.append((name, None, True))
            continue
        extra = info.json_schema_extra
        who = extra.get("audience") if isinstance(extra, dict) else None
        if who not in MEANINGS:
            raise UndeclaredField(f"{model.__name__}.{name} declares no audience")
        plan.append((name, who, False))
    return tuple(plan)


def public_fields(model: type[BaseModel], *, consented: bool) -> tuple[str, ...]:
    """The fields of ``model`` a public page may print: ``public`` ones, and ``consent`` ones
    when the record's consent is given. Fields holding records are never included."""
    readable = ("public", "consent") if consented else ("public",)
    return tuple(name for name, who, _ in _plan(model) if who in readable)


# Headings of the README's privacy table, one row per audience, most open first.
_TABLE_ROWS: tuple[tuple[Audience, str], ...] = (
    ("public", "Public"),
    ("consent", "Public only with consent"),
    ("partner", "The partner's own page"),
    ("owner", "The owner's pages only"),
    ("never", "Never published"),
)


def privacy_table(root: type[BaseModel]) -> str:
    """The README's privacy table, generated from the declarations: who reads which field."""
    fields = declared(root)
    lines = ["| who may read it | where | fields |", "| --- | --- | --- |"]
    for who, heading in _TABLE_ROWS:
        names = ", ".join(f"`{path}`" for path, declared_who in fields.items() if declared_who == who)
        lines.append(f"| **{heading}** | {MEANINGS[who]} | {names} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "MEANINGS",
    "Audience",
    "TextValue",
    "UndeclaredField",
    "audience",
    "declared",
    "privacy_table",
    "public_fields",
    "text_values",
]
