"""Deadline arithmetic in the instance's time zone (Europe/Belgrade by default).

Hour-based deadlines ("referral within 24 hours") count elapsed time, so a night that loses
or gains an hour to daylight saving still gives 24 real hours. Day-based deadlines ("needs
assessment within 20 days") land on the same local wall-clock time N days later, whatever
the offset in between; a wall-clock time that does not exist that day (the spring-forward
gap) moves forward past the gap. A period ending on a date ends at the local midnight that
follows that date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def after_hours(start: datetime, hours: int) -> datetime:
    return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(UTC)


def after_days(start: datetime, days: int, zone: ZoneInfo | None = None) -> datetime:
    zone = zone or local_zone()
    wall = start.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    candidate = wall.replace(tzinfo=zone)
    # Round-trip through UTC: a non-existent wall time (in the gap) comes back shifted forward.
    resolved = candidate.astimezone(UTC)
    if resolved.astimezone(zone).replace(tzinfo=None) < wall:
        resolved += timedelta(hours=1)
    return resolved


def end_of_day(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The local midnight after ``day`` (when a period that includes ``day`` is over)."""
    zone = zone or local_zone()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
