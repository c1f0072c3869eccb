"""Finding many values in folded text (leak_text) in time linear in the text. No MkDocs here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick

# An automaton with long keys made the scan quadratic on repetitive text (pyahocorasick, used
# before ahocorasick-rs, walked a node's whole failure chain at every character of a
# 100,000-character "ha ha ha …" key). Keys are at most ANCHOR characters; a longer value is
# found by its first ANCHOR characters, then str.find (linear, two-way search) confirms it.
ANCHOR = 48
CHECK_BUDGET = 64  # anchor hits without a match, per file, before the str.find fallback
# Shorter forms must stand as a word: "Anne" is not found in "Annex". Longer ones are found
# even touching a letter or digit, and any form may touch CJK text (written without spaces).
WORD_BOUNDED = 12


@dataclass(frozen=True)
class Shape:
    """All that decides where a matcher finds each value: the value's forms, and the long forms
    by their anchor (a long form can hide another starting inside it). Kept between scans
    instead of the matcher, whose automaton is most of its memory."""

    forms: dict[str, frozenset[str]]
    long: dict[str, dict[int, set[str]]]


class Matcher:
    """Finds every value (by any of its folded forms) in folded text, in time linear in the text."""

    def __init__(self, value_forms: Mapping[str, Iterable[str]]) -> None:
        self._forms = {value: frozenset(its_forms) for value, its_forms in value_forms.items()}
        self._values: dict[str, list[str]] = defaultdict(list)  # form → values having it
        for value, its_forms in self._forms.items():
            for form in its_forms:
                self._values[form].append(value)
        # anchor → length → the longer forms starting with it. Stock notes share their opening
        # words by the thousand: a hit is checked by one slice per length, not one per form.
        self._long: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for form in sorted(self._values):
            if len(form) > ANCHOR:
                self._long[form[:ANCHOR]][len(form)].add(form)
        self._keys = sorted({form[:ANCHOR] for form in self._values})
        self._automaton = AhoCorasick(self._keys) if self._keys else None
        # Per key, by its index in the automaton: the values it is a whole form of, whether it
        # must stand as a word, whether longer forms open with it (looked up once per hit).
        self._whole = [tuple(self._values.get(key, ())) for key in self._keys]
        self._bounded = [len(key) < WORD_BOUNDED for key in self._keys]
        self._opens = [key in self._long for key in self._keys]

    def shape(self) -> Shape:
        return Shape(self._forms, self._long)

    def forms_of(self, value: str) -> frozenset[str] | None:
        """The forms this matcher looks for ``value`` by; None for a value it does not know."""
        return self._forms.get(value)

    def long_forms_changed(self, before: Shape) -> set[str]:
        """This matcher's values whose long forms share their anchor with a set of forms that
        differs in ``before``: a long form can hide another starting inside it (_long_forms),
        so where such a value is found may differ although its own forms did not."""
        anchors = self._long.keys() | before.long.keys()
        changed = [anchor for anchor in anchors if self._long.get(anchor) != before.long.get(anchor)]
        return {value for anchor in changed for value in self.opening_with(anchor)}

    def subset(self, values: set[str]) -> Matcher:
        """A matcher for ``values`` alone (known to this one). It finds a value in a text
        whenever this one does: a short form is found wherever it stands as a word, and the
        first place of a long form, which nothing before it can hide, is always found."""
        return Matcher({value: self._forms[value] for value in sorted(values)})

    def opening_with(self, anchor: str) -> set[str]:
        """The values having a form longer than ANCHOR that starts with ``anchor``."""
        by_length = self._long.get(anchor, {})
        return {value for forms in by_length.values() for form in forms for value in self._values[form]}

    def longest_key(self) -> int:
        """The automaton's longest key: bounds the work per character of text."""
        return max((len(form[:ANCHOR]) for form in self._values), default=0)

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, value)`` for each place a form of a value occurs in ``text``."""
        found: list[tuple[int, int, str]] = []
        if self._automaton is None:
            return found
        anchored: dict[int, list[int]] = defaultdict(list)
        whole, bounded, opens, keys = self._whole, self._bounded, self._opens, self._keys
        for index, start, end in self._hits(text):
            values = whole[index]
            if values and (not bounded[index] or _standalone(text, start, end, keys[index])):
                found.extend((start, end, value) for value in values)
            if opens[index]:
                anchored[index].append(start)
        for index, starts in anchored.items():
            for start, form in self._long_forms(text, self._long[keys[index]], starts):
                found.extend((start, start + len(form), value) for value in self._values[form])
        return found

    def _hits(self, text: str) -> list[tuple[int, int, int]]:
        """The automaton's ``(key index, start, end)`` for every key in ``text`` (overlapping
        ones too), in order of their ends."""
        automaton = self._automaton
        return automaton.find_matches_as_indexes(text, overlapping=True) if automaton else []

    @staticmethod
    def _long_forms(
        text: str, by_length: dict[int, set[str]], starts: list[int]
    ) -> Iterator[tuple[int, str]]:
        """Longer forms at the anchor's hits, without overlaps. Text that repeats the anchor
        many times without a match (a near copy of a repetitive note) would make slicing
        quadratic: past CHECK_BUDGET misses, each form is looked for once with str.find."""
        reached, misses = 0, 0
        for start in starts:
            if start < reached:
                continue
            if misses > CHECK_BUDGET:
                for form in sorted({form for forms in by_length.values() for form in forms}):
                    yield from ((found, form) for found in _find_all(text, form, start))
                return
            matched = [(length, text[start : start + length]) for length in by_length]
            found = [piece for length, piece in matched if piece in by_length[length]]
            misses += not found
            for piece in found:
                reached = max(reached, start + len(piece))
                yield start, piece


def _find_all(text: str, form: str, start: int) -> Iterator[int]:
    """Non-overlapping places of ``form``: each search resumes after the last one found."""
    while (found := text.find(form, start)) != -1:
        yield found
        start = found + len(form)


def _standalone(text: str, start: int, end: int, form: str) -> bool:
    """A short form counts only as a whole word (CJK characters end a word too)."""
    if len(form) >= WORD_BOUNDED:
        return True
    if start > 0 and _wordlike(form[0]) and _wordlike(text[start - 1]):
        return False
    return not (end < len(text) and _wordlike(form[-1]) and _wordlike(text[end]))


def _wordlike(char: str) -> bool:
    return char.isalnum() and not _is_cjk(char)


def _is_cjk(char: str) -> bool:
    point = ord(char)
    return (
        0x2E80 <= point <= 0x9FFF  # radicals, kana, CJK ideographs
        or 0xAC00 <= point <= 0xD7AF  # Hangul syllables
        or 0xF900 <= point <= 0xFAFF
        or 0xFF66 <= point <= 0xFF9F  # half-width katakana
        or 0x20000 <= point <= 0x3FFFF
    )
