"""Write calls of parameterized views out as subqueries, before the views are created.

ClickHouse analyses a parameterized view's query every time a query names the view: once to learn
its columns and once more to run it, and again for every parameterized view above it. The funnel
views are four such layers deep (funnel, funnel_chains, funnel_start_chains, funnel_events), and
analysing them took longer than reading the funnel snapshot (BENCHMARKS.md). So `migrate` creates
every view with each call `clickstream.v(p = {q:T}, ...)` of another parameterized view of
queries/ replaced by v's own query, its parameters replaced by the call's arguments, as ClickHouse
would substitute them. Views answer exactly as before; the files in queries/ stay as written, one
idea per view, and each view can still be queried on its own.

A call is written out only when every argument is a query parameter or a literal: those are
values, so the substitution keeps their meaning. A call with a computed argument
(`as_of = toString(now(tz))`) stays a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from clickstream.warehouse.statements import code_positions, split_statements

_CREATE_VIEW = re.compile(r"^CREATE OR REPLACE VIEW clickstream\.(?P<name>\w+)\s+AS\b\s*", re.M)
_PARAMETER = re.compile(r"\{(?P<name>[A-Za-z_]\w*):(?P<type>[^{}]+)\}")
_CALL = re.compile(r"\bclickstream\.(?P<name>\w+)\s*\(")
_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?")


class ViewInliningError(ValueError):
    pass


@dataclass(frozen=True)
class ViewSource:
    """One view file: everything up to the view's query (comments, CREATE ... AS), and the query."""

    name: str
    head: str
    query: str

    @classmethod
    def parse(cls, statement: str, origin: str) -> ViewSource:
        mask = code_positions(statement)
        match = next((m for m in _CREATE_VIEW.finditer(statement) if mask[m.start()]), None)
        if match is None:
            raise ViewInliningError(f"{origin}: not a CREATE OR REPLACE VIEW clickstream.<name>")
        return cls(match["name"], statement[: match.end()], statement[match.end() :])

    @property
    def parameters(self) -> dict[str, str]:
        """The view's query parameters: name -> ClickHouse type."""
        mask = code_positions(self.query)
        return {m["name"]: m["type"] for m in _PARAMETER.finditer(self.query) if mask[m.start()]}


def inline_view_calls(sources: list[ViewSource]) -> dict[str, str]:
    """Each view's CREATE statement, with calls of the parameterized views among `sources`
    written out (recursively)."""
    by_name = {source.name: source for source in sources}
    parameterized = {name for name, source in by_name.items() if source.parameters}
    expanded: dict[str, str] = {}

    def query_of(name: str, calling: tuple[str, ...]) -> str:
        if name in calling:
            raise ViewInliningError(f"views call each other: {' -> '.join((*calling, name))}")
        if name not in expanded:
            expanded[name] = _inline_calls(by_name[name].query, (*calling, name))
        return expanded[name]

    def _inline_calls(query: str, calling: tuple[str, ...]) -> str:
        mask = code_positions(query)
        pieces, position = [], 0
        for call in _CALL.finditer(query):
            if call.start() < position or not mask[call.start()]:
                continue
            if call["name"] not in parameterized:
                continue
            end = _closing_parenthesis(query, mask, call.end() - 1)
            arguments = _arguments(query[call.end() : end])
            if arguments is None:
                continue
            callee = by_name[call["name"]]
            body = _substitute(query_of(callee.name, calling), arguments, callee.name, calling[-1])
            pieces += [query[position : call.start()], "(\n", body.rstrip().rstrip(";"), "\n)"]
            position = end + 1
        pieces.append(query[position:])
        return "".join(pieces)

    return {name: source.head + query_of(name, ()) for name, source in by_name.items()}


def inline_view_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """The statement of every view file, with parameterized view calls written out."""
    sources = []
    for path in paths:
        statements = split_statements(path.read_text(encoding="utf-8"))
        if len(statements) != 1:
            raise ViewInliningError(f"{path.name}: a view file holds exactly one statement")
        sources.append(ViewSource.parse(statements[0], path.name))
    statements = inline_view_calls(sources)
    return [(path, statements[source.name]) for path, source in zip(paths, sources, strict=True)]


def _closing_parenthesis(text: str, mask: list[bool], opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if not mask[index]:
            continue
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise ViewInliningError(f"unbalanced parentheses after {text[opening - 40 : opening]!r}")


def _arguments(text: str) -> dict[str, str] | None:
    """`name = value, ...` -> {name: value}, or None when a value is not a parameter or literal."""
    arguments = {}
    for argument in _split_top_level(text):
        name, equals, value = argument.partition("=")
        value = value.strip()
        if not equals or not (_PARAMETER.fullmatch(value) or _LITERAL.fullmatch(value)):
            return None
        arguments[name.strip()] = value
    return arguments


def _split_top_level(text: str) -> list[str]:
    mask = code_positions(text)
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if not mask[index]:
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _substitute(query: str, arguments: dict[str, str], callee: str, caller: str) -> str:
    mask = code_positions(query)

    def value(match: re.Match[str]) -> str:
        if not mask[match.start()]:
            return match.group(0)
        if match["name"] not in arguments:
            raise ViewInliningError(
                f"{caller} calls {callee} without its parameter {match['name']}"
            )
        given = arguments[match["name"]]
        passed = _PARAMETER.fullmatch(given)
        if passed and passed["type"] == match["type"]:
            return given
        # what ClickHouse does with a parameter's value: cast it to the parameter's type
        return f"CAST({given} AS {match['type']})"

    return _PARAMETER.sub(value, query)
