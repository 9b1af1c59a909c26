"""The order journal: every order request is written down before it is sent.

SQLite (the standard library's), in WAL mode with ``synchronous=FULL``, so a
committed entry survives a crash or a power cut. An entry is written
*pending* before the POST (client_order_id, the full body, the host, the key's
entry name and a one-way fingerprint of the key, never the key, and a
snapshot of the quote), then marked *created* or *refused* when an answer
comes, and every order status seen later is appended to its timeline.

Two processes may share the file (the TUI and a CLI command). Writes are
short ``BEGIN IMMEDIATE`` transactions, and a pending entry is sent only by
the holder of its *lease* (owner and expiry columns): a live owner keeps it,
a dead owner's lease (same machine, process gone) or an expired one can be
claimed, so a pending entry is never sent by two processes at once.

The schema carries its version in ``PRAGMA user_version``; `_MIGRATIONS`
brings an older file up to date in one transaction and a newer file is
refused rather than misread.

Version 2 adds the support desk's tables: the *watch list* (orders looked up
by number, not created here, with their latest detail and their own
timeline) and every *refund request* sent, written before it is sent and
updated with its outcome. The tracker appends each status it sees, in the
same short transactions, so the TUI and ``order watch`` can share the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from a2a_tui.domain.orders import JournalState, OrderRecord, RefundAttempt, WatchRecord

__all__ = [
    "DATA_DIR_ENV",
    "SCHEMA_VERSION",
    "DuplicateEntry",
    "Journal",
    "JournalError",
    "TimelineEvent",
    "data_dir",
    "journal_path",
    "key_fingerprint",
]

#: Points the journal (and any later data file) somewhere else: tests, the demo, a sandbox.
DATA_DIR_ENV = "A2A_TUI_DATA_DIR"
FILE_NAME = "journal.sqlite3"

_V1 = """
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_order_id TEXT NOT NULL,
    host TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'created', 'refused')),
    journaled_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    key_entry TEXT,
    key_fingerprint TEXT,
    body TEXT NOT NULL,
    quote TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    order_no TEXT,
    response TEXT,
    error TEXT,
    last_status TEXT,
    lease_owner TEXT,
    lease_until REAL
);
-- one live entry per client_order_id and host: a refused request created
-- nothing, so its id may be used again
CREATE UNIQUE INDEX orders_live_client_id ON orders (host, client_order_id)
    WHERE state != 'refused';
CREATE INDEX orders_pending ON orders (host) WHERE state = 'pending';
CREATE INDEX orders_order_no ON orders (order_no) WHERE order_no IS NOT NULL;
-- the timeline: what happened to an entry, and every order status seen
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    detail TEXT
);
CREATE INDEX order_events_order ON order_events (order_id, id);
"""

_V2 = """
-- orders looked up by number (support desk): tracked like the journal's own
CREATE TABLE watched (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host TEXT NOT NULL,
    order_no TEXT NOT NULL,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    detail TEXT,
    last_status TEXT
);
CREATE UNIQUE INDEX watched_order ON watched (host, order_no);
CREATE TABLE watch_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id INTEGER NOT NULL REFERENCES watched (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    detail TEXT
);
CREATE INDEX watch_events_watch ON watch_events (watch_id, id);
-- every refund request sent, journaled before it leaves
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host TEXT NOT NULL,
    order_no TEXT NOT NULL,
    refund_address TEXT NOT NULL,
    key_entry TEXT,
    requested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN
        ('sending', 'requested', 'already_requested', 'refused', 'unknown')),
    error TEXT
);
CREATE INDEX refunds_order ON refunds (host, order_no, id);
"""

#: Migration ``i`` takes a file from version ``i`` to ``i + 1``; never edit one
#: that has shipped, add the next.
_MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(_MIGRATIONS)


class JournalError(Exception):
    """The journal cannot be opened or written; the message says why."""


class DuplicateEntry(JournalError):
    """A live entry already has this client_order_id on this host."""

    def __init__(self, existing: OrderRecord) -> None:
        super().__init__(
            f"client_order_id {existing.client_order_id!r} is already journaled "
            f"({existing.state.value}{', ' + existing.order_no if existing.order_no else ''})"
        )
        self.existing = existing


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    kind: str  # journaled, attempt, created, refused, unknown, released, status
    status: str | None
    detail: Mapping[str, Any]


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(DATA_DIR_ENV):
        return Path(env[DATA_DIR_ENV]).expanduser()
    from platformdirs import user_data_path

    return user_data_path("a2a-tui")


def journal_path(env: Mapping[str, str] | None = None) -> Path:
    """``$A2A_TUI_DATA_DIR/journal.sqlite3``, else the platform's data directory
    (on Linux ``~/.local/share/a2a-tui/journal.sqlite3``)."""
    return data_dir(env) / FILE_NAME


def key_fingerprint(key: str | None) -> str | None:
    """A one-way tag of the key, so a pending entry is never resent with
    another key (which the server would treat as another integrator's order)."""
    if key is None:
        return None
    return hashlib.sha256(b"a2a-tui journal\0" + key.encode()).hexdigest()[:16]


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def owner_is_gone(owner: str) -> bool:
    """True only when certain: the owner ran on this machine and its process is gone."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    return not _pid_alive(int(pid_text))


class Journal:
    """One connection, shared by the threads of one process behind a lock.

    Every method is blocking (a few milliseconds, an fsync for a write):
    async callers run them in a thread.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        lease_seconds: float = 120.0,
        clock: Callable[[], float] = time.time,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``wall_clock`` stamps entries and events (tests freeze it)."""
        self.path = path
        self.owner = _owner_id()
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._wall = wall_clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        in_memory = str(path) == ":memory:"
        if not in_memory:
            folder = Path(path).parent
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:  # not creatable, or a file in the way: said, not a traceback
                reason = exc.strerror or type(exc).__name__
                raise JournalError(
                    f"cannot open the order journal {path}: its folder {folder} "
                    f"cannot be created ({reason})"
                ) from None
        try:
            self._db = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=10.0
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout = 10000")
            if not in_memory:
                self._db.execute("PRAGMA journal_mode = WAL")
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o600)  # order data, addresses: the owner's only
            # FULL: a commit in WAL mode is on disk before it returns, so the
            # pending entry exists before the request is sent
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot open the order journal {path}: {exc}") from None

    @classmethod
    def in_memory(cls, *, wall_clock: Callable[[], datetime] | None = None) -> Journal:
        """A journal that forgets (the demo, tests): never the user's file."""
        return cls(":memory:", wall_clock=wall_clock)

    def _now(self) -> str:
        return self._wall().astimezone(UTC).isoformat(timespec="milliseconds")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # -- plumbing ---------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: takes the write lock at once, so
        a read-then-write (a claim) cannot interleave with another process's."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise JournalError(f"the order journal is busy or unwritable: {exc}") from None
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise JournalError(
                    f"{self.path} was written by a newer a2a-tui (schema {version}, "
                    f"this one knows {SCHEMA_VERSION}); upgrade a2a-tui"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(_MIGRATIONS[step]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {step + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _event(
        self,
        db: sqlite3.Connection,
        record_id: int,
        kind: str,
        status: str | None = None,
        **detail: Any,
    ) -> None:
        db.execute(
            "INSERT INTO order_events (order_id, at, kind, status, detail) VALUES (?, ?, ?, ?, ?)",
            (record_id, self._now(), kind, status, json.dumps(detail, default=str)),
        )

    def _row(self, db: sqlite3.Connection, record_id: int) -> OrderRecord:
        row = db.execute("SELECT * FROM orders WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise JournalError(f"no journal entry {record_id}")
        return _record(row)

    # -- writes -----------------------------------------------------------------

    def journal_pending(
        self,
        *,
        host: str,
        client_order_id: str,
        body: Mapping[str, Any],
        quote: Mapping[str, Any],
        key_entry: str | None,
        key_fingerprint: str | None,
    ) -> OrderRecord:
        """Write the request down before it is sent; this process holds its lease,
        and the send about to happen is counted (one fsync before the POST, not two).

        Raises `DuplicateEntry` if a live entry has the same client_order_id.
        """
        now = self._now()
        with self._write() as db:
            existing = db.execute(
                "SELECT * FROM orders WHERE host = ? AND client_order_id = ? AND state != ?",
                (host, client_order_id, JournalState.REFUSED.value),
            ).fetchone()
            if existing is not None:
                raise DuplicateEntry(_record(existing))
            cursor = db.execute(
                """INSERT INTO orders (client_order_id, host, state, journaled_at, updated_at,
                       key_entry, key_fingerprint, body, quote, attempts, lease_owner, lease_until)
                   VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
                (
                    client_order_id,
                    host,
                    now,
                    now,
                    key_entry,
                    key_fingerprint,
                    json.dumps(body, separators=(",", ":")),
                    json.dumps(quote, separators=(",", ":"), default=str),
                    self.owner,
                    self._clock() + self.lease_seconds,
                ),
            )
            record_id = int(cursor.lastrowid or 0)
            self._event(db, record_id, "journaled")
            return self._row(db, record_id)

    def record_attempt(self, record_id: int, attempt: int) -> None:
        """About to send (again): count it and renew this process's lease."""
        with self._write() as db:
            updated = db.execute(
                """UPDATE orders SET attempts = attempts + 1, updated_at = ?, lease_until = ?
                   WHERE id = ? AND state = 'pending' AND lease_owner = ?""",
                (self._now(), self._clock() + self.lease_seconds, record_id, self.owner),
            ).rowcount
            if not updated:
                raise JournalError(f"journal entry {record_id} is not pending under this process")
            self._event(db, record_id, "attempt", attempt=attempt)

    def record_created(
        self, record_id: int, *, order_no: str, response: Mapping[str, Any]
    ) -> OrderRecord:
        with self._write() as db:
            db.execute(
                """UPDATE orders SET state = 'created', order_no = ?, response = ?, error = NULL,
                       updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?""",
                (order_no, json.dumps(response, default=str), self._now(), record_id),
            )
            self._event(db, record_id, "created", order_no=order_no)
            return self._row(db, record_id)

    def record_refused(self, record_id: int, *, error: str) -> OrderRecord:
        """The server said no: nothing exists there, and this entry is done."""
        with self._write() as db:
            db.execute(
                """UPDATE orders SET state = 'refused', error = ?, updated_at = ?,
                       lease_owner = NULL, lease_until = NULL WHERE id = ?""",
                (error, self._now(), record_id),
            )
            self._event(db, record_id, "refused", error=error)
            return self._row(db, record_id)

    def record_unknown(self, record_id: int, *, error: str) -> OrderRecord:
        """Every attempt failed without an answer: still pending, lease released,
        so the next start (of any process) resolves it."""
        with self._write() as db:
            db.execute(
                """UPDATE orders SET error = ?, updated_at = ?, lease_owner = NULL,
                       lease_until = NULL WHERE id = ? AND state = 'pending'""",
                (error, self._now(), record_id),
            )
            self._event(db, record_id, "unknown", error=error)
            return self._row(db, record_id)

    def release(self, record_id: int, *, reason: str = "") -> None:
        """Give a pending entry's lease back (cancelled, or skipped)."""
        with self._write() as db:
            db.execute(
                """UPDATE orders SET lease_owner = NULL, lease_until = NULL
                   WHERE id = ? AND lease_owner = ?""",
                (record_id, self.owner),
            )
            self._event(db, record_id, "released", reason=reason)

    def record_detail(
        self,
        record_id: int,
        response: Mapping[str, Any],
        status: str,
        *,
        server_at: datetime | None = None,
    ) -> bool:
        """Keep the latest full answer (the order detail) beside the creation reply,
        and its status in the timeline if it changed; True if it did. One commit."""
        with self._write() as db:
            db.execute(
                "UPDATE orders SET response = ?, updated_at = ? WHERE id = ?",
                (json.dumps(response, default=str), self._now(), record_id),
            )
            return self._status(db, record_id, status, server_at)

    def _status(
        self, db: sqlite3.Connection, record_id: int, status: str, server_at: datetime | None
    ) -> bool:
        row = db.execute("SELECT last_status FROM orders WHERE id = ?", (record_id,)).fetchone()
        if row is None or row["last_status"] == status:
            return False
        db.execute(
            "UPDATE orders SET last_status = ?, updated_at = ? WHERE id = ?",
            (status, self._now(), record_id),
        )
        self._event(
            db, record_id, "status", status,
            **({"server_at": server_at.isoformat()} if server_at else {}),
        )  # fmt: skip
        return True

    def record_status(
        self, record_id: int, status: str, *, server_at: datetime | None = None
    ) -> bool:
        """Append a status to the timeline if it differs from the last one seen."""
        with self._write() as db:
            return self._status(db, record_id, status, server_at)

    # -- the watch list (orders looked up by number) -----------------------------

    def watch(
        self,
        host: str,
        order_no: str,
        detail: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> WatchRecord:
        """Add an order to the watch list (again: nothing changes but the detail)."""
        now = self._now()
        with self._write() as db:
            cursor = db.execute(
                """INSERT INTO watched (host, order_no, added_at, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (host, order_no) DO NOTHING""",
                (host, order_no, now, now),
            )
            row = db.execute(
                "SELECT id FROM watched WHERE host = ? AND order_no = ?", (host, order_no)
            ).fetchone()
            watch_id = int(row["id"])
            if cursor.rowcount:
                self._watch_event(db, watch_id, "watched")
            if detail is not None:
                self._watch_detail(db, watch_id, detail, status, None)
            return self._watch_row(db, watch_id)

    def unwatch(self, watch_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM watch_events WHERE watch_id = ?", (watch_id,))
            db.execute("DELETE FROM watched WHERE id = ?", (watch_id,))

    def record_watch_detail(
        self,
        watch_id: int,
        detail: Mapping[str, Any],
        status: str | None,
        *,
        server_at: datetime | None = None,
    ) -> bool:
        """The latest detail of a watched order; its status in the timeline if it
        changed (True). One commit; another process's same write is a no-op."""
        with self._write() as db:
            return self._watch_detail(db, watch_id, detail, status, server_at)

    def _watch_detail(
        self,
        db: sqlite3.Connection,
        watch_id: int,
        detail: Mapping[str, Any],
        status: str | None,
        server_at: datetime | None,
    ) -> bool:
        row = db.execute("SELECT last_status FROM watched WHERE id = ?", (watch_id,)).fetchone()
        if row is None:
            return False
        changed = status is not None and row["last_status"] != status
        db.execute(
            "UPDATE watched SET detail = ?, updated_at = ?"
            + (", last_status = ?" if changed else "") + " WHERE id = ?",
            (json.dumps(detail, default=str), self._now(),
             *((status,) if changed else ()), watch_id),
        )  # fmt: skip
        if changed:
            self._watch_event(
                db, watch_id, "status", status,
                **({"server_at": server_at.isoformat()} if server_at else {}),
            )  # fmt: skip
        return changed

    def _watch_event(
        self, db: sqlite3.Connection, watch_id: int, kind: str, status: str | None = None,
        **detail: Any,
    ) -> None:  # fmt: skip
        db.execute(
            "INSERT INTO watch_events (watch_id, at, kind, status, detail) VALUES (?, ?, ?, ?, ?)",
            (watch_id, self._now(), kind, status, json.dumps(detail, default=str)),
        )

    def _watch_row(self, db: sqlite3.Connection, watch_id: int) -> WatchRecord:
        row = db.execute("SELECT * FROM watched WHERE id = ?", (watch_id,)).fetchone()
        if row is None:
            raise JournalError(f"no watched order {watch_id}")
        return _watch(row)

    # -- refund requests ------------------------------------------------------------

    def refund_sending(
        self, *, host: str, order_no: str, refund_address: str, key_entry: str | None
    ) -> RefundAttempt:
        """Written before the request leaves; the first attempt is counted."""
        now = self._now()
        with self._write() as db:
            cursor = db.execute(
                """INSERT INTO refunds (host, order_no, refund_address, key_entry, requested_at,
                       updated_at, attempts, outcome) VALUES (?, ?, ?, ?, ?, ?, 1, 'sending')""",
                (host, order_no, refund_address, key_entry, now, now),
            )
            return self._refund_row(db, int(cursor.lastrowid or 0))

    def refund_attempt(self, refund_id: int) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE refunds SET attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (self._now(), refund_id),
            )

    def refund_outcome(
        self, refund_id: int, outcome: str, error: str | None = None
    ) -> RefundAttempt:
        with self._write() as db:
            db.execute(
                "UPDATE refunds SET outcome = ?, error = ?, updated_at = ? WHERE id = ?",
                (outcome, error, self._now(), refund_id),
            )
            return self._refund_row(db, refund_id)

    def _refund_row(self, db: sqlite3.Connection, refund_id: int) -> RefundAttempt:
        row = db.execute("SELECT * FROM refunds WHERE id = ?", (refund_id,)).fetchone()
        if row is None:
            raise JournalError(f"no refund request {refund_id}")
        return _refund(row)

    def claim_pending(self, host: str) -> list[OrderRecord]:
        """Take the lease of every pending entry of ``host`` that nobody alive holds."""
        now = self._clock()
        claimed: list[OrderRecord] = []
        with self._write() as db:
            rows = db.execute(
                "SELECT * FROM orders WHERE host = ? AND state = 'pending' ORDER BY id", (host,)
            ).fetchall()
            for row in rows:
                if not self._claimable(row, now):
                    continue
                owner = row["lease_owner"]
                db.execute(
                    "UPDATE orders SET lease_owner = ?, lease_until = ? WHERE id = ?",
                    (self.owner, now + self.lease_seconds, row["id"]),
                )
                self._event(db, row["id"], "claimed", previous_owner=owner)
                claimed.append(self._row(db, row["id"]))
        return claimed

    def _claimable(self, row: sqlite3.Row, now: float) -> bool:
        """Free, ours, expired, or held by a process that is gone."""
        owner, until = row["lease_owner"], row["lease_until"]
        if owner is None or owner == self.owner:
            return True
        return until is None or until < now or owner_is_gone(owner)

    def claim(self, record_id: int) -> OrderRecord | None:
        """Take one pending entry's lease if nobody alive holds it; None if someone does."""
        now = self._clock()
        with self._write() as db:
            row = db.execute(
                "SELECT * FROM orders WHERE id = ? AND state = 'pending'", (record_id,)
            ).fetchone()
            if row is None:
                return None
            if not self._claimable(row, now):
                return None
            db.execute(
                "UPDATE orders SET lease_owner = ?, lease_until = ? WHERE id = ?",
                (self.owner, now + self.lease_seconds, record_id),
            )
            return self._row(db, record_id)

    # -- reads ------------------------------------------------------------------

    def get(self, record_id: int) -> OrderRecord:
        with self._lock:
            return self._row(self._db, record_id)

    def find(self, host: str, client_order_id: str) -> OrderRecord | None:
        """The live entry for this id on this host (else the latest refused one)."""
        with self._lock:
            row = self._db.execute(
                """SELECT * FROM orders WHERE host = ? AND client_order_id = ?
                   ORDER BY state = 'refused', id DESC LIMIT 1""",
                (host, client_order_id),
            ).fetchone()
        return None if row is None else _record(row)

    def find_order(self, order_no: str) -> OrderRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM orders WHERE order_no = ? ORDER BY id DESC LIMIT 1", (order_no,)
            ).fetchone()
        return None if row is None else _record(row)

    def records(
        self, *, host: str | None = None, state: JournalState | None = None
    ) -> list[OrderRecord]:
        """Newest first."""
        where, args = [], []
        if host is not None:
            where.append("host = ?")
            args.append(host)
        if state is not None:
            where.append("state = ?")
            args.append(state.value)
        sql = "SELECT * FROM orders"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC", args).fetchall()
        return [_record(row) for row in rows]

    def timeline(self, record_id: int) -> list[TimelineEvent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM order_events WHERE order_id = ? ORDER BY id", (record_id,)
            ).fetchall()
        return [_event(row) for row in rows]

    def watched(self, *, host: str | None = None) -> list[WatchRecord]:
        """Newest first."""
        sql, args = "SELECT * FROM watched", list[str]()
        if host is not None:
            sql, args = sql + " WHERE host = ?", [host]
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC", args).fetchall()
        return [_watch(row) for row in rows]

    def find_watched(self, host: str, order_no: str) -> WatchRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM watched WHERE host = ? AND order_no = ?", (host, order_no)
            ).fetchone()
        return None if row is None else _watch(row)

    def watch_timeline(self, watch_id: int) -> list[TimelineEvent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM watch_events WHERE watch_id = ? ORDER BY id", (watch_id,)
            ).fetchall()
        return [_event(row) for row in rows]

    def refunds(self, host: str, order_no: str) -> list[RefundAttempt]:
        """Oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM refunds WHERE host = ? AND order_no = ? ORDER BY id",
                (host, order_no),
            ).fetchall()
        return [_refund(row) for row in rows]


def _event(row: sqlite3.Row) -> TimelineEvent:
    return TimelineEvent(
        datetime.fromisoformat(row["at"]),
        row["kind"],
        row["status"],
        json.loads(row["detail"]) if row["detail"] else {},
    )


def _watch(row: sqlite3.Row) -> WatchRecord:
    return WatchRecord(
        id=row["id"],
        host=row["host"],
        order_no=row["order_no"],
        added_at=datetime.fromisoformat(row["added_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        detail=json.loads(row["detail"]) if row["detail"] else None,
        last_status=row["last_status"],
    )


def _refund(row: sqlite3.Row) -> RefundAttempt:
    return RefundAttempt(
        id=row["id"],
        host=row["host"],
        order_no=row["order_no"],
        refund_address=row["refund_address"],
        key_entry=row["key_entry"],
        requested_at=datetime.fromisoformat(row["requested_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        attempts=row["attempts"],
        outcome=row["outcome"],
        error=row["error"],
    )


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no trigger bodies here, so ';' is safe);
    `executescript` would commit the transaction the migration runs in."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _record(row: sqlite3.Row) -> OrderRecord:
    return OrderRecord(
        id=row["id"],
        client_order_id=row["client_order_id"],
        host=row["host"],
        state=JournalState(row["state"]),
        journaled_at=datetime.fromisoformat(row["journaled_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        key_entry=row["key_entry"],
        key_fingerprint=row["key_fingerprint"],
        body=json.loads(row["body"]),
        quote=json.loads(row["quote"]),
        attempts=row["attempts"],
        order_no=row["order_no"],
        response=json.loads(row["response"]) if row["response"] else None,
        error=row["error"],
        last_status=row["last_status"],
        owner=row["lease_owner"],
    )
