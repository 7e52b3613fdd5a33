"""The audit API: every write and every read of a sensitive record goes through here.

Entries carry ids, codes and field names — never personal values — so that erasing a
person later leaves the chain intact. ``record`` appends inside the caller's transaction
(a rolled-back write leaves no entry); ``record_read`` logs one entry per request listing
every id shown.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import sql
from .access import principal_of
from .keys import audit_keys
from .models import GENESIS_HASH, AuditEntry, AuditHead

HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "institution_id",
    "action",
    "object_type",
    "object_id",
    "ids",
    "fields",
    "flagged",
    "channel",
    "key_id",
    "prev_hash",
)


def object_label(obj: Any) -> tuple[str, str]:
    """(type, id) naming a model instance in the trail, e.g. ('institutions.institution', '7')."""
    if obj is None:
        return "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk)


def _canonical(entry: AuditEntry) -> bytes:
    values: dict[str, Any] = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["created_at"] = entry.created_at.isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    key = audit_keys().get(entry.key_id)
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def _head_mac(seq: int, entry_hash: str, key_id: str | None = None) -> str:
    ring = audit_keys()
    kid = key_id or ring.current_id
    mac = hmac.new(ring.get(kid), f"head:{seq}:{entry_hash}".encode(), hashlib.sha256).hexdigest()
    return f"{kid}:{mac}"


# Appending runs on every audited read, so its statements are plain SQL (``core.sql``):
# through the ORM (``get_or_create``, ``save``, ``save(update_fields=…)``) they cost 0.9 ms a
# request, most of it building statements. The values still go through each field's own
# conversion (``get_db_prep_save``), as the ORM's insert does.
#
# On PostgreSQL an entry appends without a lock held across round trips: the head is read
# as it is, the entry chained to it, and one statement moves the head only if it is still
# there and inserts the entry only if the head moved (``_append``). Two round trips instead
# of five (BEGIN, lock, insert, head, COMMIT) for a read outside a transaction. When another
# entry got in between, the statement changes nothing and the entry is chained again to the
# new head; after ``OPTIMISTIC_ATTEMPTS`` it takes the lock (the way SQLite always appends:
# it has no data-modifying ``WITH``, and its statements are function calls, not round trips).
OPTIMISTIC_ATTEMPTS = 5


def _head_statement() -> str:
    h = AuditHead
    return (
        f"SELECT {sql.column(h, 'seq')}, {sql.column(h, 'entry_hash')} FROM {sql.table(h)}"  # noqa: S608
        f" WHERE {sql.column(h, 'id')} = 1"
    )


def _current_head() -> tuple[int, str] | None:
    """The chain head's (seq, entry_hash) as it is now, unlocked; None before any entry."""
    found = sql.rows(_head_statement(), [])
    return (int(found[0][0]), found[0][1]) if found else None


def _locked_head() -> tuple[int, str]:
    """The chain head's (seq, entry_hash), locked until the transaction ends (PostgreSQL
    locks the row; SQLite's writes are serialised by the transaction itself)."""
    statement = _head_statement()
    if connection.features.has_select_for_update:
        statement += " FOR UPDATE"
    found = sql.rows(statement, [])
    if not found:  # the first entry ever: create the head, then lock it as above
        AuditHead.objects.get_or_create(pk=1)
        found = sql.rows(statement, [])
    seq, entry_hash = found[0]
    return int(seq), entry_hash


def _append(entry: AuditEntry) -> bool:
    """Insert ``entry`` (its ``pk`` set from the database) and move the head to it, if the
    head is still the entry it follows (``entry.seq - 1``). False, with nothing written,
    when another entry was appended first (PostgreSQL only: elsewhere the caller holds the
    head's lock)."""
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    h, e = AuditHead, AuditEntry
    move = (
        f"UPDATE {sql.table(h)} SET {sql.column(h, 'seq')} = %s,"  # noqa: S608
        f" {sql.column(h, 'entry_hash')} = %s, {sql.column(h, 'head_mac')} = %s"
        f" WHERE {sql.column(h, 'id')} = 1"
    )
    head = [entry.seq, entry.entry_hash, _head_mac(entry.seq, entry.entry_hash)]
    columns = ", ".join(sql.column(e, f.name) for f in fields)
    if connection.vendor == "postgresql":
        # One statement: a concurrent append that moved the head first makes the WHERE
        # false (READ COMMITTED re-reads the row once that append commits), the UPDATE
        # returns no row and the INSERT takes none.
        found = sql.rows(
            f"WITH moved AS ({move} AND {sql.column(h, 'seq')} = %s RETURNING 1)"  # noqa: S608
            f" INSERT INTO {sql.table(e)} ({columns}) SELECT {sql.marks(len(fields))}"
            f" FROM moved RETURNING {sql.column(e, 'id')}",
            [*head, entry.seq - 1, *values],
        )
        if not found:
            return False
        entry.pk = found[0][0]
    else:
        insert = (
            f"INSERT INTO {sql.table(e)} ({columns})"  # noqa: S608
            f" VALUES ({sql.marks(len(fields))}) RETURNING {sql.column(e, 'id')}"
        )
        entry.pk = sql.rows(insert, values)[0][0]
        sql.rows_affected(move, head)
    entry._state.adding = False
    return True


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: str = "",
    ids: Iterable[Any] = (),
    fields: Iterable[str] = (),
    flagged: bool = False,
    channel: str = "web",
    institution_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the current transaction."""
    if obj is not None:
        object_type, object_id = object_label(obj)
    principal = principal_of(actor)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if institution_id is None:
        institution_id = principal.institution_id
    ring = audit_keys()
    id_texts, field_names = [str(i) for i in ids], sorted(set(fields))

    def following(head: tuple[int, str]) -> AuditEntry:
        seq, prev_hash = head
        entry = AuditEntry(
            seq=seq + 1,
            created_at=timezone.now(),
            actor_id=actor_id,
            institution_id=institution_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            ids=id_texts,
            fields=field_names,
            flagged=flagged,
            channel=channel,
            key_id=ring.current_id,
            prev_hash=prev_hash,
        )
        entry.entry_hash = compute_hash(entry)
        return entry

    # Without a savepoint inside a caller's transaction (two round trips less): an entry
    # that fails to append then rolls back the caller's whole write, which must not be
    # kept without its entry even if the caller caught the error. Outside a transaction
    # the optimistic append needs none (no BEGIN and COMMIT): it is one statement.
    if connection.vendor == "postgresql":
        guard = transaction.atomic(savepoint=False) if connection.in_atomic_block else nullcontext()
        with guard:
            for _ in range(OPTIMISTIC_ATTEMPTS):
                head = _current_head()
                if head is None:  # the first entry ever: the locked way creates the head
                    break
                entry = following(head)
                if _append(entry):
                    return entry
    with transaction.atomic(savepoint=False):
        entry = following(_locked_head())
        if not _append(entry):
            raise RuntimeError("the audit head moved while locked")  # pragma: no cover
    return entry


def record_read(
    actor: Any,
    object_type: str,
    ids: Iterable[Any],
    *,
    sections: Iterable[str] = (),
    flagged: bool = False,
    channel: str = "web",
) -> AuditEntry | None:
    """One entry per request listing every record id shown (not one entry per row)."""
    id_list = [str(i) for i in ids]
    if not id_list:
        return None
    return record(
        actor,
        f"{object_type.split('.')[-1]}.read",
        object_type=object_type,
        object_id=id_list[0] if len(id_list) == 1 else "",
        ids=id_list,
        fields=sections,
        flagged=flagged,
        channel=channel,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> VerifyResult:
    """Walk the whole chain; report the first entry that was edited, removed or inserted."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                count,
                expected_prev,
                entry.seq,
                f"entry #{entry.seq}: expected #{expected_seq} next "
                "(an entry was removed or inserted before it)",
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                False,
                count,
                expected_prev,
                entry.seq,
                f"entry #{entry.seq}: does not follow the previous entry "
                "(an entry before it was removed, replaced or inserted)",
            )
        try:
            recomputed = compute_hash(entry)
        except KeyError:
            return VerifyResult(
                False, count, expected_prev, entry.seq, f"entry #{entry.seq}: unknown key id"
            )
        if not hmac.compare_digest(recomputed, entry.entry_hash):
            return VerifyResult(
                False,
                count,
                expected_prev,
                entry.seq,
                f"entry #{entry.seq}: content does not match its hash (it was modified)",
            )
        expected_prev = entry.entry_hash
        expected_seq += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.entry_hash) != (count, expected_prev):
        return VerifyResult(
            False,
            count,
            expected_prev,
            count + 1,
            f"the chain ends at #{count} but its head says #{head.seq}: "
            "entries were removed from the end",
        )
    if head is not None and count:
        kid = head.head_mac.partition(":")[0]
        try:
            good = hmac.compare_digest(head.head_mac, _head_mac(head.seq, head.entry_hash, kid))
        except KeyError:
            good = False
        if not good:
            return VerifyResult(
                False, count, expected_prev, head.seq, "the chain head was modified"
            )
    return VerifyResult(True, count, expected_prev)
