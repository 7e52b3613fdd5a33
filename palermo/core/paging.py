"""Pages of long lists that never count the list, and deep pages that cost what the first does.

``KeysetPage`` reads one row more than the page to know whether there is a next page, and
links by "seek": Next carries the sort key of the page's last row
(``after``), Previous that of its first (``before``), so that the database starts reading
at that row through the list's index instead of walking — and checking the scope of —
every row before it, as an offset does (page 100 of the case list at a million cases:
0.2–0.3 s by offset, as fast as page 1 by key). A ``page`` number without a key (a
bookmark, a typed address) still works, by offset. The key is the values of the ordering's
fields in an opaque URL-safe token: ids, dates and codes, never a name.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, Q, QuerySet


def page_number(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


# --- keys -----------------------------------------------------------------------------
def encode_key(values: Sequence[Any]) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(model: type[Model], keys: Sequence[str], token: str | None) -> list[Any] | None:
    """The key values in ``token`` as the fields' Python values; None when the token is
    missing or is not a key of this ordering (then the list starts at its first page)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        decoded = [
            _field(model, key).to_python(value) for key, value in zip(keys, values, strict=True)
        ]
    except (binascii.Error, ValueError, ValidationError, FieldDoesNotExist, TypeError):
        return None
    return None if any(v is None for v in decoded) else decoded  # sort keys are never null


def _name(key: str) -> str:
    return key.removeprefix("-")


def _field(model: type[Model], key: str) -> Field[Any, Any]:
    field = model._meta.get_field(_name(key))
    if not isinstance(field, Field):  # a reverse relation is no sort key
        raise FieldDoesNotExist(key)
    return field


def key_of(row: Model, keys: Sequence[str]) -> str:
    return encode_key([getattr(row, _name(key)) for key in keys])


def beyond(keys: Sequence[str], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the row whose sort key is ``values``, in
    the order ``keys`` (Django ``order_by`` names, ``-`` for descending; the last must be
    unique and no key may be null). Written as an OR of prefixes plus a bound on the first
    key, which lets the database start its index scan at the row instead of filtering from
    the top."""

    def op(key: str) -> str:
        return "lt" if key.startswith("-") == forward else "gt"

    clauses = []
    for i, key in enumerate(keys):
        equal = {_name(k): v for k, v in zip(keys[:i], values[:i], strict=True)}
        clauses.append(Q(**equal, **{f"{_name(key)}__{op(key)}": values[i]}))
    first = keys[0]
    bound = Q(**{f"{_name(first)}__{op(first)}e": values[0]})
    return bound & reduce(or_, clauses)


@dataclass(frozen=True)
class Seek:
    """Where a page starts, as its link asks: after the key of a row (Next), before one
    (Previous), or else at a page number (by offset)."""

    number: int
    after: list[Any] | None = None
    before: list[Any] | None = None

    @classmethod
    def of(cls, model: type[Model], keys: Sequence[str], params: Mapping[str, Any]) -> Seek:
        after = decode_key(model, keys, params.get("after"))
        before = None if after else decode_key(model, keys, params.get("before"))
        return cls(page_number(params.get("page")), after, before)

    @property
    def key(self) -> list[Any] | None:
        """The key the page starts from, either way (None: from the top or by number)."""
        return self.after if self.after is not None else self.before

    @property
    def forward(self) -> bool:
        """Whether the page is read in list order (all but Previous)."""
        return self.before is None


@dataclass
class KeysetPage:
    """A page of a list, without the list's total: one row more than the page is read to
    know whether there is a next one (counting every case a big institution holds costs
    more than the page itself). Next and Previous link by key (``next_key``,
    ``previous_key``)."""

    object_list: list[Any]
    number: int
    has_next: bool
    has_previous: bool
    next_key: str | None = None
    previous_key: str | None = None
    keyset = True  # the shared pagination template links by key

    @classmethod
    def seek(
        cls, qs: QuerySet[Any], keys: Sequence[str], params: Mapping[str, Any], size: int
    ) -> KeysetPage:
        """The page ``params`` asks for: ``after``/``before`` a key, else ``page`` by offset.
        ``qs`` must be ordered by ``keys`` (or by expressions giving the same order)."""
        at = Seek.of(qs.model, keys, params)
        if at.after is not None:
            rows = list(qs.filter(beyond(keys, at.after, forward=True))[: size + 1])
        elif at.before is not None:
            rows = list(qs.reverse().filter(beyond(keys, at.before, forward=False))[: size + 1])
        else:
            start = (at.number - 1) * size
            rows = list(qs[start : start + size + 1])
        return cls.read(rows, keys, at, size)

    @classmethod
    def read(cls, rows: list[Any], keys: Sequence[str], at: Seek, size: int) -> KeysetPage:
        """The page of ``rows``: up to ``size + 1`` rows read from where ``at`` starts, in the
        direction it reads (backwards from a ``before`` key). The row past the page only
        tells that there is more that way."""
        more = len(rows) > size
        rows = rows[:size]
        if at.before is not None:
            rows.reverse()
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, at.after is not None or at.number > 1
        number = at.number
        if not has_previous:
            number = 1
        elif number == 1:  # a key without a page number: at least the second page
            number = 2
        return cls(
            rows,
            number,
            has_next,
            has_previous,
            next_key=key_of(rows[-1], keys) if has_next and rows else None,
            # Back to page 1 is the list's plain first page, without a key.
            previous_key=key_of(rows[0], keys) if has_previous and rows and number > 2 else None,
        )

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1
