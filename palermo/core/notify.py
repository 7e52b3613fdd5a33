"""In-app notifications, mirrored by e-mail. Texts carry references (C-XXXX-XXXX) and a
link — never a name — because e-mail leaves the system."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from .models import Notification


def notify(
    users: Iterable[Any], *, kind: str, text: str, url: str, institution_id: int | None = None
) -> list[Notification]:
    """Notify each user once; e-mails go out after the transaction commits."""
    created = [
        Notification.objects.create(
            user=user, institution_id=institution_id, kind=kind, text=str(text)[:300], url=url
        )
        for user in {u.pk: u for u in users}.values()
    ]
    ids = [n.pk for n in created]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return created
