"""Split a .sql file into statements: on `;` outside quotes and comments."""

from __future__ import annotations


def split_statements(text: str) -> list[str]:
    statements: list[str] = []
    current: list[str] = []
    index, length = 0, len(text)
    quote: str | None = None
    while index < length:
        char = text[index]
        pair = text[index : index + 2]
        if quote:
            current.append(char)
            if char == "\\":
                current.append(text[index + 1 : index + 2])
                index += 2
                continue
            if char == quote:
                quote = None
        elif pair == "--":
            end = text.find("\n", index)
            end = length if end == -1 else end
            current.append(text[index:end])
            index = end
            continue
        elif pair == "/*":
            end = text.find("*/", index + 2)
            end = length if end == -1 else end + 2
            current.append(text[index:end])
            index = end
            continue
        elif char in "'\"`":
            quote = char
            current.append(char)
        elif char == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    statements.append("".join(current))
    return [statement.strip() for statement in statements if _has_code(statement)]


def _has_code(statement: str) -> bool:
    for line in statement.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return True
    return False
