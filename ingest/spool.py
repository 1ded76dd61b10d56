"""A bounded, durable local queue of Kafka messages: SQLite in WAL mode, synchronous=FULL.

The collector writes here when Kafka cannot take events, and answers 2xx only after the commit:
the events then survive a crash of the process. A replayer drains it into Kafka in order. Each
collector process owns one spool file, claimed with an exclusive file lock, so several uvicorn
workers never share one; a restarted process claims the files of dead ones, backlog included.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path


class SpoolFull(Exception):
    pass


@dataclass(frozen=True, slots=True)
class SpooledMessage:
    id: int
    topic: str
    key: bytes
    value: bytes


class Spool:
    def __init__(self, directory: Path, max_bytes: int = 1 << 30) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self.path, self._lock_file = self._claim(directory)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS messages ("
            "id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
            "key BLOB NOT NULL, value BLOB NOT NULL)"
        )
        # Small named numbers a consumer keeps beside the queue (e.g. the last id of a batch
        # in flight), committed as durably as the messages.
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
        )
        count, size = self._db.execute(
            "SELECT count(*), coalesce(sum(length(key) + length(value)), 0) FROM messages"
        ).fetchone()
        self._count, self._bytes = count, size

    @staticmethod
    def _claim(directory: Path) -> tuple[Path, int]:
        for index in range(1024):
            path = directory / f"spool-{index}.sqlite"
            handle = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            return path, handle
        raise RuntimeError(f"no free spool file in {directory}")

    def __len__(self) -> int:
        return self._count

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def append(self, messages: list[tuple[str, bytes, bytes]]) -> None:
        """Durably store messages (topic, key, value), all or none. Raises SpoolFull."""
        added = sum(len(key) + len(value) for _, key, value in messages)
        with self._lock:
            if self._bytes + added > self.max_bytes:
                raise SpoolFull(f"spool holds {self._bytes} bytes, limit {self.max_bytes}")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO messages (topic, key, value) VALUES (?, ?, ?)", messages
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._count += len(messages)
            self._bytes += added

    def peek(self, limit: int, through: int | None = None) -> list[SpooledMessage]:
        """The oldest messages, at most `limit`; with `through`, only ids up to that one."""
        last = (1 << 63) - 1 if through is None else through
        with self._lock:
            rows = self._db.execute(
                "SELECT id, topic, key, value FROM messages WHERE id <= ? ORDER BY id LIMIT ?",
                (last, limit),
            ).fetchall()
        return [SpooledMessage(*row) for row in rows]

    def set_mark(self, name: str, value: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO marks (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def mark(self, name: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM marks WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def remove(self, messages: list[SpooledMessage]) -> None:
        """Forget messages once Kafka acknowledged them."""
        if not messages:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM messages WHERE id = ?", [(m.id,) for m in messages])
            self._db.execute("COMMIT")
            self._count -= len(messages)
            self._bytes -= sum(len(m.key) + len(m.value) for m in messages)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            os.close(self._lock_file)
