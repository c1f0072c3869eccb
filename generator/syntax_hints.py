"""What an editor meant, for the YAML mistakes whose parser message points elsewhere or says
nothing useful: a key with no space after its colon, a list dash glued to its key, a line
indented out of step, a tab, text starting with a character YAML reads as syntax (``@``, ``*``,
a quoted word), and a ``#`` that silently cut a value short.

Each function reads the parser's error and the file's text around the place it gave; none
of them decides whether the file is valid (the parser and the model do that).
"""

from __future__ import annotations

import re

import yaml

from .blank_tabs import opens_block

# `asked:true`, `- id:r-1`: YAML reads one plain scalar, not a key and its value, and fails a
# line or two further on. A URL's `://` is not taken for a key (`note:http` is, rightly).
_GLUED_COLON = re.compile(r"^ *(?:- +)?([A-Za-z_][\w-]{0,63}):(?=[^\s:/])(\S+)")
# `name :Anne`: the space went before the colon, so YAML reads one plain scalar again.
_SPACED_COLON = re.compile(r"^ *(?:- +)?([A-Za-z_][\w-]{0,63})[ \t]+:(?=\S)(\S+)")
_GLUED_DASH = re.compile(r"^ *-(?=[A-Za-z_])")
_INDENTATION_ERRORS = ("expected '-' indicator", "did not find expected key", "expected <block end>")
# ` #2`, ` #1 priority`: a comment to YAML, but a comment is usually written `# text`.
_COMMENT_GLUED = re.compile(r"[ \t]#(?=[^\s#])")
_HASH_GLUED = re.compile(r"#(?=[^\s#])")  # found 20 times faster than the above: it starts with a literal
CUT_WORDS = 40  # how much of the dropped text a message quotes
# `key: value` on one line, the value up to a comment (` #`) or the line's end.
_KEY_VALUE = re.compile(r"^ *(?:- +)?([A-Za-z_][\w-]{0,63}) *: +(\S.*?)(?: +#.*)? *$")
_BLOCK_HEADER = re.compile(r"[-+0-9]* *(?:#.*)?")
_FIELD_START = re.compile(r"^ *(?:- +)?[A-Za-z_][\w-]{0,63} *:(?:\s|$)")  # `company: Hall`, `- id:`
_ALIAS = re.compile(r"[^\s,\[\]{}]+ *")
_WORD_AFTER = re.compile(r" *\w")
_LINE_BREAK = re.compile(r"\r\n?|\n")  # YAML's, as libyaml counts lines
_COMMENT = re.compile(r"(?:^|[ \t])#.*")


def explained(
    error: yaml.MarkedYAMLError, position: tuple[int, int], detail: str, text: str
) -> tuple[tuple[int, int], str]:
    """Where an editor should look, and what to do, for the syntax errors that point elsewhere."""
    if error.context_mark is not None and position[0] >= text.count("\n") + 1:
        # An unclosed quote or bracket runs to the end of the file, where the parser stops:
        # the line that opened it is the one to fix.
        context = error.context or ""
        what = "a value"
        if "quoted" in context:
            what = "a quoted value"
        elif "flow" in context:
            what = "a [list] or {mapping} on one line"
        else:  # `note: "Great" meeting` as the last line, with no line end: the value is at fault
            hinted = syntax_hint(text, position, detail)
            if hinted is not None:
                return hinted
        mark = error.context_mark
        start = (mark.line + 1, mark.column + 1)
        if context == "while parsing a flow node":  # libyaml marks the file's end, not the '['
            start = _last_opener(text) or start
        return start, f"{what} starts here and is never closed ({detail})"
    opened = _unclosed_flow(error, position, text)
    if opened is not None:
        return opened, f"a [list] or {{mapping}} on one line starts here and is never closed ({detail})"
    hinted = syntax_hint(text, position, detail)
    if hinted is not None:
        return hinted
    if "mapping values are not allowed" in detail:
        hint = "a value holding ': ' must be put in quotes, and a key must line up with the keys beside it"
        return position, f"{detail}: {hint}"
    return position, detail


def blank_too_deep(
    text: str, position: tuple[int, int], detail: str
) -> tuple[tuple[int, int], str, int] | None:
    """A line of only tabs or spaces between a ``|`` or ``>`` and the block's first line of text,
    reaching past that text's indentation: libyaml takes it for the block's indentation, ends the
    block there, and stops at the text saying 'did not find expected key', which the indentation
    hint sent the editor to fix on the text's line. The place, the message, and the block's line.
    ``text`` is the file as written, before blank_tabs made those tabs spaces."""
    lines = _LINE_BREAK.split(text)
    if not any(words in detail for words in _INDENTATION_ERRORS) or not 1 < position[0] <= len(lines):
        return None
    stopped_at = lines[position[0] - 1]
    if _FIELD_START.match(stopped_at):  # a field indented wrongly below an empty block, maybe:
        return None  # deleting the blank line would make it the block's text (review63)
    indent = len(stopped_at) - len(stopped_at.lstrip(" "))
    number, deep = position[0] - 1, None
    while number > 1 and not lines[number - 1].strip(" \t"):
        deep = number if len(lines[number - 1]) > indent else deep
        number -= 1
    header = lines[number - 1]
    if deep is None or not opens_block(header) or indent <= len(header) - len(header.lstrip(" ")):
        return None
    blank = lines[deep - 1]
    held = "tabs" if set(blank) == {"\t"} else "tabs and spaces" if "\t" in blank else "spaces"
    what = "only tabs" if held == "tabs" else f"{len(blank)} {held}"
    message = (
        f"a line of {what} before the block's first line of text, and longer than that line's "
        f"indentation ({indent} spaces): YAML takes it for the block's indentation and the text "
        f"for a new field; delete the {held}"
    )
    return (deep, indent + 1), message, number


def _unclosed_flow(
    error: yaml.MarkedYAMLError, position: tuple[int, int], text: str
) -> tuple[int, int] | None:
    """Where a [list] or {mapping} opened on an earlier line than the parser stopped at
    (`name: [x`, then the next record): libyaml names that next line, about a ',' or ']'."""
    context, mark = error.context or "", error.context_mark
    if "flow" not in context or mark is None:
        return None
    start = _last_opener(text, position) if context == "while parsing a flow node" else None
    start = start or (mark.line + 1, mark.column + 1)
    return start if start[0] < position[0] else None


def _last_opener(text: str, before: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """The last '[' or '{' outside a comment (before ``before``, if given): the one whose value
    never came (`stage: [` as the file's last line, where libyaml marks the file's end)."""
    lines = _LINE_BREAK.split(text)
    last = len(lines) if before is None else min(before[0], len(lines))
    for number in range(last, 0, -1):
        code = _COMMENT.sub("", lines[number - 1])
        if before is not None and number == before[0]:
            code = code[: before[1] - 1]
        column = max(code.rfind("["), code.rfind("{"))
        if column >= 0:
            return number, column + 1
    return None


def syntax_hint(text: str, position: tuple[int, int], detail: str) -> tuple[tuple[int, int], str] | None:
    """A better place and message for a syntax error at ``position`` (1-based), if one applies."""
    lines = text.split("\n")
    # A `key:value` or `key :value` line read as one scalar ends in a missing ':' or a value not
    # allowed, never in a missing key: that is a block's or a quoted value's line of text, above
    # a line indented wrongly (review63: 'Later :Monday' in a spotlight was blamed for it).
    keys_read_as_text = "did not find expected key" not in detail
    for number in _this_and_previous_line(lines, position[0]):
        line = lines[number - 1].rstrip("\r")
        glued = _GLUED_COLON.match(line) if keys_read_as_text else None
        if glued:
            key, value = glued.groups()
            message = f"'{key}:{value}' needs a space after the colon: write '{key}: {value}'"
            return (number, glued.start(1) + 1), message
        spaced = _SPACED_COLON.match(line) if keys_read_as_text else None
        if spaced:
            key, value = spaced.groups()
            written = line[spaced.start(1) : spaced.end(2)]
            message = (
                f"'{written}' has a space before the colon, where YAML needs it after: write '{key}: {value}'"
            )
            return (number, spaced.start(1) + 1), message
        if _GLUED_DASH.match(line):
            message = "a list item needs a space after its '-': write '- ' before the first field"
            return (number, line.index("-") + 1), message
    special = _special_start(lines, position[0])
    if special is not None:
        return special
    if "tab" in detail:
        return position, f"{detail}: indent with spaces, not tabs"
    tab = _tab_message(lines, position)
    if tab is not None:
        return position, tab
    if any(words in detail for words in _INDENTATION_ERRORS):
        return position, (
            f"{detail}: this line is indented differently from the lines around it; "
            "the fields of one record must line up under its first field"
        )
    return None


def _special_start(lines: list[str], number: int) -> tuple[tuple[int, int], str] | None:
    """`note: *Great* meeting`, `company: @home`, `name: "Bob" Smith`: text that starts with a
    character YAML reads as syntax. libyaml's words for it ('did not find expected alphabetic or
    numeric character', 'cannot start any token', or an indentation hint) never say to quote it."""
    found = _KEY_VALUE.match(lines[number - 1].rstrip("\r")) if 1 <= number <= len(lines) else None
    if found is None or not _reads_as_syntax(found.group(2)):
        return None
    key, value = found.group(1), found.group(2)
    message = (
        f"a value starting with {value[0]} means something else to YAML: "
        f"put the whole value in quotes, as {key}: {_quoted(value)}"
    )
    return (number, found.start(2) + 1), message


def _reads_as_syntax(value: str) -> bool:
    """Whether a value that failed to parse is text that starts with a YAML indicator."""
    first, rest = value[0], value[1:]
    if first in "@`%":  # reserved: nothing may start with them
        return True
    if first in "|>":  # a block's header takes only a digit, '+' or '-', then a comment
        return not _BLOCK_HEADER.fullmatch(rest)
    if first in "-?":  # '- ' opens a list item, '? ' a key
        return rest.startswith(" ")
    if first == "*":  # an alias is one word
        return not _ALIAS.fullmatch(rest)
    if first in "[{" and ":" in value[: _closing(value)]:  # a {mapping}: malformed, not text
        return False
    if first in "\"'[{":  # a quoted or bracketed part, then more words
        return _WORD_AFTER.match(value, _closing(value) + 1) is not None
    return False


def _closing(value: str) -> int:
    """The index of the character that closes the quote or bracket opening ``value`` (the last
    character when none does)."""
    opener = value[0]
    if opener in "\"'":
        index = 1
        while index < len(value):
            if value[index] == "\\" and opener == '"':
                index += 2
                continue
            if value[index] == opener and value[index : index + 2] != opener * 2:
                return index
            index += 1 + (value[index : index + 2] == opener * 2)
        return len(value) - 1
    depth = 0
    for index, character in enumerate(value):
        depth += (character in "[{") - (character in "]}")
        if depth == 0:
            return index
    return len(value) - 1


def _quoted(value: str) -> str:
    """``value`` as a YAML quoted scalar: in double quotes where that needs no escape and saves
    doubling an apostrophe, else in single quotes."""
    if "'" in value and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return single_quoted(value)


def single_quoted(text: str) -> str:
    """``text`` as a single-quoted YAML scalar (an apostrophe doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _tab_message(lines: list[str], position: tuple[int, int]) -> str | None:
    """libyaml says 'found character that cannot start any token' of a tab that indents a list
    item or a section's first field, or follows a '-', without a word about the tab."""
    line = lines[position[0] - 1] if 1 <= position[0] <= len(lines) else ""
    before = line[: position[1] - 1]
    if line[position[1] - 1 : position[1]] != "\t":
        return None
    if not before.strip():
        return "found a tab character that indents this line: indent with spaces, not tabs"
    if before.rstrip(" \t").endswith("-"):
        return "found a tab character after '-': write a space after it, not a tab"
    return "found a tab character where YAML needs a space: write a space instead"


def value_below(text: str, line_number: int) -> bool:
    """Whether line ``line_number`` (1-based) ends at its key's colon, a comment aside: the key's
    value is on the lines below it."""
    lines = text.split("\n", line_number)
    line = lines[line_number - 1] if len(lines) >= line_number else ""
    return line.split(" #", 1)[0].rstrip().endswith(":")


def glued_key(text: str, line_number: int) -> str | None:
    """The key of ``key:value`` or ``key :value`` on line ``line_number`` (1-based), if that line
    is one."""
    lines = text.split("\n", line_number)
    line = lines[line_number - 1] if len(lines) >= line_number else ""
    glued = _GLUED_COLON.match(line) or _SPACED_COLON.match(line)
    return glued.group(1) if glued else None


def comment_cut(line: str, end_column: int) -> str | None:
    """The text a ``#`` dropped from a plain value ending at ``end_column`` (0-based) of ``line``:
    ``Called Bill #2 the same week`` keeps only ``Called Bill``, with no word from YAML."""
    rest = line[end_column:]
    if not _COMMENT_GLUED.match(rest):
        return None
    dropped = rest.strip()
    return dropped if len(dropped) <= CUT_WORDS else f"{dropped[:CUT_WORDS]}…"


def cut_short(value: str, dropped: str) -> bool:
    """Whether a value followed by ``#word`` reads as text cut short, not as a value and a
    comment written without its space: words before it (``Called Bill #2``), or a number after
    it (``Apt #4``). ``id: anne #main`` and ``public: true #consent`` stay comments, as YAML says."""
    return " " in value.strip() or dropped[1:2].isdigit()


def lines_with_glued_comments(text: str) -> dict[int, str]:
    """The lines that may hold a ``#`` glued to a word, by 0-based number; usually none."""
    found: dict[int, str] = {}
    line, counted = 0, 0
    for match in _HASH_GLUED.finditer(text):
        if match.start() == 0 or text[match.start() - 1] not in " \t":
            continue
        line += text.count("\n", counted, match.start())
        counted = match.start()
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        found[line] = text[start : end if end >= 0 else len(text)].rstrip("\r")
    return found


def _this_and_previous_line(lines: list[str], line_number: int) -> list[int]:
    """The error's line and the last line above it holding anything but a comment."""
    numbers = [line_number] if 1 <= line_number <= len(lines) else []
    for number in range(min(line_number, len(lines) + 1) - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            numbers.append(number)
            break
    return numbers
