"""Calls of parameterized views are written out as subqueries before views are created
(schemas/view_inlining.py): the text rules here, and on chDB that the installed views hold no
such calls and answer as the layered files do."""

from __future__ import annotations

import re

import pytest

from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from schemas.migrations import views
from schemas.view_inlining import ViewInliningError, ViewSource, inline_view_calls


def _sources(*statements: str) -> list[ViewSource]:
    return [ViewSource.parse(statement, f"view {n}") for n, statement in enumerate(statements)]


def test_a_call_becomes_the_callee_query_with_the_arguments_in_place() -> None:
    inlined = inline_view_calls(
        _sources(
            "CREATE OR REPLACE VIEW clickstream.per_day AS\n"
            "SELECT d FROM t WHERE site = {site:String} AND d >= {since:Date}",
            "-- the top\nCREATE OR REPLACE VIEW clickstream.top AS\n"
            "SELECT count() FROM clickstream.per_day(site = {shop:String}, since = '2026-01-01')",
        )
    )
    assert inlined["top"] == (
        "-- the top\nCREATE OR REPLACE VIEW clickstream.top AS\n"
        "SELECT count() FROM (\n"
        "SELECT d FROM t WHERE site = {shop:String} AND d >= CAST('2026-01-01' AS Date)\n)"
    )
    # the callee itself is unchanged
    assert inlined["per_day"].endswith("WHERE site = {site:String} AND d >= {since:Date}")


def test_calls_are_written_out_through_every_layer() -> None:
    inlined = inline_view_calls(
        _sources(
            "CREATE OR REPLACE VIEW clickstream.a AS SELECT {x:UInt32} AS x",
            "CREATE OR REPLACE VIEW clickstream.b AS SELECT x FROM clickstream.a(x = {y:UInt32})",
            "CREATE OR REPLACE VIEW clickstream.c AS SELECT x FROM clickstream.b(y = {z:UInt64})",
        )
    )
    assert "clickstream.a(" not in inlined["c"] and "clickstream.b(" not in inlined["c"]
    # a parameter of another type is cast to the callee's, as ClickHouse casts a value
    assert "SELECT CAST({z:UInt64} AS UInt32) AS x" in inlined["c"]


def test_comments_strings_plain_views_and_computed_arguments_are_left_alone() -> None:
    top = (
        "CREATE OR REPLACE VIEW clickstream.top AS\n"
        "-- clickstream.p(n = 1) in a comment\n"
        "SELECT 'clickstream.p(n = 2)' AS text, (SELECT max(k) FROM clickstream.plain) AS k,\n"
        "       (SELECT n FROM clickstream.p(n = toUInt32(now()))) AS later\n"
        "FROM clickstream.p(n = {n:UInt32})"
    )
    inlined = inline_view_calls(
        _sources(
            "CREATE OR REPLACE VIEW clickstream.p AS SELECT {n:UInt32} AS n",
            "CREATE OR REPLACE VIEW clickstream.plain AS SELECT 1 AS k",
            top,
        )
    )["top"]
    assert "-- clickstream.p(n = 1) in a comment" in inlined
    assert "'clickstream.p(n = 2)'" in inlined
    assert "FROM clickstream.plain" in inlined
    assert "clickstream.p(n = toUInt32(now()))" in inlined
    assert inlined.endswith("FROM (\nSELECT {n:UInt32} AS n\n)")


def test_a_missing_argument_or_a_cycle_is_an_error() -> None:
    with pytest.raises(ViewInliningError, match="without its parameter since"):
        inline_view_calls(
            _sources(
                "CREATE OR REPLACE VIEW clickstream.p AS SELECT {site:String}, {since:Date}",
                "CREATE OR REPLACE VIEW clickstream.q AS SELECT * FROM clickstream.p(site = 'x')",
            )
        )
    with pytest.raises(ViewInliningError, match="call each other"):
        inline_view_calls(
            _sources(
                "CREATE OR REPLACE VIEW clickstream.p AS\n"
                "SELECT n FROM clickstream.q(n = {n:UInt8})",
                "CREATE OR REPLACE VIEW clickstream.q AS\n"
                "SELECT n FROM clickstream.p(n = {n:UInt8})",
            )
        )


def test_installed_funnel_views_hold_no_calls_of_parameterized_views(
    migrated_chdb: Warehouse,
) -> None:
    parameterized = set()
    for path in views():
        source = ViewSource.parse(split_statements(path.read_text("utf-8"))[0], path.name)
        if source.parameters:
            parameterized.add(source.name)
    for name in ("funnel", "funnel_chains", "funnel_by_channel", "value_pyramid"):
        create = migrated_chdb.query(f"SHOW CREATE TABLE clickstream.{name}").scalar()
        called = set(re.findall(r"clickstream\.(\w+)\(", create)) & parameterized
        assert called == set(), f"{name} still calls {called}"
