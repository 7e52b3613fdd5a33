"""Background work of core (django.tasks; the database backend runs it in `db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from .models import Notification


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification by e-mail: its text and an absolute link, nothing more."""
    base = getattr(settings, "PALERMO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user"):
        if not notification.user.email:
            continue
        EmailMessage(
            subject=f"[{settings.PALERMO_INSTANCE_NAME}] {notification.text}",
            body=f"{notification.text}\n\n{base}{notification.url}\n",
            to=[notification.user.email],
        ).send()
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
