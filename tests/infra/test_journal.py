"""The order journal: states, the timeline, the schema version, and two processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from a2a_tui.domain.orders import JournalState
from a2a_tui.infra.journal import (
    SCHEMA_VERSION,
    DuplicateEntry,
    Journal,
    JournalError,
    journal_path,
    key_fingerprint,
)

HOST = "http://127.0.0.1:8787"
BODY = {"client_order_id": "c-1", "amount_in": "1000", "channels": [{"channel_id": 101}]}


def pending(journal: Journal, cid: str = "c-1", **changes: Any) -> Any:
    values: dict[str, Any] = {
        "host": HOST,
        "client_order_id": cid,
        "body": {**BODY, "client_order_id": cid},
        "quote": {"chosen": {"channel_id": 101}},
        "key_entry": "any2any.api_key@127.0.0.1:8787",
        "key_fingerprint": key_fingerprint("secret-key"),
    }
    return journal.journal_pending(**{**values, **changes})


def test_an_entry_goes_pending_then_created_and_keeps_every_status_seen(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    entry = pending(journal)
    assert (entry.state, entry.owner, entry.body) == (JournalState.PENDING, journal.owner,
                                                      BODY)  # fmt: skip
    assert entry.attempts == 1  # the send about to happen: no second write before it
    journal.record_attempt(entry.id, 2)  # a retry
    created = journal.record_created(entry.id, order_no="OD1", response={"order_no": "OD1"})
    assert (created.state, created.order_no, created.attempts, created.owner) == (
        JournalState.CREATED, "OD1", 2, None,
    )  # fmt: skip
    assert journal.record_status(entry.id, "Depositing")
    assert not journal.record_status(entry.id, "Depositing")  # unchanged: not appended
    assert journal.record_status(entry.id, "Swapping")
    kinds = [(e.kind, e.status) for e in journal.timeline(entry.id)]
    assert kinds == [("journaled", None), ("attempt", None), ("created", None),
                     ("status", "Depositing"), ("status", "Swapping")]  # fmt: skip
    assert journal.find_order("OD1") == journal.get(entry.id)
    journal.close()
    reopened = Journal(tmp_path / "j.sqlite3")  # on disk, as committed
    assert reopened.get(entry.id).last_status == "Swapping"


def test_the_key_itself_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    entry = pending(journal)
    journal.record_created(entry.id, order_no="OD1", response={})
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"secret-key" not in raw
    assert b"any2any.api_key@127.0.0.1:8787" in raw  # the entry name is


def test_wal_and_full_sync_are_on(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    db = journal._db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_live_client_order_id_cannot_be_journaled_twice_but_a_refused_one_can() -> None:
    journal = Journal.in_memory()
    first = pending(journal)
    with pytest.raises(DuplicateEntry) as duplicate:
        pending(journal)
    assert duplicate.value.existing.id == first.id
    journal.record_refused(first.id, error="quote amount mismatch")
    again = pending(journal)  # nothing exists on the server: the id is free again
    assert again.id != first.id
    assert journal.find(HOST, "c-1") == again


def test_a_schema_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="newer a2a-tui"):
        Journal(path)


def test_an_old_file_is_migrated_once(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    sqlite3.connect(path).close()  # version 0: an empty file
    journal = Journal(path)
    assert journal.schema_version == SCHEMA_VERSION
    pending(journal)
    journal.close()
    assert len(Journal(path).records()) == 1  # reopening does not run the migration again


def test_a_broken_file_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match="cannot open the order journal"):
        Journal(path)


def test_a_folder_that_cannot_be_made_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    """A data dir under a file (or under /proc) raised FileExistsError or
    FileNotFoundError past every command's handler: a traceback, exit 1."""
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(JournalError, match=r"its folder .*a-file cannot be created"):
        Journal(blocker / "journal.sqlite3")


def test_the_path_follows_the_data_dir_override(tmp_path: Path) -> None:
    assert journal_path({"A2A_TUI_DATA_DIR": str(tmp_path)}) == tmp_path / "journal.sqlite3"
    assert journal_path({}).name == "journal.sqlite3"


def test_a_live_owner_keeps_its_lease_an_expired_one_loses_it(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "j.sqlite3"
    sender = Journal(path, lease_seconds=60, clock=lambda: now[0])
    other = Journal(path, lease_seconds=60, clock=lambda: now[0])
    entry = pending(sender)
    assert other.claim_pending(HOST) == []  # this process is alive and within its lease
    assert other.claim(entry.id) is None
    now[0] += 61
    (claimed,) = other.claim_pending(HOST)
    assert claimed.owner == other.owner
    with pytest.raises(JournalError):  # the old sender may not send it any more
        sender.record_attempt(entry.id, 2)


def test_a_dead_owners_lease_is_claimed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    script = textwrap.dedent(f"""
        from a2a_tui.infra.journal import Journal
        j = Journal({str(path)!r})
        j.journal_pending(host={HOST!r}, client_order_id="dead", body={{}}, quote={{}},
                          key_entry=None, key_fingerprint=None)
    """)
    subprocess.run([sys.executable, "-c", script], check=True)  # exits holding the lease
    journal = Journal(path)
    (claimed,) = journal.claim_pending(HOST)
    assert claimed.client_order_id == "dead"


CLAIMER = """
import json, sys
from a2a_tui.infra.journal import Journal
journal = Journal(sys.argv[1])
print(json.dumps([r.id for r in journal.claim_pending(sys.argv[2])]), flush=True)
sys.stdin.read()  # stay alive (holding the leases) until the test has both answers
"""


def test_two_processes_never_claim_the_same_pending_entry(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    seed = Journal(path)
    ids = set()
    for i in range(40):
        entry = pending(seed, f"c-{i}")
        seed.release(entry.id)
        ids.add(entry.id)
    seed.close()
    claimers = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, str(path), HOST],
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        claimed = [json.loads(p.stdout.readline()) for p in claimers if p.stdout is not None]
    finally:
        for p in claimers:
            assert p.stdin is not None
            p.stdin.close()
            p.wait(30)
    first, second = (set(c) for c in claimed)
    assert not first & second
    assert first | second == ids


WRITER = """
import sys
from a2a_tui.infra.journal import Journal
journal = Journal(sys.argv[1])
for i in range(60):
    e = journal.journal_pending(host="h", client_order_id=f"{sys.argv[2]}-{i}", body={"i": i},
                                quote={}, key_entry=None, key_fingerprint=None)
    journal.record_attempt(e.id, 1)
    journal.record_created(e.id, order_no=f"OD-{sys.argv[2]}-{i}", response={})
"""


def test_two_processes_writing_at_once_leave_a_whole_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name]) for name in "ab"]
    assert [w.wait(60) for w in writers] == [0, 0]
    journal = Journal(path)
    records = journal.records()
    assert len(records) == 120
    assert {r.state for r in records} == {JournalState.CREATED}
    assert journal._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- schema 2: the watch list and refund requests ------------------------------------


def test_a_version_1_file_keeps_its_orders_and_gains_the_support_tables(tmp_path: Path) -> None:
    from a2a_tui.infra.journal import _MIGRATIONS, _statements

    path = tmp_path / "j.sqlite3"
    with sqlite3.connect(path) as db:  # what issue 8's a2a-tui wrote
        for statement in _statements(_MIGRATIONS[0]):
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO orders (client_order_id, host, state, journaled_at, updated_at, body, "
            "quote, order_no) VALUES ('old', ?, 'created', '2026-05-25T10:00:00+00:00', "
            "'2026-05-25T10:00:00+00:00', '{}', '{}', 'OD1')",
            (HOST,),
        )
    journal = Journal(path)
    assert journal.schema_version == SCHEMA_VERSION == 2
    assert [r.order_no for r in journal.records()] == ["OD1"]
    assert journal.watched() == []
    assert journal.refunds(HOST, "OD1") == []


def test_the_watch_list_keeps_the_detail_and_a_timeline_of_its_own(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    watch = journal.watch(HOST, "OD9", {"status": "Depositing"}, "Depositing")
    assert journal.watch(HOST, "OD9").id == watch.id  # again: the same entry
    assert journal.record_watch_detail(watch.id, {"status": "Swapping"}, "Swapping")
    assert not journal.record_watch_detail(watch.id, {"status": "Swapping", "x": 1}, "Swapping")
    found = journal.find_watched(HOST, "OD9")
    assert found is not None
    assert (found.last_status, found.detail) == ("Swapping", {"status": "Swapping", "x": 1})
    assert [(e.kind, e.status) for e in journal.watch_timeline(watch.id)] == [
        ("watched", None), ("status", "Depositing"), ("status", "Swapping"),
    ]  # fmt: skip
    assert journal.find_watched("http://elsewhere", "OD9") is None
    journal.unwatch(watch.id)
    assert journal.watched() == []


def test_a_refund_request_is_journaled_before_it_leaves(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    row = journal.refund_sending(host=HOST, order_no="OD1", refund_address="0xabc",
                                 key_entry="any2any.api_key@127.0.0.1:8787")  # fmt: skip
    assert (row.outcome, row.attempts) == ("sending", 1)
    journal.close()
    journal = Journal(tmp_path / "j.sqlite3")  # on disk before the request was sent
    (kept,) = journal.refunds(HOST, "OD1")
    assert kept.outcome == "sending"
    journal.refund_attempt(kept.id)
    done = journal.refund_outcome(kept.id, "refused", "order_state_changed_retry")
    assert (done.outcome, done.attempts, done.error) == ("refused", 2,
                                                         "order_state_changed_retry")  # fmt: skip
    with pytest.raises(sqlite3.IntegrityError):
        journal.refund_outcome(kept.id, "maybe")


TRACKER = """
import sys
from a2a_tui.infra.journal import Journal
journal = Journal(sys.argv[1])
watch = journal.watch("h", "OD1")
changed = 0
for status in ["Depositing", "Swapping", "Completed"] * 20:
    changed += journal.record_watch_detail(watch.id, {"status": status}, status)
print(changed)
"""


def test_two_trackers_on_one_journal_leave_one_timeline(tmp_path: Path) -> None:
    """The TUI and `order watch` follow the same order: both write, nothing breaks."""
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    runs = [subprocess.Popen([sys.executable, "-c", TRACKER, str(path)], stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=60)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 0]
    journal = Journal(path)
    (watch,) = journal.watched()
    events = [e for e in journal.watch_timeline(watch.id) if e.kind == "status"]
    assert len(events) == sum(int(o) for o in outputs)  # each change written once
    assert journal._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
