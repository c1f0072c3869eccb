"""What the JSON Schema tells editors about each field type of field_types.py: the checks as
patterns, and the words an editor shows when a value does not match.

The patterns are exact for ASCII and looser only for other characters: JSON Schema's regular
expressions know no Unicode \\w, so any non-ASCII character but a space stands in for a letter.
A tab in a name, a stray dot in an address, a web address or a path outside the docs folder is
underlined as it is typed, as `check` refuses it. ``patternErrorMessage`` is what the YAML
language server (and VS Code) says instead of quoting a pattern of 200 characters.
"""

from __future__ import annotations

from typing import Any

# The end of the value: Python's $ (jsonschema's, check-jsonschema's) also matches before a final
# line break, so "Anne\n" (a `|` block) passed a one-line pattern there; JavaScript's does not.
_END = r"(?!\n)$"
# Characters that print as nothing: soft hyphen, joiners, zero-width spaces and marks, word
# joiner, byte-order mark. A value of these (and spaces) alone is blank.
INVISIBLE = r"\u00ad\u034f\u061c\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_LINE_BREAKING = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff"
_CONTROL_CHARACTERS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff"

# field_types.Text: something besides spaces, no control character, line break or tab.
ONE_LINE: dict[str, Any] = {
    "pattern": f"^[^{_LINE_BREAKING}]*[^{_LINE_BREAKING}\\s{INVISIBLE}][^{_LINE_BREAKING}]*{_END}",
    "patternErrorMessage": "One line of text: no line break, tab or control character, and not only spaces.",
}
# field_types.LongText: something besides spaces, no control character.
NOT_BLANK: dict[str, Any] = {
    "pattern": f"^[^{_CONTROL_CHARACTERS}]*[^{_CONTROL_CHARACTERS}\\s{INVISIBLE}][^{_CONTROL_CHARACTERS}]*$",
    "patternErrorMessage": "Text with no control character, and not only spaces.",
}

# An address as field_types._parse_email takes it: ASCII before the @ (dot-separated, no dot at
# either end or twice), then labels of letters, digits, '-' and '_' neither starting nor ending
# with '-' or '_'.
_OTHER_LETTER = r"[^\x00-\x9f\s]"
_EMAIL_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^`{|}~_-]+"
_EMAIL_END = rf"(?:[A-Za-z0-9]|{_OTHER_LETTER})"
_EMAIL_LABEL = rf"{_EMAIL_END}(?:(?:[A-Za-z0-9_-]|{_OTHER_LETTER})*{_EMAIL_END})?"
EMAIL: dict[str, Any] = {
    "pattern": rf"^{_EMAIL_ATEXT}(?:\.{_EMAIL_ATEXT})*@{_EMAIL_LABEL}(?:\.{_EMAIL_LABEL})*{_END}",
    "patternErrorMessage": "One plain email address such as name@example.com, ASCII before the @: "
    "no display name, brackets, second address or stray dot.",
}

# A docs path as field_types._parse_docs_path takes it: parts of letters, digits, '_', '.' and '-'
# (every other ASCII character refused), none hidden, none "." or "..", and not in templates/.
_PATH_PART = r"[^\x00-\x2c/:-@\[-\^`{-\x9f\s]+"
DOCS_PATH: dict[str, Any] = {
    "pattern": rf"^(?!templates/)(?!\.|.*/\.){_PATH_PART}(?:/{_PATH_PART})*{_END}",
    "patternErrorMessage": "A path inside the docs folder such as images/logo.png: letters, digits, "
    "'_', '.', '-' and '/', no part starting with a dot, not in templates/.",
}

# Digits are [0-9]: Python's \d (jsonschema's) also takes Arabic-Indic and fullwidth ones.
# A date: a real one (the editor's `format: date` is a pattern that takes 2026-02-30), from the
# earliest year (rules.EARLIEST) on; the latest depends on today, which a schema cannot know, so
# the fields' descriptions say it.
_YEAR = r"(?:19|[2-9][0-9])[0-9]{2}"
_MONTH_DAY = (
    r"(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
# 29 February: years divisible by 4 but not by 100, or by 400.
_LEAP_YEAR = r"(?:19|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00"
DATE: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": rf"^(?:{_YEAR}-(?:{_MONTH_DAY})|(?:{_LEAP_YEAR})-02-29){_END}",
    "patternErrorMessage": "A real date as YYYY-MM-DD, from 1900-01-01 on.",
}
CLOCK_WORDS = {"patternErrorMessage": "A time of day as HH:MM, from 00:00 to 23:59, e.g. 18:30."}
ID_WORDS: dict[str, Any] = {
    "patternErrorMessage": "An id: lower-case letters, digits and '-', starting with a letter or digit, "
    "at most 63 characters."
}
