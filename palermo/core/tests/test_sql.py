"""The plain-SQL helpers read what the ORM would, on either database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.core import sql
from palermo.core.models import CodeItem, Notification
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
