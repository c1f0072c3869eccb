"""Generated files kept between renders under ``mkdocs serve``, so a save renders only the
pages it can have changed.

A partner page shows that partner's own record, referrals and business given, and, from the
rest of the data, only what this module calls shared: every field but the other partners'
confidential free text (prospect names, update notes and internal notes, ``given`` names and
notes), which never appears on any page but its own partner's. Each kept page carries the
digest of its partner's records and of the shared part (and of the site layout, secret
included): a note edit changes one partner's digest and one page is rendered again; a stage,
a name, an event or the newsletter changes the shared digest and every page is. The insights
page (counts, rates, dates, names of partners; no free text) is kept by the shared digest alone,
so a note edit does not render it again either; nor any other file (public pages show no note:
see public_digest). Nothing here reaches the disk: across runs (``generate``, ``mkdocs build``)
the same keys are kept by memo_record.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from pydantic import BaseModel
from pydantic.main import IncEx

from .models import PartnersFile

if TYPE_CHECKING:
    from .render import SiteLayout

# What only its own partner's page shows: left out of the shared digest (tests/test_render_memo.py
# renders every page both ways after edits to each of them, and to everything else).
_OWN_FREE_TEXT = cast(
    IncEx,
    {
        "referrals": {"__all__": {"prospect": True, "updates": {"__all__": {"note", "internal"}}}},
        "given": {"__all__": {"to", "note"}},
    },
)


@dataclass
class RenderMemo:
    """Pages by path, each with the digest it was rendered from; lives as long as the server."""

    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    rendered: int = 0  # pages rendered (not reused) by the last render, for the log and tests

    def start(self, paths: Iterable[str]) -> None:
        """A new render of the pages at ``paths``: pages no longer generated are forgotten."""
        wanted = set(paths)
        self.pages = {path: kept for path, kept in self.pages.items() if path in wanted}
        self.rendered = 0

    def page(self, path: str, key: bytes, render: Callable[[], str]) -> str:
        kept = self.pages.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        text = render()
        self.pages[path] = (key, text)
        self.rendered += 1
        return text


@dataclass(frozen=True)
class DataDigests:
    """The part of the keys that comes from the data alone, not the layout: serialising every
    record is the keys' whole cost (0.5 s at 10,000 partners), so a first run has it done by a
    process of its own while this one checks the rules and builds the views (project.py)."""

    shared: bytes  # everything but the partners' own free text
    names: bytes  # the names a public page may print with consent
    own: dict[str, bytes]  # each partner's own records, by partner id


def data_digests(data: PartnersFile) -> DataDigests:
    # pydantic's JSON as bytes, as model_dump_json makes it before decoding it: the JSON of the
    # whole file (14 MB at 10,000 partners) is then held once, not three times over.
    shared = hashlib.blake2b(_json(data, exclude=_OWN_FREE_TEXT), digest_size=20)
    return DataDigests(shared.digest(), names_digest(data), own_digests(data))


def _json(model: BaseModel, exclude: IncEx | None = None) -> bytes:
    """``model.model_dump_json(exclude=exclude).encode()``, without the text in between."""
    return model.__pydantic_serializer__.to_json(model, exclude=exclude)


def shared_digest(digests: DataDigests, layout: SiteLayout) -> bytes:
    """Everything a partner page may show of the data beyond its own partner's records, and
    the layout it is rendered for (its secret is hashed, never kept)."""
    digest = hashlib.blake2b(digests.shared, digest_size=20)
    # The secret through a keyed digest: keys are kept on disk across runs (memo_record).
    keyed = hmac.new(layout.secret, b"render-memo", hashlib.sha256).digest()
    digest.update(repr(dataclasses.astuple(dataclasses.replace(layout, secret=keyed))).encode("utf-8"))
    return digest.digest()


def names_digest(data: PartnersFile) -> bytes:
    """The names a public page may print with consent (prospects, ``given`` names); never the
    notes, which no such page shows."""
    names = [referral.prospect for referral in data.referrals] + [given.to for given in data.given]
    return hashlib.blake2b(json.dumps(names, ensure_ascii=False).encode("utf-8"), digest_size=20).digest()


def public_digest(shared: bytes, digests: DataDigests) -> bytes:
    """The key of every other generated file (home, posts, tree, calendars…): the shared part
    and the names (:func:`names_digest`)."""
    return hashlib.blake2b(shared + digests.names, digest_size=20).digest()


def own_digests(data: PartnersFile) -> dict[str, bytes]:
    """Each partner's own records, whole, by partner id: the kind of each record, then its JSON;
    its own record first, then its referrals and business given, in the file's order.

    Serialised in the file's order, not partner by partner: at 10,000 partners the 50,000
    referrals took 0.12 s in the order they sit in memory and 0.18 s a partner at a time."""
    parts = {partner.id: [_kind(type(partner)), _json(partner)] for partner in data.partners}
    for records in (data.referrals, data.given):
        for record in records:
            own = parts.get(record.partner)
            if own is not None:  # a record of no partner has no page (validation refuses it)
                own += (_kind(type(record)), record.__pydantic_serializer__.to_json(record))
    return {
        partner_id: hashlib.blake2b(b"".join(own), digest_size=20).digest()
        for partner_id, own in parts.items()
    }


@functools.cache
def _kind(kind: type[BaseModel]) -> bytes:
    return kind.__name__.encode("utf-8")


def partner_digest(shared: bytes, own: bytes) -> bytes:
    """A partner page's key: the shared digest and the partner's own records (:func:`own_digests`)."""
    return hashlib.blake2b(shared + own, digest_size=20).digest()
