"""The tamper-evident audit trail: append-only, chained with an HMAC, verifiable."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from palermo.core import audit
from palermo.core.models import AppendOnlyError, AuditEntry, AuditHead
from palermo.core.roles import Role
from palermo.testing.factories import member

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """Raw SQL as an attacker with write access to the database would run it. On PostgreSQL
    the append-only trigger has to be switched off first (a table owner could do that)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


def make_chain(n=5):
    actor = member(Role.AUDITOR)
    return [audit.record(actor, "test.event", ids=[i], fields=["name"]) for i in range(n)]


def test_an_untouched_chain_verifies_and_reports_count_and_head():
    entries = make_chain(4)
    result = audit.verify_chain()
    assert result.ok
    assert result.count == 4
    assert result.head_hash == entries[-1].entry_hash
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]


def test_entries_hold_ids_and_field_names_only():
    actor = member(Role.AUDITOR)
    entry = audit.record(actor, "person.updated", ids=["a-uuid"], fields=["last_name", "dob"])
    assert entry.fields == ["dob", "last_name"]
    assert entry.ids == ["a-uuid"]
    assert entry.actor_id == actor.pk
    assert entry.institution_id == actor.principal.institution_id
    stored = AuditEntry.objects.get(pk=entry.pk)  # appended in plain SQL: its id read back
    assert (stored.seq, stored.entry_hash, stored.ids) == (entry.seq, entry.entry_hash, ["a-uuid"])
    assert AuditHead.objects.get().seq == entry.seq


def test_a_modified_entry_is_detected_and_named():
    entries = make_chain(5)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE seq = %s", ["test.innocent", 3]
        )
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken_seq == 3
    assert "modified" in result.problem
    assert entries  # the chain existed


def test_a_deleted_entry_is_detected():
    make_chain(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [2])
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken_seq == 3


def test_entries_removed_from_the_end_are_detected_through_the_head():
    make_chain(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq >= %s", [4])
    result = audit.verify_chain()
    assert not result.ok
    assert "removed from the end" in result.problem


def _forge(entry_values, key=b"attacker-does-not-have-the-key-0000"):
    content = json.dumps(entry_values, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, content, hashlib.sha256).hexdigest()


def test_an_inserted_entry_is_detected_even_with_a_plausible_hash():
    entries = make_chain(4)
    # Make room after #2 and insert a forged entry that points at #2's hash.
    with tampering() as cursor:
        for seq in (4, 3):
            cursor.execute("UPDATE core_auditentry SET seq = seq + 1 WHERE seq = %s", [seq])
        forged_hash = _forge({"seq": 3, "action": "test.forged"})
        cursor.execute(
            "INSERT INTO core_auditentry (seq, created_at, actor_id, institution_id, action, "
            "object_type, object_id, ids, fields, flagged, channel, key_id, prev_hash, entry_hash) "
            "VALUES (%s, %s, NULL, NULL, %s, '', '', %s, %s, %s, 'web', %s, %s, %s)",
            [
                3,
                entries[1].created_at,
                "test.forged",
                "[]",
                "[]",
                False,
                entries[1].key_id,
                entries[1].entry_hash,
                forged_hash,
            ],
        )
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken_seq == 3


def test_a_chain_recomputed_with_another_key_does_not_verify(settings):
    make_chain(3)
    settings.PALERMO_AUDIT_KEYS = "t1:" + "QUJD" * 11  # a different 33-byte key, same id
    assert not audit.verify_chain().ok


def test_the_orm_refuses_everything_but_append():
    entry = make_chain(1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(seq=99, action="x", key_id="t1", prev_hash="0", entry_hash="1")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(seq=100)])
    assert audit.verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditentry SET action = 'x'",
        "DELETE FROM core_auditentry",
        "TRUNCATE core_auditentry",
    ],
)
def test_postgresql_refuses_update_delete_and_truncate(statement):
    make_chain(2)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL palermo.audit_truncate = 'off'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(statement)
    assert AuditEntry.objects.count() == 2


def test_a_rolled_back_write_leaves_no_entry():
    actor = member(Role.AUDITOR)
    before = AuditEntry.objects.count()

    def failing_service():
        with transaction.atomic():
            audit.record(actor, "test.event")
            raise RuntimeError("the service failed after auditing")

    with pytest.raises(RuntimeError):
        failing_service()
    assert AuditEntry.objects.count() == before
    assert audit.verify_chain().ok


def test_record_read_logs_one_entry_listing_every_id():
    actor = member(Role.CASE_WORKER)
    entry = audit.record_read(actor, "people.person", ["a", "b", "c"], sections=["identity"])
    assert entry is not None
    assert entry.action == "person.read"
    assert entry.ids == ["a", "b", "c"]
    assert entry.fields == ["identity"]
    assert audit.record_read(actor, "people.person", []) is None


def test_audit_verify_command_exit_codes(capsys):
    make_chain(3)
    call_command("audit_verify")
    out = capsys.readouterr().out
    head = AuditHead.objects.get().entry_hash
    assert out.strip() == f"OK: 3 entries; head hash {head}"
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditentry SET ids = %s WHERE seq = 2", ['["999"]'])
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    assert exc.value.code == 1
    assert "#2" in capsys.readouterr().err


def test_audit_verify_on_an_empty_trail():
    result = audit.verify_chain()
    assert result.ok
    assert result.count == 0


@pytest.mark.parametrize("head", [False, True], ids=["first entry", "after others"])
def test_a_write_is_not_kept_when_its_entry_fails_to_append_even_if_the_caller_carries_on(
    monkeypatch, head
):
    """An entry appends in the caller's transaction without a savepoint of its own: if it
    fails, the caller's write rolls back with it, caught or not."""
    from palermo.core.models import Notification

    user = member(Role.REGISTRAR)
    if head:  # PostgreSQL then appends without the head's lock (the first entry takes it)
        audit.record(user, "test.first")

    def fail(entry):
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit, "_append", fail)
    with transaction.atomic():
        note = Notification.objects.create(user=user, kind="test", text="x", url="/")
        with pytest.raises(DatabaseError):
            audit.record(user, "test.written", note)
    assert not Notification.objects.filter(pk=note.pk).exists()
    assert not AuditEntry.objects.filter(action="test.written").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite appends under the lock")
def test_on_postgresql_a_read_entry_appends_in_two_statements_without_a_lock():
    """The head as it is, then one statement that moves it and inserts the entry (no
    ``FOR UPDATE``, no separate insert and update: five round trips were two)."""
    actor = member(Role.CASE_WORKER)
    audit.record(actor, "test.first")  # the head exists
    with CaptureQueriesContext(connection) as queries:
        entry = audit.record_read(actor, "registry.case", ["a", "b"])
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2, statements
    assert not any("FOR UPDATE" in s for s in statements)
    assert statements[1].startswith("WITH moved AS (UPDATE")
    assert AuditEntry.objects.get(pk=entry.pk).ids == ["a", "b"]
    assert AuditHead.objects.get().seq == entry.seq == 2
    assert audit.verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite appends under the lock")
def test_an_entry_chained_to_a_head_that_moved_meanwhile_is_chained_again(monkeypatch):
    """Another worker appends between this one's reading the head and its append: the
    append writes nothing, the entry is chained to the new head; after five such races it
    takes the head's lock."""
    actor = member(Role.CASE_WORKER)
    audit.record(actor, "test.first")
    stale = audit._current_head()
    audit.record(actor, "test.meanwhile")  # the head moves on
    reads = iter([stale, stale])
    real = audit._current_head
    monkeypatch.setattr(audit, "_current_head", lambda: next(reads, None) or real())
    entry = audit.record(actor, "test.after")
    assert entry.seq == 3
    assert entry.prev_hash == AuditEntry.objects.get(seq=2).entry_hash
    assert AuditEntry.objects.filter(seq=3).count() == 1
    assert audit.verify_chain().ok

    monkeypatch.setattr(audit, "_current_head", lambda: stale)  # always the old head
    with CaptureQueriesContext(connection) as queries:
        entry = audit.record(actor, "test.locked")
    assert entry.seq == 4
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    assert audit.verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database is shared-cache memory, whose locks fail instead of waiting",
)
@pytest.mark.django_db(transaction=True)
def test_entries_appended_at_once_by_many_connections_make_one_chain():
    """Eight threads, each its own database connection, append 25 entries each at the same
    time: every entry is kept, each follows exactly one other, the chain verifies."""
    actor = member(Role.CASE_WORKER)
    audit.record(actor, "test.first")
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def append(n: int) -> None:
        try:
            start.wait()
            for i in range(25):
                audit.record_read(actor, "registry.case", [f"{n}-{i}"])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = audit.verify_chain()
    assert result.ok, result.problem
    assert result.count == 1 + 8 * 25
    read = {i for ids in AuditEntry.objects.values_list("ids", flat=True) for i in ids}
    assert read == {f"{n}-{i}" for n in range(8) for i in range(25)}
