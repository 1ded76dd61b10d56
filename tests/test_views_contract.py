"""The analysts' API of SPEC §8: the named views exist with exactly the parameters of the naming
table and their columns in its order (more may follow)."""

from __future__ import annotations

import re

import pytest

from clickstream.warehouse import Warehouse

PERIOD = {"site": "String", "date_from": "DateTime", "date_to": "DateTime"}
CONTRACT = {
    "funnel": (
        {**PERIOD, "window_seconds": "UInt32"},
        [
            "step",
            "step_name",
            "visitors",
            "conversion_from_previous",
            "conversion_from_first",
            "drop_off",
            "drop_off_rate",
            "median_seconds_from_previous",
            "p90_seconds_from_previous",
        ],
    ),
    "order_count_distribution": (PERIOD, ["orders_bucket", "customers", "share"]),
    "value_pyramid": (
        PERIOD,
        ["tier", "customers", "revenue", "revenue_share", "avg_order_value"],
    ),
    "lifecycle_segments": ({"site": "String", "as_of": "DateTime"}, ["segment", "visitors"]),
    "cart_abandonment": (
        {**PERIOD, "window_seconds": "UInt32"},
        ["carted_visitors", "ordered_visitors", "abandoned_visitors", "abandonment_rate"],
    ),
}
VALUES = {
    "String": "'shop'",
    "DateTime": "'2026-01-01 00:00:00'",
    "UInt32": "604800",
}


def own_parameters(create_query: str) -> dict[str, str]:
    """The view's `{name:Type}` parameters, as declared in its query."""
    return dict(re.findall(r"\{(\w+):(\w+)\}", create_query))


@pytest.mark.parametrize("view", sorted(CONTRACT))
def test_named_view_has_the_spec_parameters_and_columns(
    migrated_chdb: Warehouse, view: str
) -> None:
    parameters, columns = CONTRACT[view]
    create_query = migrated_chdb.query(
        "SELECT create_table_query FROM system.tables "
        "WHERE database = 'clickstream' AND name = {name:String}",
        {"name": view},
    ).scalar()
    declared = own_parameters(create_query)
    assert set(declared) == set(parameters), declared
    for name, kind in parameters.items():
        assert declared[name].startswith(kind.rstrip("0123456789")), (name, declared[name])
    call = ", ".join(f"{name} = {VALUES[kind]}" for name, kind in parameters.items())
    header = migrated_chdb.query_raw(
        f"SELECT * FROM clickstream.{view}({call}) LIMIT 0", "TabSeparatedWithNames"
    ).decode()
    assert header.split("\n")[0].split("\t")[: len(columns)] == columns
