"""Campaign costs from a CSV file into `clickstream.campaign_costs` (`clickstream costs import`),
for the cost per acquired customer (the `campaign_acquisition_cost` view).

The file is UTF-8 CSV (a byte-order mark is fine) with a header line naming these columns, in
any order and no others:

    site,date,utm_source,utm_medium,utm_campaign,cost,currency
    demo,2026-11-01,google,cpc,brand,120.50,CNY

one row per site, local day (YYYY-MM-DD, the shop's time zone) and campaign; `cost` is a
non-negative amount with at most 4 decimals, `currency` an ISO 4217 code. The whole file is
checked before anything is stored: a bad row stops the import with its line and field. Importing
a day's cost of a campaign again replaces it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from clickstream.warehouse import Warehouse

COLUMNS = ("site", "date", "utm_source", "utm_medium", "utm_campaign", "cost", "currency")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LARGEST_COST = Decimal(10) ** 14  # Decimal(18, 4)


@dataclass(frozen=True)
class CostFileError(ValueError):
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field {self.field!r}" if self.field else "")
        return f"{where}: {self.reason}"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CostFileError(line, "", "not UTF-8 text") from error


def _cost(text: str, line: int) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CostFileError(line, "cost", f"not a number: {text!r}") from None
    if not amount.is_finite() or amount < 0 or amount >= _LARGEST_COST:
        raise CostFileError(line, "cost", f"not an amount from 0 to 10^14: {text!r}")
    if amount != amount.quantize(Decimal("0.0001")):
        raise CostFileError(line, "cost", f"more than 4 decimals: {text!r}")
    return amount


def _row(fields: dict[str, str], line: int) -> dict[str, Any]:
    if not fields["site"]:
        raise CostFileError(line, "site", "empty")
    try:
        day = date.fromisoformat(fields["date"])
    except ValueError:
        raise CostFileError(line, "date", f"not a date (YYYY-MM-DD): {fields['date']!r}") from None
    if not fields["utm_campaign"]:
        raise CostFileError(line, "utm_campaign", "empty: costs belong to a named campaign")
    if not _CURRENCY.match(fields["currency"]):
        raise CostFileError(
            line, "currency", f"not an ISO 4217 code such as CNY: {fields['currency']!r}"
        )
    return {
        "site_id": fields["site"],
        "date": day,
        "utm_source": fields["utm_source"],
        "utm_medium": fields["utm_medium"],
        "utm_campaign": fields["utm_campaign"],
        "cost": _cost(fields["cost"], line),
        "currency": fields["currency"],
    }


def read_costs(data: bytes) -> list[dict[str, Any]]:
    """The rows of a cost file, checked; raises CostFileError naming the first bad line."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if header is None:
        raise CostFileError(1, "", "empty file: expected the header " + ",".join(COLUMNS))
    names = [name.strip() for name in header]
    for name in names:
        if name not in COLUMNS:
            raise CostFileError(1, name, "unknown column; the columns are " + ",".join(COLUMNS))
    for name in COLUMNS:
        if name not in names:
            raise CostFileError(1, name, "missing column")
    rows, first_line = [], {}
    for values in reader:
        line = reader.line_num
        if not values:
            continue  # a blank line
        if len(values) != len(names):
            raise CostFileError(line, "", f"{len(values)} fields, the header has {len(names)}")
        row = _row(dict(zip(names, (value.strip() for value in values), strict=True)), line)
        key = tuple(row[k] for k in ("site_id", "date", "utm_source", "utm_medium", "utm_campaign"))
        if key in first_line:
            raise CostFileError(
                line, "", f"the same site, date and campaign as line {first_line[key]}"
            )
        first_line[key] = line
        rows.append(row)
    return rows


def store_costs(warehouse: Warehouse, rows: list[dict[str, Any]]) -> int:
    """Store checked cost rows in one insert; returns how many."""
    if rows:
        warehouse.insert(
            "clickstream.campaign_costs", {name: [row[name] for row in rows] for name in rows[0]}
        )
    return len(rows)
