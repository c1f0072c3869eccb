"""Where an unknown field name in partners.yaml was meant to go: a misspelling of a field of
its record (``prospects``), or a field of the record above or below it (a ``note`` dedented out
of its update), named as the contract names them."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from . import models
from .problems import FieldPath


def misspelt(path: FieldPath) -> FieldPath:
    """The field an unknown one is a misspelling of, or the unknown path itself."""
    close = difflib.get_close_matches(str(path[-1]), _field_names(path[:-1]), n=1, cutoff=0.6)
    return (*path[:-1], close[0]) if close else path


def _field_names(parent: FieldPath) -> list[str]:
    return list(_models_along(parent)[-1][1].model_fields)


def unknown_field(path: FieldPath) -> str:
    name = str(path[-1])
    models_on_path = _models_along(path[:-1])
    known = list(models_on_path[-1][1].model_fields)
    misplaced = _misplaced(name, models_on_path)
    if misplaced:
        return f"unknown field '{name}' here; {misplaced}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
    return f"unknown field '{name}'{hint}"


def _misplaced(name: str, models_on_path: list[tuple[str, type[BaseModel]]]) -> str | None:
    """A field of the list just below or of the record just above: its line is indented wrong."""
    here = models_on_path[-1][1]
    for field, info in here.model_fields.items():
        child = _inner_model_or_none(info.annotation)
        if child is not None and name in child.model_fields:
            if child is info.annotation:  # one record, such as newsletter
                return f"'{name}' is a field of '{field}': indent it under '{field}'"
            return f"'{name}' is a field of each entry of '{field}': indent it under the entry it belongs to"
    if len(models_on_path) >= 2 and name in models_on_path[-2][1].model_fields:
        owner = models_on_path[-1][0]
        return f"'{name}' is a field of the record that holds '{owner}': line it up with that record's fields"
    return None


def _models_along(parent: FieldPath) -> list[tuple[str, type[BaseModel]]]:
    """The models from the file down to ``parent``, each with the field name that leads to it."""
    chain: list[tuple[str, type[BaseModel]]] = [("", models.PartnersFile)]
    for part in parent:
        if isinstance(part, int):
            continue
        annotation = chain[-1][1].model_fields[part].annotation
        chain.append((part, _inner_model(annotation)))
    return chain


def _inner_model_or_none(annotation: Any) -> type[BaseModel] | None:
    try:
        return _inner_model(annotation)
    except LookupError:
        return None


def _inner_model(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    raise LookupError(annotation)
