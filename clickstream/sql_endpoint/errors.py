"""Errors the way ClickHouse's HTTP interface reports them: a text body
`Code: N. DB::Exception: message. (NAME) (version V)`, the code in `X-ClickHouse-Exception-Code`,
and the HTTP status ClickHouse gives that code (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp)."""

from __future__ import annotations

import re

# Codes of the errors this endpoint raises itself (as errorCodeToName() names them in chDB).
CODES = {
    "BAD_ARGUMENTS": 36,
    "SYNTAX_ERROR": 62,
    "READONLY": 164,
    "INTO_OUTFILE_NOT_ALLOWED": 358,
    "ACCESS_DENIED": 497,
    "AUTHENTICATION_FAILED": 516,
    "UNSUPPORTED_MEDIA_TYPE": 779,
    "NOT_IMPLEMENTED": 48,
}

_UNAUTHORIZED = {"REQUIRED_PASSWORD"}
_FORBIDDEN = {
    "UNKNOWN_USER",
    "WRONG_PASSWORD",
    "AUTHENTICATION_FAILED",
    "SET_NON_GRANTED_ROLE",
    "ACCESS_DENIED",
}
_BAD_REQUEST = {
    "BAD_ARGUMENTS",
    "CANNOT_COMPILE_REGEXP",
    "CANNOT_PARSE_TEXT",
    "CANNOT_PARSE_ESCAPE_SEQUENCE",
    "CANNOT_PARSE_QUOTED_STRING",
    "CANNOT_PARSE_DATE",
    "CANNOT_PARSE_DATETIME",
    "CANNOT_PARSE_NUMBER",
    "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING",
    "CANNOT_PARSE_IPV4",
    "CANNOT_PARSE_IPV6",
    "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
    "CANNOT_PARSE_UUID",
    "DUPLICATE_COLUMN",
    "ILLEGAL_COLUMN",
    "UNKNOWN_ELEMENT_IN_AST",
    "UNKNOWN_TYPE_OF_AST_NODE",
    "THERE_IS_NO_COLUMN",
    "TOO_DEEP_AST",
    "TOO_BIG_AST",
    "UNEXPECTED_AST_STRUCTURE",
    "SYNTAX_ERROR",
    "INCORRECT_DATA",
    "TYPE_MISMATCH",
    "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
}
_NOT_FOUND = {
    "UNKNOWN_TABLE",
    "UNKNOWN_FUNCTION",
    "UNKNOWN_IDENTIFIER",
    "UNKNOWN_TYPE",
    "UNKNOWN_STORAGE",
    "UNKNOWN_DATABASE",
    "UNKNOWN_SETTING",
    "UNKNOWN_DIRECTION_OF_SORTING",
    "UNKNOWN_AGGREGATE_FUNCTION",
    "UNKNOWN_FORMAT",
    "UNKNOWN_DATABASE_ENGINE",
    "UNKNOWN_TYPE_OF_QUERY",
    "UNKNOWN_ROLE",
}
_OTHER = {
    "QUERY_IS_TOO_LARGE": 413,
    "NOT_IMPLEMENTED": 501,
    "SOCKET_TIMEOUT": 503,
    "CANNOT_OPEN_FILE": 503,
    "HTTP_LENGTH_REQUIRED": 411,
    "TIMEOUT_EXCEEDED": 408,
    "CANNOT_SCHEDULE_TASK": 503,
    "UNSUPPORTED_MEDIA_TYPE": 415,
}

_CODE_PREFIX = re.compile(r"^\s*Code: (\d+)\. DB::Exception: ")
# "(NAME)" and "(version x)" groups at the end; chDB sometimes repeats them.
_TRAILER = re.compile(r"[.\s]*\((?:([A-Z][A-Z0-9_]+)|version [^)]*)\)[.\s]*$")
# What our own parse step adds to a message (it parses through formatQuerySingleLine).
_PARSE_SCOPE = re.compile(r"[.:\s]*In scope SELECT formatQuerySingleLine\(.*$", re.DOTALL)


def http_status(name: str) -> int:
    if name in _UNAUTHORIZED:
        return 401
    if name in _FORBIDDEN:
        return 403
    if name in _BAD_REQUEST:
        return 400
    if name in _NOT_FOUND:
        return 404
    return _OTHER.get(name, 500)


class ClickHouseError(Exception):
    def __init__(self, name: str, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.code = CODES[name] if code is None else code
        self.message = message.rstrip(". ")

    @property
    def status(self) -> int:
        return http_status(self.name)

    def text(self, version: str) -> str:
        return (
            f"Code: {self.code}. DB::Exception: {self.message}. ({self.name}) (version {version})\n"
        )

    @classmethod
    def from_engine(cls, text: str) -> ClickHouseError:
        """An error message of chDB (`Code: N. DB::Exception: ... (NAME)`)."""
        code = 1001  # STD_EXCEPTION, for a message without a code
        while match := _CODE_PREFIX.match(text):
            code = int(match.group(1))
            text = text[match.end() :]
        name = "STD_EXCEPTION"
        while trailer := _TRAILER.search(text):
            name = trailer.group(1) or name
            text = text[: trailer.start()]
        return cls(name, _PARSE_SCOPE.sub("", text), code)
