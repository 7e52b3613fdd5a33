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
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

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
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor_id,
            institution_id=institution_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            ids=[str(i) for i in ids],
            fields=sorted(set(fields)),
            flagged=flagged,
            channel=channel,
            key_id=ring.current_id,
            prev_hash=head.entry_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry._appending = True
        entry.save(force_insert=True)
        entry._appending = False
        head.seq = entry.seq
        head.entry_hash = entry.entry_hash
        head.head_mac = _head_mac(head.seq, head.entry_hash)
        head.save(update_fields=["seq", "entry_hash", "head_mac"])
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
