"""The plain-SQL helpers read what the ORM would, on either database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from palermo.core import sql
from palermo.core.models import BreakGlassGrant, CodeItem, Notification
from palermo.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_empty_in_list_matches_nothing_and_a_full_one_its_values():
    ids = list(CodeItem.objects.values_list("pk", flat=True)[:3])
    assert len(ids) == 3
    statement = f"SELECT {sql.column(CodeItem, 'id')} FROM {sql.table(CodeItem)} WHERE id IN (%s)"  # noqa: S608
    assert sql.rows(statement % sql.marks(0), []) == []
    assert sorted(pk for (pk,) in sql.rows(statement % sql.marks(3), ids)) == sorted(ids)


def test_true_and_when_compare_as_the_orm_does():
    user = UserFactory()
    now = timezone.now()
    for minutes, read in ((-10, False), (-5, True), (0, False)):
        note = Notification.objects.create(user=user, kind="test", text="x", url="/")
        Notification.objects.filter(pk=note.pk).update(
            created_at=now + timedelta(minutes=minutes), read_at=now if read else None
        )
    n = Notification
    since = (
        f"SELECT COUNT(*) FROM {sql.table(n)} WHERE {sql.column(n, 'user')} = %s"  # noqa: S608
        f" AND {sql.column(n, 'created_at')} > %s"
    )
    assert sql.rows(since, [user.pk, sql.when(now - timedelta(minutes=6))]) == [(2,)]
    active = f"SELECT COUNT(*) FROM {sql.table(CodeItem)} WHERE active = {sql.true()}"  # noqa: S608
    assert sql.rows(active, [])[0][0] == CodeItem.objects.filter(active=True).count() > 0


def test_uuid_of_reads_either_database_form():
    value = uuid.uuid4()
    assert sql.uuid_of(value) is value
    assert sql.uuid_of(value.hex) == value


@pytest.mark.parametrize("count", [0, 1, 3, 60])
def test_among_selects_exactly_its_values_given_as_uuids_or_as_text(count):
    """``among`` on a UUID column: the ids as the database stores them (``uuids``) or as
    ``CAST(id AS text)`` reads them; none matches nothing; more than fifty (where psycopg
    stops caching a statement's parameter places) are one parameter on PostgreSQL."""
    user = UserFactory()
    grants = [
        BreakGlassGrant.objects.create(
            user=user,
            institution_id=1,
            target_type="registry.person",
            target_id=str(n),
            reason="test",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        for n in range(count + 2)
    ]
    wanted = [g.pk for g in grants[:count]]
    g = BreakGlassGrant
    pk = sql.column(g, "id")
    as_text = f"SELECT CAST({pk} AS text) FROM {sql.table(g)}"  # noqa: S608
    texts = [str(value) for (value,) in sql.rows(as_text, [])]
    assert len(texts) == count + 2
    for values in (sql.uuids(wanted), [t for t in texts if sql.uuid_of(t) in set(wanted)]):
        condition, params = sql.among(pk, values, "uuid")
        found = sql.rows(f"SELECT {pk} FROM {sql.table(g)} WHERE {condition}", params)  # noqa: S608
        assert sorted(sql.uuid_of(value) for (value,) in found) == sorted(wanted)
        if connection.vendor == "postgresql":
            assert len(params) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the values are one parameter there")
def test_among_refuses_a_value_it_would_split():
    with pytest.raises(ValueError, match="comma"):
        sql.among("x", ["a,b"], "text")
