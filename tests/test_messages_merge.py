"""The collector merges the packed messages of concurrent requests by partition before sending:
every row arrives exactly once, in order per partition, under the size limit, and each merged
message knows which requests' messages it carries (their acknowledgement is its own)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schemas.messages import merge, pack, unpack

PARTITIONS = 3


def partition_of(topic: str, key: bytes) -> int:
    return sum(key) % PARTITIONS


@st.composite
def requests(draw: st.DrawFn) -> list[tuple[str, bytes, bytes]]:
    messages = []
    for request in range(draw(st.integers(1, 6))):
        records = [
            {"event_id": f"{request}-{n}", "anonymous_id": f"v{draw(st.integers(0, 5))}"}
            for n in range(draw(st.integers(1, 8)))
        ]
        messages += pack("events", records, lambda r: r["anonymous_id"].encode(), max_bytes=200)
    return messages


@given(messages=requests(), max_bytes=st.sampled_from([120, 400, 1 << 20]))
def test_merged_messages_carry_every_row_once_per_partition(messages, max_bytes) -> None:
    merged = merge(messages, partition_of, max_bytes=max_bytes)
    assert sorted(i for m in merged for i in m.sources) == list(range(len(messages)))
    for message in merged:
        assert len(message.value) <= max_bytes or len(message.sources) == 1
        assert all(
            partition_of("events", messages[i][1]) == message.partition for i in message.sources
        )
        expected = [r for i in message.sources for r in unpack(messages[i][2])]
        assert unpack(message.value) == expected
    for partition in range(PARTITIONS):  # order within a partition is the order sent
        sent = [
            r for m in messages if partition_of("events", m[1]) == partition for r in unpack(m[2])
        ]
        got = [r for m in merged if m.partition == partition for r in unpack(m.value)]
        assert got == sent


def test_other_column_layouts_are_not_mixed() -> None:
    a = pack("events", [{"x": 1}], lambda _: b"k")
    b = pack("events", [{"y": 2}], lambda _: b"k")
    merged = merge(a + b + a, partition_of)
    assert [m.sources for m in merged] == [[0, 2], [1]]
