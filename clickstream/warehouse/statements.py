"""Read SQL text: split a .sql file into statements (on `;` outside quotes and comments), and tell
code from comments and quoted literals."""

from __future__ import annotations

import re
from collections.abc import Iterator

_NON_CODE_START = re.compile(r"--|/\*|['\"`]")


def skip_non_code(text: str, index: int) -> int:
    """The index just past the comment or quoted literal (string, "identifier", `identifier`)
    that starts at `index`; `index` itself when none starts there."""
    pair = text[index : index + 2]
    if pair == "--":
        end = text.find("\n", index)
        return len(text) if end == -1 else end
    if pair == "/*":
        end = text.find("*/", index + 2)
        return len(text) if end == -1 else end + 2
    quote = text[index : index + 1]
    if quote and quote in "'\"`":
        position = index + 1
        while position < len(text) and text[position] != quote:
            position += 2 if text[position] == "\\" else 1
        return min(position + 1, len(text))
    return index


def code_positions(text: str) -> list[bool]:
    """For every character of `text`: is it SQL code (not inside a comment or quoted literal)?"""
    mask = [True] * len(text)
    for start, end in _non_code_spans(text):
        mask[start:end] = [False] * (end - start)
    return mask


def split_statements(text: str) -> list[str]:
    statements: list[str] = []
    start = code_start = 0
    for span_start, span_end in (*_non_code_spans(text), (len(text), len(text))):
        # the `;` in the code between the previous comment or literal and this one
        end = text.find(";", code_start, span_start)
        while end != -1:
            statements.append(text[start:end])
            start = end + 1
            end = text.find(";", start, span_start)
        code_start = span_end
    statements.append(text[start:])
    return [statement.strip() for statement in statements if _has_code(statement)]


def _non_code_spans(text: str) -> Iterator[tuple[int, int]]:
    index = 0
    while (match := _NON_CODE_START.search(text, index)) is not None:
        end = skip_non_code(text, match.start())
        yield match.start(), end
        index = end


def _has_code(statement: str) -> bool:
    for line in statement.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return True
    return False
