"""Tabs on lines that look blank: spaces for the ones YAML 1.2 reads as blank, the rest kept.

A line of spaces and tabs only, or of them and a comment, is blank to the eye and to YAML 1.2
(yaml-test-suite DK95), so the editor raised nothing, but libyaml took its tab for indentation
and refused the whole file. Inside a ``|`` or ``>`` block, though, whatever stands at or past
the block's indentation is its text, tabs and all (``note: |`` with a line of two spaces and a
tab keeps the tab; ``  \\t# item`` is the text ``\\t# item``, not a comment): those tabs stay, so a
valid file is read exactly as YAML reads it. Every tab becomes one space, so lines and columns
stay.
"""

from __future__ import annotations

import re

# A line of spaces and tabs only, or of them and a comment, holding a tab.
_BLANK_LINE_WITH_TAB = re.compile(r"(?<![^\r\n])[ \t]*\t[ \t]*(?=[#\r\n]|\Z)")
_TAB_BLANK = re.compile(r"[ \t]*\t[ \t]*(?:#.*)?")
# `note: |`, `- >-`, `title: >2 # why`: the line that opens a block scalar.
_BLOCK_HEADER = re.compile(r"(?:^|[ \t])[|>][-+0-9]*[ \t]*(?:#.*)?\Z")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def blank_lines_without_tabs(text: str) -> str:
    """``text`` with spaces for the tabs YAML 1.2 reads as blank: one for one."""
    if "\t" not in text or not _BLANK_LINE_WITH_TAB.search(text):  # nearly every file
        return text
    lines = _LINE.findall(text)
    _Blocks(lines).replace()
    return "".join(lines)


class _Blocks:
    """One pass over the lines, knowing which lie in a block scalar and at what indentation."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.parent: int | None = None  # the indentation of the open block's header line
        self.indent: int | None = None  # the block's own, once its first line of text is read
        self.pending: list[int] = []  # blank lines of the block before its first line of text

    def replace(self) -> None:
        for number, line in enumerate(self.lines):
            body = line.rstrip("\r\n")
            if self.parent is not None and self._in_block(number, body):
                continue
            if _TAB_BLANK.fullmatch(body):  # only its indentation: a quoted value may go on
                self.lines[number] = _spaces_before(line, len(body) - len(body.lstrip(" \t")))
            if opens_block(body):
                self.parent, self.indent, self.pending = _leading_spaces(body), None, []
        self._close()

    def _in_block(self, number: int, body: str) -> bool:
        if not body.strip(" \t"):  # a blank line: its indentation is unknown until text comes
            if self.indent is None:
                self.pending.append(number)
            else:
                self._blank(number, self.indent)
            return True
        lead = _leading_spaces(body)
        if self.indent is None and self.parent is not None and lead > self.parent:
            self.indent = lead
        if self.indent is not None and lead >= self.indent:
            self._resolve(self.indent)
            return True
        self._close()
        return False

    def _resolve(self, indent: int | None) -> None:
        for number in self.pending:
            self._blank(number, indent)
        self.pending = []

    def _blank(self, number: int, indent: int | None) -> None:
        """A tab at or past the block's indentation is its text; one before it indents the line,
        which libyaml refuses, and makes the line blank to YAML 1.2."""
        line = self.lines[number]
        if indent is None or _leading_spaces(line) < indent:
            self.lines[number] = line.replace("\t", " ")

    def _close(self) -> None:
        self._resolve(None)
        self.parent = self.indent = None


def opens_block(body: str) -> bool:
    """Whether the line ``body`` (without its line end) opens a ``|`` or ``>`` block."""
    return bool(_BLOCK_HEADER.search(body)) and not body.lstrip(" \t").startswith("#")


def _spaces_before(line: str, column: int) -> str:
    return line[:column].replace("\t", " ") + line[column:]


def _leading_spaces(body: str) -> int:
    return len(body) - len(body.lstrip(" "))
