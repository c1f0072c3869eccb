"""Public texts that name a confidential person: a prospect, or someone the owner sent business
to, written into a spotlight, an event or a title.

The leak guard lets the owner's own public words through (an event's venue may well be a
prospect's business), so "Anne works with Dana Wu" in a consenting partner's spotlight was
published without a word although Dana's referral is not public. `check` warns instead, at the
public text, and the owner decides.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from .audience import Audience, text_values
from .field_types import is_id_field
from .models import Partner, PartnersFile
from .problems import FieldPath

MIN_LENGTH = 4  # as the leak guard's: "Jo" or "Ann" would be found in ordinary words
_WORD = re.compile(r"\w+")
_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


_PROSPECT_RULE = "where a prospect is named only when the referral and its partner both have public: true"
_GIVEN_RULE = "where the people you send business to are never named"


@dataclass(frozen=True)
class Mention:
    """A public text (at ``path``) that names ``name``, who is ``whose``, against ``rule``."""

    path: FieldPath
    name: str
    whose: str
    rule: str

    def describe(self) -> str:
        return f"names {self.name}, {self.whose}, on public pages, {self.rule}; reword it, unless they agreed"


def public_mentions(data: PartnersFile) -> list[Mention]:
    """Every public text naming a prospect without both consents, or a ``given.to``."""
    hidden = dict(_hidden_names(data))
    if not hidden:
        return []
    first_words: dict[str, list[tuple[str, ...]]] = {}
    for words in hidden:
        first_words.setdefault(words[0], []).append(words)
    found: list[Mention] = []
    for path, text in _public_texts(data):
        words = _words(text)
        for start, word in enumerate(words):
            for name in first_words.get(word, ()):
                if tuple(words[start : start + len(name)]) == name:
                    found.append(Mention(_field_path(path), *hidden[name]))
    return list(dict.fromkeys(found))


def _hidden_names(data: PartnersFile) -> Iterator[tuple[tuple[str, ...], tuple[str, str, str]]]:
    """(the name's words, (the name, whose it is, the rule)) for each confidential name worth
    looking for; a prospect who is also a consenting partner is public by their own consent."""
    partners = {partner.id: partner for partner in data.partners}
    named = {_words(partner.name) for partner in data.partners if partner.public}
    people = [
        (referral.prospect, f"the prospect of referral {referral.id}", _PROSPECT_RULE)
        for referral in data.referrals
        if not (referral.public and partners[referral.partner].public)
    ]
    people += [
        (given.to, f"to whom given[{index}] sent business", _GIVEN_RULE)
        for index, given in enumerate(data.given)
    ]
    for name, whose, rule in people:
        words = _words(name)
        if len(name.strip()) >= MIN_LENGTH and words and words not in named:
            yield words, (name, whose, rule)


def _public_texts(data: PartnersFile) -> Iterator[tuple[str, str]]:
    """The texts public pages print: the public fields, and a consenting partner's own."""
    for item in text_values(data, _maybe_public_prose):
        owner = item.records[0] if item.records else None
        if item.audience == "public" or (isinstance(owner, Partner) and owner.public):
            yield item.path, item.text


def _maybe_public_prose(model: type[BaseModel], name: str, who: Audience) -> bool:
    """Whether a field holds words someone wrote that a public page may print: a public one, or
    a partner's own with their consent (not their name: a partner's name matching a prospect's
    is that partner's consent); not an id (``referred_by: chloe-radcliffe`` is printed nowhere,
    yet read as "Chloe Radcliffe") nor a word from a fixed list (a stage)."""
    consent = who == "consent" and model is Partner and name != "name"
    if not (who == "public" or consent) or is_id_field(model, name):
        return False
    return not _fixed_words(model.model_fields[name].annotation)


def _fixed_words(annotation: object) -> bool:
    """``Literal[...]``, or one that may be left out (``Literal[...] | None``)."""
    if typing.get_origin(annotation) is Literal:
        return True
    options = [option for option in typing.get_args(annotation) if option is not type(None)]
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and all(
        map(_fixed_words, options)
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.casefold()))


def _field_path(path: str) -> FieldPath:
    """``partners[0].spotlight`` → ``("partners", 0, "spotlight")``."""
    return tuple(name if name else int(index) for name, index in _STEP.findall(path))
