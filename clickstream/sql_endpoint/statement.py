"""What the SQL endpoint runs: one read-only statement, parsed by ClickHouse itself.

The query text is handed to ClickHouse's parser (`formatQuerySingleLine`, the text passed as a
query parameter) which refuses syntax errors and several statements, and returns the statement in
canonical form: keywords upper case, no comments, literals quoted, no trailing semicolon. The
endpoint checks and runs that canonical text, so what it checked is what runs:

- only reading statements (SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN) are run; the rest get
  READONLY before they reach the engine, so no INSERT's inline data can swallow the settings;
- `INTO OUTFILE` and the `file()` function are refused: in chDB (clickhouse-local) they would write
  and read any file of the serving process;
- `SETTINGS ..., readonly = 1` is appended: outer settings apply before the statement's own, so any
  SETTINGS inside the query are then refused by ClickHouse as changes in readonly mode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from clickstream.sql_endpoint.errors import ClickHouseError
from clickstream.warehouse import WarehouseError
from clickstream.warehouse.base import quote_column
from clickstream.warehouse.chdb_backend import ChdbWarehouse, _settings_clause

READING_STATEMENTS = ("SELECT", "WITH", "SHOW", "DESCRIBE", "EXISTS", "EXPLAIN", "(")
_FORMAT_CLAUSE = re.compile(r"\sFORMAT (\w+)(?: SETTINGS (\w+)[^()]*)?$")
_FILE_FUNCTION = re.compile(r"(?<![\w.`])file\s*\(", re.IGNORECASE)

# URL parameters that steer the HTTP exchange, not the query (ClickHouse's own list, plus the
# clients' ones); `param_<name>` are query parameters.
TRANSPORT_PARAMETERS = frozenset(
    {
        "query",
        "database",
        "default_format",
        "user",
        "password",
        "query_id",
        "session_id",
        "session_timeout",
        "session_check",
        "compress",
        "decompress",
        "client_protocol_version",
        "buffer_size",
        "wait_end_of_query",
        "quota_key",
        "role",
        "stacktrace",
        "enable_http_compression",
        "http_zlib_compression_level",
        "send_progress_in_http_headers",
        "http_headers_progress_interval_ms",
        "cancel_http_readonly_queries_on_client_close",
        "http_native_compression_disable_checksumming_on_decompress",
        "add_http_cors_header",
    }
)
# Settings a readonly user may still set from the URL: limits and output shape only.
SAFE_SETTINGS = frozenset(
    {
        "max_execution_time",
        "timeout_overflow_mode",
        "max_result_rows",
        "max_result_bytes",
        "result_overflow_mode",
        "max_rows_to_read",
        "max_bytes_to_read",
        "read_overflow_mode",
        "max_threads",
        "max_block_size",
        "max_memory_usage",
        "limit",
        "offset",
        "extremes",
        "session_timezone",
        "date_time_output_format",
        "join_use_nulls",
        "log_comment",
    }
)
SAFE_SETTING_PREFIXES = ("output_format_", "format_")


@dataclass(frozen=True)
class Statement:
    canonical: str  # one statement as ClickHouse's formatter writes it
    format_clause: str | None  # the statement's own FORMAT, if any


def _without_literals(text: str) -> str:
    """The canonical text with string literals and quoted names emptied, for keyword checks."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "'`\"":
            end = index + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            out.append(char * 2)
            index = end + 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def parse(warehouse: ChdbWarehouse, text: str, user: str) -> Statement:
    """Raises ClickHouseError for anything the endpoint will not run."""
    if not text.strip():
        raise ClickHouseError("SYNTAX_ERROR", "Empty query")
    try:
        canonical = warehouse.query_raw(
            "SELECT formatQuerySingleLine({query:String})", "RawBLOB", {"query": text}
        ).decode()
    except WarehouseError as error:
        raise ClickHouseError.from_engine(str(error)) from error
    bare = _without_literals(canonical)
    if not bare.startswith(READING_STATEMENTS):
        raise ClickHouseError("READONLY", f"{user}: Cannot execute query in readonly mode")
    if " INTO OUTFILE " in bare:
        raise ClickHouseError("INTO_OUTFILE_NOT_ALLOWED", "INTO OUTFILE is not allowed")
    if _FILE_FUNCTION.search(bare):
        raise ClickHouseError(
            "ACCESS_DENIED",
            f"{user}: Not enough privileges. The file() function reads the server's files "
            "and is not allowed through the SQL endpoint",
        )
    match = _FORMAT_CLAUSE.search(bare)
    if match and match.group(2):
        # Settings after FORMAT leave no place for ours; readonly would refuse them anyway.
        raise ClickHouseError(
            "READONLY", f"Cannot modify '{match.group(2)}' setting in readonly mode"
        )
    return Statement(canonical, match.group(1) if match else None)


def settings_from(parameters: Mapping[str, str]) -> dict[str, str]:
    """The settings among the URL parameters; raises READONLY for one a readonly user may not
    change (as ClickHouse does), `readonly` itself included unless it asks for 1."""
    settings: dict[str, str] = {}
    for name, value in parameters.items():
        if name in TRANSPORT_PARAMETERS or name.startswith("param_"):
            continue
        if name == "readonly" and value == "1":
            continue
        if name in SAFE_SETTINGS or name.startswith(SAFE_SETTING_PREFIXES):
            settings[name] = value
            continue
        raise ClickHouseError("READONLY", f"Cannot modify '{name}' setting in readonly mode")
    return settings


# chDB runs one statement at a time, the loader's inserts included: a runaway query stops
# loading (nothing is lost, the spool waits), so queries get a time limit unless they set one.
DEFAULT_MAX_EXECUTION_TIME = 300


def executable(statement: Statement, database: str, settings: Mapping[str, str]) -> str:
    """The text to run: in `database`, with the URL's settings and readonly = 1 last."""
    limits = {"max_execution_time": DEFAULT_MAX_EXECUTION_TIME}
    try:
        clause = _settings_clause({**limits, **settings, "readonly": 1})
    except ValueError as error:
        raise ClickHouseError("BAD_ARGUMENTS", str(error)) from error
    return f"USE {quote_column(database)};\n{statement.canonical}\n{clause.strip()}"
