"""What public pages (home, newsletter posts, follow page) may print: views, never models.

A view holds only the fields whose declared audience (generator/audience.py) allows a public
page: ``public`` fields, and ``consent`` fields when the partner (and, for a referral, the
referral) consented. Anything else is simply absent, so ``{{ partner.email }}`` in a public
template fails the render (the templates use StrictUndefined) instead of printing the address.
Adding a field to the model means declaring its audience once; the views follow.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from types import MappingProxyType

from pydantic import BaseModel

from .audience import public_fields
from .models import Given, Partner, Referral
from .views import MonthlyIssue


class PublicView:
    """Read-only attributes for a template; a field that is not public does not exist here."""

    __slots__ = ("_fields", "_kind")
    _fields: MappingProxyType[str, object]
    _kind: str

    def __init__(self, kind: str, values: Mapping[str, object]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_fields", MappingProxyType(dict(values)))

    def __getattr__(self, name: str) -> object:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"{self._kind}.{name} is not public") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a public view is read-only")

    def __repr__(self) -> str:  # names only: a repr may reach a log
        return f"PublicView({self._kind}: {', '.join(self._fields)})"


class PublicViews:
    """Turns the model objects a public page needs into views, deciding consent per record."""

    def __init__(self, partners: Mapping[str, Partner]) -> None:
        self._partners = partners
        # Each record's view, made once and shared (a view is read-only): the issues name the
        # same partners month after month, 34,000 views of 3,200 records at 10,000 partners.
        # The record is kept with its view, so that its id is not another record's meanwhile.
        self._views: dict[int, tuple[BaseModel, PublicView]] = {}

    def of(self, value: object) -> object:
        """``value`` with every model object in it replaced by its public view."""
        if isinstance(value, BaseModel):
            return self._view(value)
        if isinstance(value, tuple | list):
            return type(value)(self.of(item) for item in value)
        if isinstance(value, MonthlyIssue) and is_dataclass(value):
            values = {field.name: self.of(getattr(value, field.name)) for field in fields(value)}
            return PublicView("issue", values)
        return value

    def _view(self, record: BaseModel) -> PublicView:
        known = self._views.get(id(record))
        if known is not None and known[0] is record:
            return known[1]
        allowed = _allowed(type(record), self._consented(record))
        view = PublicView(type(record).__name__.lower(), {name: getattr(record, name) for name in allowed})
        self._views[id(record)] = (record, view)
        return view

    def _consented(self, record: BaseModel) -> bool:
        if isinstance(record, Partner):
            return record.public
        if isinstance(record, Referral):
            return record.public and self._partners[record.partner].public
        if isinstance(record, Given):
            return self._partners[record.partner].public
        return False


@functools.cache
def _allowed(model: type[BaseModel], consented: bool) -> tuple[str, ...]:
    return public_fields(model, consented=consented)
