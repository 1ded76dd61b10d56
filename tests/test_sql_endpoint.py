"""The embedded mode's read-only SQL endpoint, against real clients: curl-style HTTP (httpx),
clickhouse-connect, and clickhouse-go v2 over HTTP (what Grafana's ClickHouse data source uses).
It answers in the shape of ClickHouse's HTTP interface and refuses anything that writes."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from clickstream.generate import Journeys, TrafficOptions
from tests.support.embedded import SQL_PASSWORD, SQL_USER, EmbeddedProcess

REPO = Path(__file__).resolve().parents[1]
END = datetime(2026, 6, 1, tzinfo=UTC)
PERIOD = {"site": "shop", "date_from": "2026-05-01 00:00:00", "date_to": "2026-06-01 00:00:00"}
ERROR = re.compile(
    r"^Code: (\d+)\. DB::Exception: (.+)\. \(([A-Z_]+)\) \(version [\d.]+\)\n$", re.DOTALL
)


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    options = TrafficOptions(visitors=150, days=31, end=END, seed=11, cross_device_rate=0.5)
    return [event for visitor in Journeys(options).visitors() for event in visitor]


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, events: list[dict[str, Any]]
) -> Iterator[EmbeddedProcess]:
    process = EmbeddedProcess(tmp_path_factory.mktemp("sql-endpoint"))
    process.start()
    try:
        process.load_history(events)
        yield process
    finally:
        process.stop()


def clickhouse_error(response: httpx.Response) -> tuple[int, str, str]:
    """(code, message, name) of a ClickHouse-style error answer; checks its shape."""
    match = ERROR.match(response.text)
    assert match, response.text
    assert response.headers["x-clickhouse-exception-code"] == match.group(1)
    assert response.headers["content-type"].startswith("text/plain")
    return int(match.group(1)), match.group(2), match.group(3)


# --- credentials -----------------------------------------------------------------------------


def test_requests_without_or_with_wrong_credentials_are_refused(service: EmbeddedProcess) -> None:
    for auth in (None, (SQL_USER, "wrong"), ("someone", SQL_PASSWORD)):
        response = httpx.post(service.sql_url, content="SELECT 1", auth=auth)
        assert response.status_code == 403
        code, message, name = clickhouse_error(response)
        assert (code, name) == (516, "AUTHENTICATION_FAILED")
        assert "Authentication failed" in message


@pytest.mark.parametrize(
    "how",
    [
        {"auth": (SQL_USER, SQL_PASSWORD)},
        {"headers": {"X-ClickHouse-User": SQL_USER, "X-ClickHouse-Key": SQL_PASSWORD}},
        {"params": {"user": SQL_USER, "password": SQL_PASSWORD}},
    ],
    ids=["basic", "headers", "parameters"],
)
def test_credentials_are_taken_as_clickhouse_takes_them(
    service: EmbeddedProcess, how: dict[str, Any]
) -> None:
    response = httpx.post(service.sql_url, content="SELECT 1 + 1", **how)
    assert (response.status_code, response.text) == (200, "2\n")


# --- read-only -------------------------------------------------------------------------------

REFUSED = [
    ("INSERT INTO clickstream.sites VALUES ('x', 'UTC', '', now())", "READONLY"),
    ("INSERT INTO clickstream.sites FORMAT TSV\nx\tUTC\t\t2026-01-01 00:00:00\n", "READONLY"),
    ("CREATE TABLE default.t (a Int8) ENGINE = Memory", "READONLY"),
    ("DROP TABLE clickstream.events", "READONLY"),
    ("ALTER TABLE clickstream.events DELETE WHERE 1", "READONLY"),
    ("TRUNCATE TABLE clickstream.events", "READONLY"),
    ("SET readonly = 0", "READONLY"),
    ("SYSTEM STOP MERGES", "READONLY"),
    ("SELECT 1 SETTINGS readonly = 0", "READONLY"),
    ("SELECT 1 SETTINGS readonly = 2", "READONLY"),
    ("SELECT 1 FORMAT JSON SETTINGS readonly = 0", "READONLY"),
    (
        "SELECT * FROM (SELECT * FROM url('http://127.0.0.1:9/', 'TSV', 'a String') "
        "SETTINGS readonly = 0)",
        "READONLY",
    ),
    ("SELECT * FROM url('http://127.0.0.1:9/', 'TSV', 'a String')", "READONLY"),
    ("SELECT 1; DROP TABLE clickstream.events", "SYNTAX_ERROR"),
    ("SELECT 1;\nINSERT INTO clickstream.sites VALUES ('x', 'UTC', '', now())", "SYNTAX_ERROR"),
    ("SELECT file('/etc/hostname')", "ACCESS_DENIED"),
    ("SELECT 1 INTO OUTFILE '/tmp/clickstream-sql-endpoint-test.txt'", "INTO_OUTFILE_NOT_ALLOWED"),
]


@pytest.mark.parametrize(("query", "name"), REFUSED)
def test_writes_ddl_and_escapes_are_refused(
    service: EmbeddedProcess, events: list[dict[str, Any]], query: str, name: str
) -> None:
    response = service.sql(query)
    assert response.status_code in (400, 403, 500)
    assert clickhouse_error(response)[2] == name
    unchanged = service.sql("SELECT count() FROM clickstream.events; ")
    assert unchanged.text == f"{len(events)}\n"
    assert service.sql("SELECT count() FROM clickstream.sites").text == "0\n"
    assert not Path("/tmp/clickstream-sql-endpoint-test.txt").exists()


@pytest.mark.parametrize("setting", [{"readonly": "0"}, {"readonly": "2"}, {"allow_ddl": "1"}])
def test_url_settings_that_lift_readonly_are_refused(
    service: EmbeddedProcess, setting: dict[str, str]
) -> None:
    response = service.sql("SELECT 1", **setting)
    assert response.status_code == 500
    code, message, name = clickhouse_error(response)
    assert (code, name) == (164, "READONLY")
    assert f"Cannot modify '{next(iter(setting))}' setting in readonly mode" in message


def test_safe_url_settings_apply(service: EmbeddedProcess) -> None:
    response = service.sql(
        "SELECT number FROM system.numbers LIMIT 10",
        readonly="1",
        max_result_rows="3",
        result_overflow_mode="break",
        max_execution_time="5",
        max_block_size="1",
    )
    assert response.status_code == 200
    assert len(response.text.splitlines()) < 10


@pytest.mark.parametrize(
    ("query", "status", "code", "name"),
    [
        ("SELEC 1", 400, 62, "SYNTAX_ERROR"),
        ("SELECT * FROM clickstream.no_such_view", 404, 60, "UNKNOWN_TABLE"),
        ("SELECT no_such_function(1)", 404, 46, "UNKNOWN_FUNCTION"),
        ("SELECT 1 FORMAT NoSuchFormat", 404, 73, "UNKNOWN_FORMAT"),
        ("", 400, 62, "SYNTAX_ERROR"),
    ],
)
def test_bad_sql_gets_clickhouse_errors(
    service: EmbeddedProcess, query: str, status: int, code: int, name: str
) -> None:
    response = service.sql(query)
    assert response.status_code == status
    assert clickhouse_error(response)[0::2] == (code, name)


# --- the shape of ClickHouse's HTTP interface ------------------------------------------------


def test_query_in_url_body_both_and_forms(service: EmbeddedProcess) -> None:
    auth = (SQL_USER, SQL_PASSWORD)
    url = service.sql_url
    assert httpx.get(url, params={"query": "SELECT 41 + 1"}, auth=auth).text == "42\n"
    split = httpx.post(url, params={"query": "SELECT 40"}, content="+ 2", auth=auth)
    assert split.text == "42\n"
    form = httpx.post(
        url,
        files={"query": (None, "SELECT {n:UInt8} + 1"), "param_n": (None, "41")},
        auth=auth,
    )
    assert form.text == "42\n"
    assert httpx.get(url + "/ping").text == "Ok.\n"
    assert httpx.get(url, auth=auth).text == "Ok.\n"


def test_formats_parameters_database_and_headers(service: EmbeddedProcess) -> None:
    default = service.sql("SELECT 1 AS one", default_format="JSONCompact")
    assert default.headers["x-clickhouse-format"] == "JSONCompact"
    assert default.headers["content-type"].startswith("application/json")
    assert json.loads(default.text)["data"] == [[1]]
    clause = service.sql("SELECT 1 AS one FORMAT CSVWithNames", default_format="JSONCompact")
    assert (clause.text, clause.headers["x-clickhouse-format"]) == ('"one"\n1\n', "CSVWithNames")
    assert clause.headers["content-type"].startswith("text/csv")
    # parameters come in ClickHouse's escaped text form: \t is a tab
    escaped = service.sql("SELECT length({s:String})", param_s="a\\tb")
    assert escaped.text == "3\n"
    assert service.sql("SELECT currentDatabase()", database="clickstream").text == "clickstream\n"
    for header in ("x-clickhouse-query-id", "x-clickhouse-timezone", "x-clickhouse-summary"):
        assert default.headers[header]
    assert service.sql("SELECT 1", query_id="my-query").headers["x-clickhouse-query-id"] == (
        "my-query"
    )


def test_answers_are_compressed_when_asked(service: EmbeddedProcess) -> None:
    response = httpx.post(
        service.sql_url,
        content="SELECT number FROM system.numbers LIMIT 1000",
        auth=(SQL_USER, SQL_PASSWORD),
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "".join(f"{n}\n" for n in range(1000))  # httpx decoded it
    raw = httpx.post(
        service.sql_url,
        content=gzip.compress(b"SELECT 2"),
        auth=(SQL_USER, SQL_PASSWORD),
        headers={"Content-Encoding": "gzip"},
    )
    assert raw.text == "2\n"


# --- clickhouse-connect ----------------------------------------------------------------------


STRING_CHOICES = {
    "compare_to": "month",
    "cohort_by": "first_visit",
    "grain": "month",
    "bucket": "day",
    "dimension": "all",
}


def view_call(name: str, create_query: str) -> tuple[str, dict[str, Any]]:
    """A query of the view and values for its `{name:Type}` parameters, if it has any."""
    placeholders = dict(re.findall(r"\{(\w+):(\w+)\}", create_query))
    values: dict[str, Any] = {}
    for parameter, type_name in placeholders.items():
        if parameter in PERIOD:
            values[parameter] = PERIOD[parameter]
        elif type_name.startswith("DateTime"):
            values[parameter] = PERIOD["date_to"]
        elif type_name.startswith(("UInt", "Int")):
            values[parameter] = 7 * 86400 if "second" in parameter else 30
        elif type_name == "String":  # a choice where the view takes one, else the site
            values[parameter] = STRING_CHOICES.get(parameter, "shop")
        else:
            raise AssertionError(f"no test value for {name}'s parameter {parameter} {type_name}")
    call = ", ".join(f"{key} = {{{key}:{kind}}}" for key, kind in placeholders.items())
    return f"SELECT * FROM clickstream.{name}" + (f"({call})" if call else ""), values


def test_clickhouse_connect_queries_every_view(service: EmbeddedProcess) -> None:
    client = service.sql_client()
    views = client.query(
        "SELECT name, create_table_query FROM system.tables "
        "WHERE database = 'clickstream' AND engine = 'View' ORDER BY name"
    ).result_rows
    assert {"funnel", "orders", "person_events"} <= {name for name, _ in views}
    for name, create_query in views:
        query, parameters = view_call(name, create_query)
        client.query(query + " LIMIT 1000", parameters=parameters)


def test_parameterized_view_answers_what_was_posted(
    service: EmbeddedProcess, events: list[dict[str, Any]]
) -> None:
    """order_count_distribution through clickhouse-connect with parameters, against a count
    in plain Python over the posted events (a person: the user id once an anonymous id is
    linked to it, else the anonymous id)."""
    linked = {e["anonymous_id"]: e["user_id"] for e in events if e.get("user_id")}
    orders = {e["order_id"]: e for e in events if e["type"] == "order"}
    per_person = Counter(
        order.get("user_id") or linked.get(order["anonymous_id"], order["anonymous_id"])
        for order in orders.values()
    )
    buckets = Counter(min(count, 4) for count in per_person.values())
    expected = {"1": buckets[1], "2": buckets[2], "3": buckets[3], "4+": buckets[4]}

    rows = (
        service.sql_client()
        .query(
            "SELECT orders_bucket, customers FROM clickstream.order_count_distribution("
            "site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})",
            parameters=PERIOD,
        )
        .result_rows
    )
    assert dict(rows) == expected
    assert sum(expected.values()) > 10


def test_clickhouse_connect_gets_clickhouse_errors(service: EmbeddedProcess) -> None:
    with pytest.raises(DatabaseError, match=r"code: 164.*READONLY"):
        service.sql_client().command("DROP TABLE clickstream.events")


# --- clickhouse-go v2 over HTTP (Grafana's ClickHouse data source) -------------------------


@pytest.fixture(scope="module")
def chquery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed: the clickhouse-go client (tests/go/chquery) needs it")
    binary = tmp_path_factory.mktemp("go") / "chquery"
    subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=REPO / "tests" / "go" / "chquery",
        check=True,
        capture_output=True,
        timeout=600,
    )
    return binary


def run_go(
    binary: Path, service: EmbeddedProcess, *queries: str, compression: str = "gzip", **params: str
) -> list[dict[str, Any]]:
    command = [
        str(binary),
        "-addr",
        f"127.0.0.1:{service.sql_port}",
        "-user",
        SQL_USER,
        "-password",
        SQL_PASSWORD,
        "-compression",
        compression,
    ]
    for name, value in params.items():
        command += ["-param", f"{name}={value}"]
    completed = subprocess.run([*command, *queries], capture_output=True, text=True, timeout=120)
    return [json.loads(line) for line in completed.stdout.splitlines()]


def same(go_value: str | None, value: Any) -> bool:
    if value is None or go_value is None:
        return value is go_value
    if isinstance(value, float):
        return float(go_value) == pytest.approx(value)
    return go_value == str(value)


@pytest.mark.parametrize("compression", ["gzip", "none", "deflate"])
def test_clickhouse_go_over_http_reads_what_clickhouse_connect_reads(
    service: EmbeddedProcess, chquery: Path, compression: str
) -> None:
    funnel = (
        "SELECT * FROM clickstream.funnel(site = {site:String}, date_from = {date_from:DateTime}, "
        "date_to = {date_to:DateTime}, window_seconds = 604800)"
    )
    by_type = "SELECT type, count() AS n FROM clickstream.events FINAL GROUP BY type ORDER BY type"
    events = "SELECT event_id, ts, price, items.price, properties FROM clickstream.events LIMIT 50"
    answers = run_go(chquery, service, funnel, by_type, events, compression=compression, **PERIOD)
    client = service.sql_client()
    for answer, query in zip(answers, (funnel, by_type, events), strict=True):
        assert "error" not in answer, answer
        expected = client.query(query, parameters=PERIOD)
        assert answer["columns"] == list(expected.column_names)
        assert len(answer["rows"]) == len(expected.result_rows) > 0
        if query != events:  # nested values print differently in Go; their count is checked
            for go_row, row in zip(answer["rows"], expected.result_rows, strict=True):
                assert all(same(g, v) for g, v in zip(go_row, row, strict=True)), (go_row, row)


def test_clickhouse_go_gets_readonly_and_compression_errors(
    service: EmbeddedProcess, chquery: Path
) -> None:
    (write,) = run_go(chquery, service, "DROP TABLE clickstream.events")
    assert "READONLY" in write["error"] and "164" in write["error"]
    (native_lz4,) = run_go(chquery, service, "SELECT 1", compression="lz4")
    assert "compress=1" in native_lz4["error"] and "NOT_IMPLEMENTED" in native_lz4["error"]


def test_native_for_a_protocol_revision_refuses_types_it_cannot_lay_out(
    service: EmbeddedProcess,
) -> None:
    query = "SELECT uniqState(number) AS state FROM numbers(10) FORMAT Native"
    assert service.sql(query).status_code == 200  # revision 0: chDB's own bytes
    response = service.sql(query, client_protocol_version="54460")
    assert response.status_code == 501
    code, message, name = clickhouse_error(response)
    assert (code, name) == (48, "NOT_IMPLEMENTED") and "AggregateFunction" in message
