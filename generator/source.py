"""Read partners.yaml into plain data, remembering where every value came from.

PyYAML's constructors are not used: they keep the last of duplicate keys, turn ``no``
into a boolean and ``0755`` into a number, and expand alias bombs. Instead the parser's
event stream is folded into dicts, lists and strings here, so every scalar stays the text
the editor wrote (the model decides what is a date or a number) and each surprise becomes
a located problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import blank_tabs, syntax_hints
from .problems import SYNTAX_ERROR, FieldPath, InvalidData, Problem

MAX_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 16
MAX_PROBLEMS = 100
EMPTY_FILE = "the file holds no data; it needs at least a newsletter: section with its title and owner"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML breaks lines at these too, so a name holding one fails with a baffling syntax error.
_SEPARATOR_NAMES = {"\u2028": "line separator", "\u2029": "paragraph separator", "\x85": "next line"}
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")
_LONE_CR = re.compile(r"\r+(?=[^\r\n])")  # neither the end of a line nor of the file; "\r\r" is one place
LONE_CARRIAGE_RETURN = (
    "the character U+000D (carriage return) ends a line in YAML, though many editors show it inside "
    "this one; replace it with a space or a normal line break"
)
# What YAML's reader refuses (and the separators above): blanked out only to locate a problem.
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


@dataclass
class SourceDocument:
    """The file's data plus the (line, column) of each value and each mapping key."""

    filename: str
    data: Any
    marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    # Problems that still leave usable data (duplicate keys, aliases, tags): reported
    # together with the model's own findings.
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for ``path`` (walking up to its parents)."""
        table = self.key_marks if key else self.marks
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.marks:
                return self.marks[path]
        return (1, 1)

    def problem(self, path: FieldPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(line, column, path, message, self.filename)


def read_text(raw: bytes, filename: str) -> str:
    """Decode the file, accepting a UTF-8 byte-order mark and CRLF line ends."""
    if len(raw) > MAX_BYTES:
        size = len(raw) / 1024 / 1024
        limit = MAX_BYTES // 1024 // 1024
        raise _fail(filename, (1, 1), (), f"the file is {size:.1f} MB; the limit is {limit} MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        message = (
            f"byte 0x{byte:02x} on line {line}, column {column} is not UTF-8 text (a letter saved "
            "in another encoding?); save the file as UTF-8"
        )
        raise _fail(filename, (line, column), (), message) from None


def parse(text: str, filename: str, *, with_marks: bool = True) -> SourceDocument:
    """Build plain data from YAML text; raise :class:`InvalidData` when no usable data remains."""
    separator = _LINE_SEPARATORS.search(text)
    if separator:
        raise _fail(filename, *_character_at(text, separator.start()), _separator_message(separator.group()))
    _refuse_lone_carriage_return(text, filename)
    written, text = text, blank_tabs.blank_lines_without_tabs(text)
    builder = _Builder(filename, with_marks, text)
    parser = _Parser(text)
    try:
        while (event := parser.get_event()) is not None:
            builder.feed(event)
            if builder.fatal:
                break
    except yaml.MarkedYAMLError as error:
        builder.syntax_error(error, text, written)
    except yaml.reader.ReaderError as error:
        builder.character_error(error, text)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return builder.finish()


def _refuse_lone_carriage_return(text: str, filename: str) -> None:
    """A carriage return inside a line of a file whose lines end in line feeds (pasted from an old
    program): YAML ends the line there, while vim shows ^M and the rest of the line, so libyaml's
    message came a line later than the editor counted, about a ':' it could not find. A file
    ending its lines in carriage returns alone is read as written."""
    lone = _LONE_CR.search(text) if "\r" in text and "\n" in text else None
    if lone is not None:
        # Blanked for the search of the field it stands in (same length: same lines and columns).
        place = _character_at(_LONE_CR.sub(" ", text), lone.start())
        raise _fail(filename, *place, LONE_CARRIAGE_RETURN)


def _separator_message(character: str) -> str:
    name = _SEPARATOR_NAMES[character]
    return (
        f"the character U+{ord(character):04X} ({name}) ends a line in YAML but is invisible in "
        "most editors; replace it with a space or a normal line break"
    )


def _character_at(text: str, offset: int) -> tuple[tuple[int, int], FieldPath]:
    """Line and column of ``text[offset]``, and the field it stands in (found by parsing a copy
    with every character YAML refuses blanked out, so the field path can be named)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    try:
        marks = parse(_NOT_YAML.sub(" ", text), "", with_marks=True).marks
    except InvalidData:
        return (line, column), ()
    before = [(mark, path) for path, mark in marks.items() if mark <= (line, column)]
    nearest = max(before, key=lambda item: (item[0], len(item[1])), default=((1, 1), ()))
    return (line, column), nearest[1]


def _short(value: str) -> str:
    return value if len(value) <= syntax_hints.CUT_WORDS else f"…{value[-syntax_hints.CUT_WORDS :]}"


def _fail(filename: str, mark: tuple[int, int], path: FieldPath, message: str) -> InvalidData:
    return InvalidData([Problem(mark[0], mark[1], path, message, filename)])


def _text_tag_problem(tag: str, value: str) -> str:
    """`note: !Urgent call Bob` is the tag !Urgent on 'call Bob' to YAML: the editor meant text."""
    if "\n" in value:  # a '|' or '>' block: one line of quotes would not hold it
        return f"YAML tags such as {tag} are not supported; remove the tag"
    return (
        f"YAML tags such as {tag} are not supported; if '{tag}' is part of the text, put the whole "
        f"value in quotes ({_quoted_with(tag, value)}), else remove the tag"
    )


def _quoted_with(prefix: str, value: str | None) -> str:
    return syntax_hints.single_quoted(f"{prefix} {value}" if value else prefix)


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Frame:
    """A mapping or list being filled, with the key waiting for its value."""

    __slots__ = ("container", "discard", "path", "pending_key")

    def __init__(self, container: dict[str, Any] | list[Any], path: FieldPath) -> None:
        self.container = container
        self.path = path
        self.pending_key: str | None = None
        self.discard = False


class _Builder:
    """Folds parser events into data; one instance per parse."""

    def __init__(self, filename: str, with_marks: bool, text: str) -> None:
        self.document = SourceDocument(filename, None)
        self.comment_lines = syntax_hints.lines_with_glued_comments(text)
        self.with_marks = with_marks
        self.stack: list[_Frame] = []
        self.problems: list[Problem] = []
        self.documents = 0
        self.has_root = False
        self.fatal = False
        # Anchored text values, until an alias uses the anchor (the alias is reported instead).
        # A list per name: two values may carry one (`&Co` in two records), and an alias uses
        # only the last before it, so each other one dropped its text unseen.
        self.anchored: dict[str, list[tuple[tuple[int, int], FieldPath, str | None]]] = {}

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):  # most events are scalars: test them first
            self._scalar(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self._start_document(event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)

    def _start_document(self, event: yaml.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            line = _position(event.start_mark)[0]
            message = (
                f"a second YAML document starts at this '---' on line {line}; the file holds one: "
                "delete this line and what follows it, or the part before it"
            )
            self._report(_position(event.start_mark), (), message)
            self.fatal = True

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        problem = self._tag_problem(event)
        if problem and event.tag and event.tag.startswith("!") and not event.tag.startswith("!!"):
            problem = _text_tag_problem(event.tag, event.value)
        plain = event.implicit[0] and not event.style  # libyaml says '' where PyYAML says None
        value = None if plain and event.value in _NULLS and event.tag is None else event.value
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.pending_key is None:
            self._key(frame, event, value)
            if problem:
                self._report(_position(event.start_mark), (*frame.path, frame.pending_key or ""), problem)
        else:
            end = event.end_mark
            if plain and value is not None and end is not None and end.line in self.comment_lines:
                problem = problem or self._comment_problem(value, end.line, end.column)
            path = self._attach(value, event, problem=problem)
            if event.anchor is not None:
                self.anchored.setdefault(event.anchor, []).append((_position(event.start_mark), path, value))

    def _comment_problem(self, value: str, line: int, column: int) -> str | None:
        dropped = syntax_hints.comment_cut(self.comment_lines[line], column)
        if dropped is None or not syntax_hints.cut_short(value, dropped):
            return None
        return (
            f"'{dropped}' after a space and '#' is a YAML comment, so the value ends at "
            f"'{_short(value)}'; put the whole value in quotes, or write '# ' to mean a comment"
        )

    def _alias(self, event: yaml.AliasEvent) -> None:
        used = self.anchored.get(event.anchor or "")
        if used:
            used.pop()
        message = f"aliases (*{event.anchor}) are not supported; write the value out"
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.pending_key is None:
            self._report(_position(event.start_mark), frame.path, message)
            frame.pending_key = ""
            frame.discard = True  # the alias stood for a key: drop the value that follows
        else:
            self._attach(None, event, problem=message)

    def _tag_problem(self, event: yaml.NodeEvent) -> str | None:
        """Every explicit tag, on a value, a key, a mapping or a list: values here are plain text,
        and a tag (``!!python/object/new:…``, ``!!set``) asks for something else."""
        tag = getattr(event, "tag", None)
        if not tag:
            return None
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        return f"YAML tags such as {shown} are not supported; remove the tag"

    def _key(self, frame: _Frame, event: yaml.ScalarEvent, key: str | None) -> None:
        assert isinstance(frame.container, dict)
        name = key if key is not None else ""
        frame.pending_key = name
        frame.discard = False
        if not name.strip():  # `~:` or `"":` names no field; its path would end in a dot
            self._report(_position(event.start_mark), frame.path, "a key is empty; write the field name")
            frame.discard = True
        elif name in frame.container and name == next(iter(frame.container)) and self._split_record(event):
            return
        elif name in frame.container:
            path = (*frame.path, name)
            first = self.document.key_marks.get(path)
            where = f" (first at line {first[0]})" if first else ""
            self._report(_position(event.start_mark), path, f"duplicate key '{name}'{where}; keep only one")
            frame.discard = True
        elif self.with_marks:
            self.document.key_marks[(*frame.path, name)] = _position(event.start_mark)

    def _split_record(self, event: yaml.ScalarEvent) -> bool:
        """A list item's first field again (``id:`` of a pasted record whose ``- `` is missing): read
        the rest as the next record, with one problem, instead of a duplicate key per field."""
        frame, parent = self.stack[-1], self.stack[-2] if len(self.stack) >= 2 else None
        if parent is None or not isinstance(parent.container, list):
            return False
        name = frame.pending_key or ""
        record: dict[str, Any] = {}
        path = (*parent.path, len(parent.container))
        parent.container.append(record)
        self.stack[-1] = _Frame(record, path)
        self.stack[-1].pending_key = name
        mark = _position(event.start_mark)
        self.document.marks[path] = mark
        self.document.key_marks[(*path, name)] = mark
        message = (
            f"'{name}' again in one record: a new record starts with '- ' (write '- {name}: …' here); "
            "if it is the same record, keep only one"
        )
        self._report(mark, (*path, name), message)
        return True

    def _open(self, event: yaml.Event) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.pending_key is None:
            self._report(_position(event.start_mark), frame.path, "a key must be plain text")
            frame.pending_key = ""
            frame.discard = True
        container: dict[str, Any] | list[Any]
        container = {} if isinstance(event, yaml.MappingStartEvent) else []
        assert isinstance(event, yaml.NodeEvent)
        path = self._attach(container, event, problem=self._tag_problem(event))
        self.stack.append(_Frame(container, path))
        if len(self.stack) > MAX_DEPTH:
            self._report(_position(event.start_mark), path, "nested too deeply for partners.yaml")
            self.fatal = True

    def _attach(self, value: Any, event: yaml.Event, *, problem: str | None = None) -> FieldPath:
        if not self.stack:
            self.has_root = True
            self.document.data = value
            path: FieldPath = ()
        else:
            frame = self.stack[-1]
            if isinstance(frame.container, list):
                path = (*frame.path, len(frame.container))
                frame.container.append(value)
            else:
                assert frame.pending_key is not None
                path = (*frame.path, frame.pending_key)
                if not frame.discard:
                    frame.container[frame.pending_key] = value
                frame.pending_key = None
        if self.with_marks or problem:
            mark = _position(event.start_mark)
            self.document.marks[path] = mark
            if problem:
                self._report(mark, path, problem)
        return path

    def _report(self, mark: tuple[int, int], path: FieldPath, message: str) -> None:
        self.problems.append(Problem(mark[0], mark[1], path, message, self.document.filename))
        if len(self.problems) >= MAX_PROBLEMS:
            self.fatal = True  # a hostile or badly broken file: stop rather than flood

    def syntax_error(self, error: yaml.MarkedYAMLError, text: str, written: str) -> None:
        mark = error.problem_mark or error.context_mark
        position = _position(mark) if mark else (1, 1)
        detail = error.problem or "invalid YAML"
        if "nesting depth" in detail:
            self._report(position, self._open_path(position, text), "nested too deeply for partners.yaml")
        elif blank := syntax_hints.blank_too_deep(written, position, detail):
            place, message, header = blank  # the field is the block's, on the line that opens it
            self._report(place, self._open_path((header, 1), text), f"{SYNTAX_ERROR}: {message}")
        else:
            position, detail = syntax_hints.explained(error, position, detail, text)
            self._report(position, self._syntax_error_path(position, text), f"{SYNTAX_ERROR}: {detail}")
        self.fatal = True

    def _syntax_error_path(self, position: tuple[int, int], text: str) -> FieldPath:
        """The open field, or the field whose key lacks the space after its colon (``asked:true``
        is one scalar to YAML, so no key of that name was ever read)."""
        path = self._open_path(position, text)
        glued = syntax_hints.glued_key(text, position[0])
        frame = self.stack[-1] if self.stack else None
        if not glued or frame is None or path != frame.path:
            return path
        if isinstance(frame.container, list):  # `- id:r-1`: read as a text item, or about to be
            items = frame.container
            return (*path, len(items) - 1 if items and isinstance(items[-1], str) else len(items), glued)
        return (*path, glued)

    def _open_path(self, position: tuple[int, int], text: str) -> FieldPath:
        """The field being read when the parser stopped: the key waiting for its value when the
        problem is on that key's line, or below a key whose line ends at its colon (the parser
        reads ahead, so a key further up may still be waiting for a value it has read, while the
        problem is on a later line)."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        key = frame.pending_key
        if not key and isinstance(frame.container, dict) and frame.container:
            key = next(reversed(frame.container))  # its value read, the rest of its line not
        if key:
            key_path = (*frame.path, key)
            key_mark = self.document.key_marks.get(key_path)
            if key_mark is not None and key_mark[0] == position[0]:
                return key_path
            # `partners:` alone on its line, then a tab before the first '-': its value is at fault.
            if (
                key_mark is not None
                and key == frame.pending_key
                and syntax_hints.value_below(text, key_mark[0])
            ):
                return key_path
        return frame.path

    def character_error(self, error: yaml.reader.ReaderError, text: str) -> None:
        position, path = _character_at(text, error.position)
        message = f"the character U+{error.character:04X} is not allowed in YAML; delete it"
        self._report(position, path, message)
        self.fatal = True

    def _unused_anchors(self) -> None:
        """`company: &Co Partners` is the anchor &Co and the text 'Partners' to YAML: the editor's
        '&Co' vanished from the pages without a word. No alias uses such an anchor."""
        unused = [(anchor, *place) for anchor, places in self.anchored.items() for place in places]
        for anchor, mark, path, value in sorted(unused, key=lambda item: item[1]):
            message = f"'&{anchor}' is read as a YAML anchor, not as text: delete it"
            if not value or "\n" not in value:  # a '|' or '>' block: one line of quotes would not hold it
                message += (
                    f", or put the whole value in quotes ({_quoted_with(f'&{anchor}', value)}) to keep it"
                )
            self._report(mark, path, message)

    def finish(self) -> SourceDocument:
        self._unused_anchors()
        if not self.problems and not self.has_root:
            self._report((1, 1), (), EMPTY_FILE)
        if self.fatal or not self.has_root:
            raise InvalidData(self.problems)
        self.document.problems = self.problems
        return self.document
