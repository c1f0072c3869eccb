"""Who may read each field of partners.yaml, declared once beside the field in models.py.

A field's audience is part of the model (``json_schema_extra={"audience": ...}``), so the leak
guard, the public views and the README's privacy table all follow from one declaration, and a
field added without one is refused here rather than published by default.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Literal

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


__all__ = ["MEANINGS", "Audience", "UndeclaredField", "audience", "declared"]
