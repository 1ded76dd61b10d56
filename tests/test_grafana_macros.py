"""The re-implemented Grafana expansions (tests/support/grafana_macros.py and
grafana_templating.py) give what the real code gives: the plugin's own test vectors
(clickhouse-datasource pkg/macros/macros_test.go), Grafana's format tests
(formatRegistry.test.ts), and the parsing rules of sqlutil.Interpolate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.grafana_macros import MacroError, MacroQuery, interpolate
from tests.support.grafana_templating import format_value, references, replace

# The plugin's test range: 2014-11-12T11:45:26.371Z .. 2015-11-12T11:45:26.371Z
FROM = datetime(2014, 11, 12, 11, 45, 26, 371000, tzinfo=UTC)
TO = datetime(2015, 11, 12, 11, 45, 26, 371000, tzinfo=UTC)
QUERY = MacroQuery(FROM, TO, interval=timedelta(seconds=20))


@pytest.mark.parametrize(
    ("sql", "expanded"),
    [
        ("$__fromTime", "toDateTime(1415792726)"),
        ("$__toTime", "toDateTime(1447328726)"),
        ("$__fromTime_ms", "fromUnixTimestamp64Milli(1415792726371)"),
        ("$__toTime_ms", "fromUnixTimestamp64Milli(1447328726371)"),
        (
            "$__dateFilter(dateCol)",
            "dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')",
        ),
        (
            "$__dateTimeFilter(dateCol, timeCol)",
            "(dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')) AND "
            "(timeCol >= toDateTime(1415792726) AND timeCol <= toDateTime(1447328726))",
        ),
        ("$__timeInterval(col)", "toStartOfInterval(toDateTime(col), INTERVAL 20 second)"),
        (
            "$__timeInterval_ms(col)",
            "toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond)",
        ),
        (
            "select toStartOfInterval(col, INTERVAL $__interval_s second) AS time from foo",
            "select toStartOfInterval(col, INTERVAL 20 second) AS time from foo",
        ),
        # macros_test.go TestInterpolate
        (
            "select * from foo where $__timeFilter(cast(sth as timestamp))",
            "select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND "
            "cast(sth as timestamp) <= toDateTime(1447328726)",
        ),
        (
            "select * from foo where $__timeFilter(cast(sth as timestamp) )",
            "select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND "
            "cast(sth as timestamp) <= toDateTime(1447328726)",
        ),
        (
            "select * from foo where $__timeFilter_ms(cast(sth as timestamp))",
            "select * from foo where cast(sth as timestamp) >= "
            "fromUnixTimestamp64Milli(1415792726371) AND cast(sth as timestamp) <= "
            "fromUnixTimestamp64Milli(1447328726371)",
        ),
        (
            "select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100",
            "select * from foo where ( date >= toDateTime(1415792726) and "
            "date <= toDateTime(1447328726) ) limit 100",
        ),
        (
            "select * from foo where ( date >= $__fromTime_ms ) and ( date <= $__toTime_ms )",
            "select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726371) ) and "
            "( date <= fromUnixTimestamp64Milli(1447328726371) )",
        ),
    ],
)
def test_the_plugins_own_vectors(sql: str, expanded: str) -> None:
    assert interpolate(sql, QUERY) == expanded


def test_arguments_are_only_a_bracket_right_after_the_name() -> None:
    """parseArgs: `$__fromTime, x = f(1)` must not take `(1)` as its arguments (the bug of the
    older scanner, grafana-plugin-sdk-go issue 859)."""
    sql = "f(date_from = $__fromTime, window = toUInt32(60))"
    assert interpolate(sql, QUERY) == "f(date_from = toDateTime(1415792726), window = toUInt32(60))"


def test_arguments_split_on_top_level_commas_only() -> None:
    sql = "$__dateTimeFilter(toDate(a, 'UTC'), coalesce(b, c))"
    assert interpolate(sql, QUERY) == (
        "(toDate(a, 'UTC') >= toDate('2014-11-12') AND toDate(a, 'UTC') <= "
        "toDate('2015-11-12')) AND (coalesce(b, c) >= toDateTime(1415792726) AND "
        "coalesce(b, c) <= toDateTime(1447328726))"
    )


def test_a_longer_name_is_never_eaten_by_a_shorter_one() -> None:
    sql = "$__interval_s, $__interval_ms, $__interval, $__fromTime_ms, $__fromTime"
    assert interpolate(sql, QUERY) == (
        "20, 20000, 20s, fromUnixTimestamp64Milli(1415792726371), toDateTime(1415792726)"
    )


def test_every_occurrence_is_replaced() -> None:
    sql = "$__timeInterval(t) AS time GROUP BY $__timeInterval(t)"
    bucket = "toStartOfInterval(toDateTime(t), INTERVAL 20 second)"
    assert interpolate(sql, QUERY) == f"{bucket} AS time GROUP BY {bucket}"


def test_intervals_below_a_second_count_as_one_second() -> None:
    short = MacroQuery(FROM, TO, interval=timedelta(milliseconds=200))
    assert interpolate("$__timeInterval(t), $__interval_s", short) == (
        "toStartOfInterval(toDateTime(t), INTERVAL 1 second), 1"
    )


def test_times_round_towards_the_past() -> None:
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)
    query = MacroQuery(before_epoch, before_epoch)
    assert interpolate("$__fromTime $__fromTime_ms", query) == (
        "toDateTime(-1) fromUnixTimestamp64Milli(-500)"
    )


@pytest.mark.parametrize(
    "sql", ["$__timeFilter", "$__timeFilter(a, b)", "$__timeInterval(t", "$__dt(a)"]
)
def test_wrong_arguments_are_errors(sql: str) -> None:
    with pytest.raises(MacroError):
        interpolate(sql, QUERY)


def test_unknown_names_and_plain_dollars_stay() -> None:
    sql = "SELECT '$__nothing', '$5', concat('$', x)"
    assert interpolate(sql, QUERY) == sql


# --- the frontend's variable substitution ----------------------------------------------------


@pytest.mark.parametrize(
    ("format_id", "value", "formatted"),
    [
        ("singlequote", "test", "'test'"),
        ("singlequote", ["test", "test'2"], "'test','test\\'2'"),
        ("doublequote", ["test", 'test"2'], '"test","test\\"2"'),
        ("sqlstring", "test'value", "'test''value'"),
        ("sqlstring", ["test", "test'value2"], "'test','test''value2'"),
        ("raw", "a'b", "a'b"),
        (None, "a'b", "a'b"),  # the ClickHouse data source passes a single value through
        (None, ["a", "b"], "'a','b'"),  # and quotes each of several
    ],
)
def test_formats(format_id: str | None, value: str | list[str], formatted: str) -> None:
    assert format_value(value, format_id) == formatted


def test_unknown_formats_fail_loudly() -> None:
    with pytest.raises(ValueError, match="percentencode"):
        format_value("x", "percentencode")


def test_every_reference_form() -> None:
    values = {"site": "o'shop", "window": "604800"}
    text = "$site ${site} ${site:sqlstring} [[site]] [[site:singlequote]] ${window}s"
    assert replace(text, values) == "o'shop o'shop 'o''shop' o'shop 'o\\'shop' 604800s"


def test_macros_and_unknown_names_survive_the_frontend() -> None:
    text = "$__fromTime $__timeInterval(t) $__interval_s ${unknown} $site"
    assert (
        replace(text, {"site": "s"}) == "$__fromTime $__timeInterval(t) $__interval_s ${unknown} s"
    )
    assert references(text) == ["__fromTime", "__timeInterval", "__interval_s", "unknown", "site"]


def test_scoped_variables_win() -> None:
    assert replace("$__interval $x", {"x": "1"}, {"__interval": "5m", "x": "2"}) == "5m 2"
