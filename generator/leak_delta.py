"""Under ``mkdocs serve``: what a file kept from the last clean scan must be searched for again
once the confidential values changed (a note edited, a partner withdrawing consent), so that
the serve guard finds exactly the leaks a search for every value finds. No MkDocs here.

Why searching for fewer values is enough. A kept file is unchanged, and its text was searched
for every value of the last clean scan (``before``): no value was found away from its home, or
each one found away from home lay inside a value at home there (then the file *covers*,
leak_scan.Verdict). Now the values are ``after``. Call a value of ``after`` *changed* when it
was no checked value before, or its homes or its forms differ, or one of its long forms opens
with an anchor whose set of long forms differs (leak_match: a long form hides another one that
starts inside it, so where a value is found depends on its anchor's other forms).

An unchanged value is found in the file exactly where it was found before, with the same
homes: if it is away from home now, it was then, and the file covers. So in a file that does
not cover, only changed values can be away from home. A matcher for the changed values alone
finds each of them in a text whenever the full one does (it may find more places: no other
long form hides theirs, which only matters for what covers what). If it finds none away from
home, the file is clean, and it still does not cover. A file that covers may have lost what
covered it (a note edited away: its old text is no value now), so it is searched for every
value; so is a file where a changed value is found away from home (a leak, or a place inside
an unchanged value at home, which only the whole search can tell). A value's fields never
decide where it may be; they name a leak, which the whole search does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .leak_match import Matcher, Shape
from .leak_scan import Places, folders_of


@dataclass(frozen=True)
class Checked:
    """The values a scan looks for: a matcher that finds them, and where each may appear."""

    matcher: Matcher
    places: Places


@dataclass(frozen=True)
class Proved:
    """What a clean scan proved its files free of: where each value may appear, and the shape
    of the matcher that looked for them (leak_match.Shape)."""

    homes: dict[str, frozenset[str]]
    shape: Shape

    @classmethod
    def by(cls, checked: Checked) -> Proved:
        return cls(checked.places.homes, checked.matcher.shape())


def recheck_matcher(before: Proved, after: Checked) -> Matcher | None:
    """A matcher for the changed values of ``after`` (empty when none changed but some value
    is gone); None when no value changed or went: every kept file's last verdict stands."""
    old_homes, old_forms, new = before.homes, before.shape.forms, after.matcher
    changed = {
        value
        for value, homes in after.places.homes.items()
        if old_homes.get(value) != homes or old_forms.get(value) != new.forms_of(value)
    }
    changed |= new.long_forms_changed(before.shape) & after.places.homes.keys()
    if not changed and old_homes.keys() == after.places.homes.keys():
        return None
    return new.subset(changed)


def away_from_home(relative: str, text: str, matcher: Matcher, places: Places) -> bool:
    """Whether ``matcher`` finds one of ``places``' values in a file outside its homes."""
    folders = folders_of(relative)
    homes = places.homes
    return any(value in homes and not homes[value] & folders for _, _, value in matcher.occurrences(text))
