"""What every signed-in page's layout is given: the menu, the institutions, the unread
count; worked out only when the template shows them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.core.models import Notification
from palermo.registry.tests.factories import registrar

pytestmark = pytest.mark.django_db


def test_the_layout_shows_the_menu_and_the_unread_count(client_for):
    client = client_for(registrar())
    for read in (None, None, "2026-01-01T00:00:00Z"):
        Notification.objects.create(user=client.user, kind="t", text="x", url="/", read_at=read)
    html = client.get("/registry/cases/").content.decode()
    assert 'class="badge text-bg-warning">2<span class="visually-hidden"> unread' in html
    assert 'aria-current="page">Cases</a>' in html  # the menu, with the page's own item


def test_a_fragment_htmx_swaps_in_does_not_count_notifications(client_for):
    client = client_for(registrar())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/registry/search/",
            {"first_name": "Arta", "last_name": "Gashi"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the results alone
    assert not [q for q in queries if "core_notification" in q["sql"]]
