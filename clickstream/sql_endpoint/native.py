"""Native format for a client that names its protocol revision (`client_protocol_version`).

chDB writes Native blocks the way a server answers a client of revision 0: each block is the
column count, the row count, then per column its name, type and data. Clients that send a revision
read more: a block-info header before each block (revision > 0) and, from revision 54454 on, a
custom-serialization flag after each column's type (0: plain). clickhouse-go sends its revision
with every HTTP request; clickhouse-connect probes for 54405. This module rewrites chDB's blocks
into that shape. The column data itself is the same at every revision for the types below, so it
is copied, not decoded: the code only walks it to find where each column ends.
"""

from __future__ import annotations

import re

from clickstream.warehouse.json_values import _split_arguments

REVISION_WITH_CUSTOM_SERIALIZATION = 54454
# is_overflows = false (field 1), bucket_num = -1 (field 2), end of fields (0)
BLOCK_INFO = b"\x01\x00\x02\xff\xff\xff\xff\x00"

_FIXED_WIDTH = {
    "UInt8": 1, "Int8": 1, "Bool": 1, "Enum8": 1, "Nothing": 1,
    "UInt16": 2, "Int16": 2, "Date": 2, "Enum16": 2, "BFloat16": 2,
    "UInt32": 4, "Int32": 4, "Float32": 4, "DateTime": 4, "Date32": 4, "IPv4": 4,
    "Time": 4, "Decimal32": 4,
    "UInt64": 8, "Int64": 8, "Float64": 8, "DateTime64": 8, "Time64": 8, "Decimal64": 8,
    "UInt128": 16, "Int128": 16, "UUID": 16, "IPv6": 16, "Decimal128": 16,
    "UInt256": 32, "Int256": 32, "Decimal256": 32,
}  # fmt: skip
_ALIASES = {
    "Point": "Tuple(Float64, Float64)",
    "Ring": "Array(Point)",
    "LineString": "Array(Point)",
    "Polygon": "Array(Ring)",
    "MultiLineString": "Array(LineString)",
    "MultiPolygon": "Array(Polygon)",
}
_NAMED_ELEMENT = re.compile(r"^[A-Za-z_][\w]*\s+(\S.*)$")
_INDEX_WIDTHS = (1, 2, 4, 8)
_HAS_ADDITIONAL_KEYS = 1 << 9


class UnsupportedType(Exception):
    """A column type whose Native layout this module does not walk."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def varint(self) -> int:
        result, shift = 0, 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def uint64(self) -> int:
        value = int.from_bytes(self.data[self.pos : self.pos + 8], "little")
        self.pos += 8
        return value

    def text(self) -> bytes:
        length = self.varint()
        start = self.pos
        self.pos += length
        return self.data[start : self.pos]

    def skip(self, count: int) -> None:
        self.pos += count
        if self.pos > len(self.data):
            raise ValueError("Native data ends inside a column")


def _name_and_arguments(type_name: str) -> tuple[str, list[str]]:
    type_name = _ALIASES.get(type_name, type_name)
    head, _, rest = type_name.partition("(")
    return head, _split_arguments(rest[:-1]) if rest else []


def _element(argument: str) -> str:
    named = _NAMED_ELEMENT.match(argument)
    return named.group(1) if named else argument


def _decimal_width(arguments: list[str]) -> int:
    precision = int(arguments[0])
    return 4 if precision <= 9 else 8 if precision <= 18 else 16 if precision <= 38 else 32


def _skip_prefix(reader: _Reader, type_name: str) -> None:
    """Serialization state written once per column before its data (LowCardinality's keys
    version), for the type and everything nested in it."""
    head, arguments = _name_and_arguments(type_name)
    if head == "LowCardinality":
        reader.skip(8)
    elif head in ("Array", "Nullable"):
        _skip_prefix(reader, arguments[0])
    elif head == "SimpleAggregateFunction":
        _skip_prefix(reader, arguments[1])
    elif head in ("Tuple", "Map"):
        for argument in arguments:
            _skip_prefix(reader, _element(argument))


def _skip_data(reader: _Reader, type_name: str, rows: int) -> None:
    if rows == 0:
        return
    head, arguments = _name_and_arguments(type_name)
    if head in _FIXED_WIDTH:
        reader.skip(rows * _FIXED_WIDTH[head])
    elif head.startswith("Interval"):
        reader.skip(rows * 8)
    elif head == "SimpleAggregateFunction":
        _skip_data(reader, arguments[1], rows)
    elif head == "Decimal":
        reader.skip(rows * _decimal_width(arguments))
    elif head == "FixedString":
        reader.skip(rows * int(arguments[0]))
    elif head in ("String", "JSONString"):
        for _ in range(rows):
            reader.skip(reader.varint())
    elif head == "Nullable":
        reader.skip(rows)  # the null map
        _skip_data(reader, arguments[0], rows)
    elif head in ("Array", "Map"):
        reader.skip((rows - 1) * 8)
        total = reader.uint64()  # offsets are cumulative: the last one counts all elements
        for argument in arguments if head == "Map" else arguments[:1]:
            _skip_data(reader, argument, total)
    elif head == "Tuple":
        for argument in arguments:
            _skip_data(reader, _element(argument), rows)
    elif head == "LowCardinality":
        _skip_low_cardinality(reader, arguments[0], rows)
    else:
        raise UnsupportedType(type_name)


def _skip_low_cardinality(reader: _Reader, inner: str, rows: int) -> None:
    """Dictionary parts until every row's index was read; keys are of the non-Nullable type."""
    head, arguments = _name_and_arguments(inner)
    keys_type = arguments[0] if head == "Nullable" else inner
    while rows > 0:
        flags = reader.uint64()
        if flags & _HAS_ADDITIONAL_KEYS:
            _skip_data(reader, keys_type, reader.uint64())
        indexes = reader.uint64()
        reader.skip(indexes * _INDEX_WIDTHS[flags & 0xFF])
        rows -= indexes


def upgrade(data: bytes, revision: int) -> bytes:
    """chDB's Native output (revision 0) in the shape a client of `revision` reads."""
    if revision <= 0 or not data:
        return data
    reader = _Reader(data)
    out = bytearray()
    while reader.pos < len(data):
        start = reader.pos
        columns, rows = reader.varint(), reader.varint()
        out += BLOCK_INFO + data[start : reader.pos]
        for _ in range(columns):
            start = reader.pos
            reader.text()
            type_name = reader.text().decode()
            out += data[start : reader.pos]
            if revision >= REVISION_WITH_CUSTOM_SERIALIZATION:
                out += b"\x00"
            start = reader.pos
            if rows:
                _skip_prefix(reader, type_name)
                _skip_data(reader, type_name, rows)
            out += data[start : reader.pos]
    return bytes(out)
