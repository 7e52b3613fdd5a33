"""Fixtures shared by every test: signed-in clients with a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import User
from palermo.testing.factories import member


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign ``user`` in on ``client``, as if they had entered their second factor."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db: Any) -> Callable[..., Client]:
    """``client_for(user)`` or ``client_for("auditor", capabilities=(...))``: a signed-in client."""

    def make(who: User | str | tuple[str, ...], **kwargs: Any) -> Client:
        user = who if isinstance(who, User) else member(who, **kwargs)
        client = Client()
        sign_in(client, user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
