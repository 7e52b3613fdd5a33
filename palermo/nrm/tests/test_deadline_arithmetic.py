"""Deadline arithmetic across time zones and daylight saving (Europe/Belgrade: clocks go
forward at 02:00 on the last Sunday of March and back at 03:00 on the last Sunday of
October). Hours are elapsed time; days keep the local wall-clock time; periods that end
on a date end at the following local midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from palermo.nrm import deadlines as dl

BELGRADE = ZoneInfo("Europe/Belgrade")
# 2026: summer time from 29 March 02:00 (→ 03:00) to 25 October 03:00 (→ 02:00).
SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BELGRADE)


def wall(moment: datetime) -> tuple[date, time]:
    shown = moment.astimezone(BELGRADE)
    return shown.date(), shown.time()


def exists(day: date, at: time) -> bool:
    """Whether the wall-clock time ``at`` happens on ``day`` in Belgrade."""
    naive = datetime.combine(day, at)
    return (
        naive.replace(tzinfo=BELGRADE).astimezone(UTC).astimezone(BELGRADE).replace(tzinfo=None)
        == naive
    )


# Instants from 2024 to 2030, to the minute, so that both kinds of change are crossed often.
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(second=0, microsecond=0))


# --- examples around the changes ------------------------------------------------------


def test_the_instance_counts_in_belgrade_time(settings):
    assert settings.TIME_ZONE == "Europe/Belgrade"
    assert dl.local_zone() == BELGRADE


def test_24_hours_across_spring_forward_land_an_hour_later_on_the_clock():
    due = dl.after_hours(local(2026, 3, 28, 12, 0), 24)
    assert wall(due) == (SPRING, time(13, 0))
    assert due - local(2026, 3, 28, 12, 0) == timedelta(hours=24)


def test_24_hours_across_fall_back_land_an_hour_earlier_on_the_clock():
    due = dl.after_hours(local(2026, 10, 24, 12, 0), 24)
    assert wall(due) == (AUTUMN, time(11, 0))


def test_hour_deadlines_are_given_in_utc():
    due = dl.after_hours(local(2026, 3, 28, 12, 0), 12)
    assert due.utcoffset() == timedelta(0)
    assert due == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 20 days across spring-forward and fall-back keep 10:00 on the clock.
        (local(2026, 3, 20, 10, 0), 20, (date(2026, 4, 9), time(10, 0))),
        (local(2026, 10, 15, 10, 0), 20, (date(2026, 11, 4), time(10, 0))),
        # The day of the change itself.
        (local(2026, 3, 28, 12, 0), 1, (SPRING, time(12, 0))),
        (local(2026, 10, 24, 12, 0), 1, (AUTUMN, time(12, 0))),
        # 02:30 does not exist on 29 March: the deadline moves forward past the gap.
        (local(2026, 3, 28, 2, 30), 1, (SPRING, time(3, 30))),
        (local(2026, 3, 9, 2, 30), 20, (SPRING, time(3, 30))),
        # 02:30 happens twice on 25 October: the first one (still summer time).
        (local(2026, 10, 24, 2, 30), 1, (AUTUMN, time(2, 30))),
    ],
)
def test_day_deadlines_keep_the_wall_clock_time(start, days, expected):
    assert wall(dl.after_days(start, days)) == expected


def test_a_day_across_spring_forward_is_23_hours_and_across_fall_back_25():
    assert dl.after_days(local(2026, 3, 28, 12, 0), 1) - local(2026, 3, 28, 12, 0) == timedelta(
        hours=23
    )
    assert dl.after_days(local(2026, 10, 24, 12, 0), 1) - local(2026, 10, 24, 12, 0) == timedelta(
        hours=25
    )


def test_the_ambiguous_autumn_hour_resolves_to_its_first_occurrence():
    due = dl.after_days(local(2026, 10, 24, 2, 30), 1)
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_day_deadlines_use_the_given_zone_not_utc():
    start = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)  # 00:30 on 21 March in Belgrade
    assert wall(dl.after_days(start, 20)) == (date(2026, 4, 10), time(0, 30))
    in_new_york = dl.after_days(start, 20, ZoneInfo("America/New_York"))
    shown = in_new_york.astimezone(ZoneInfo("America/New_York"))
    assert (shown.date(), shown.time()) == (date(2026, 4, 9), time(19, 30))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 28), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),  # CET midnight
        (SPRING, datetime(2026, 3, 29, 22, 0, tzinfo=UTC)),  # CEST midnight
        (date(2026, 10, 24), datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
        (AUTUMN, datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),
        (date(2026, 12, 31), datetime(2026, 12, 31, 23, 0, tzinfo=UTC)),  # across the year
    ],
)
def test_a_period_ending_on_a_day_ends_at_the_next_local_midnight(day, expected):
    assert dl.end_of_day(day) == expected
    assert wall(dl.end_of_day(day)) == (day + timedelta(days=1), time(0, 0))


def test_the_days_of_the_changes_last_23_and_25_hours():
    def length(day: date) -> timedelta:
        return dl.end_of_day(day) - dl.end_of_day(day - timedelta(days=1))

    assert length(SPRING) == timedelta(hours=23)
    assert length(AUTUMN) == timedelta(hours=25)
    assert length(date(2026, 6, 1)) == timedelta(hours=24)


# --- properties --------------------------------------------------------------------------


@given(start=instants, hours=st.integers(min_value=0, max_value=24 * 400))
@example(start=datetime(2026, 3, 28, 11, 0, tzinfo=UTC), hours=24)
@example(start=datetime(2026, 10, 24, 10, 0, tzinfo=UTC), hours=24)
def test_hour_deadlines_are_exactly_that_many_real_hours_later(start, hours):
    due = dl.after_hours(start, hours)
    assert due - start == timedelta(hours=hours)
    assert due.utcoffset() == timedelta(0)
    # Given in another offset, the same instant gives the same deadline.
    assert dl.after_hours(start.astimezone(BELGRADE), hours) == due


@given(start=instants, days=st.integers(min_value=1, max_value=400))
@example(start=datetime(2026, 3, 9, 1, 30, tzinfo=UTC), days=20)  # 02:30 → gap day
@example(start=datetime(2026, 10, 24, 0, 30, tzinfo=UTC), days=1)  # 02:30 → twice
def test_day_deadlines_land_on_the_right_day_at_the_same_clock_time_or_just_after_the_gap(
    start, days
):
    due = dl.after_days(start, days, BELGRADE)
    start_day, start_time = wall(start)
    due_day, due_time = wall(due)
    assert due_day == start_day + timedelta(days=days)
    if exists(due_day, start_time):
        assert due_time == start_time
    else:  # in the spring-forward gap: moved forward by the hour the clocks skipped
        assert due_time == (datetime.combine(due_day, start_time) + timedelta(hours=1)).time()
    # Never more than the hour daylight saving moves away from days × 24 hours.
    assert abs(due - start - timedelta(days=days)) <= timedelta(hours=1)
    assert due > start
    assert due.utcoffset() == timedelta(0)


@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_end_of_day_is_the_first_instant_of_the_next_local_day(day):
    end = dl.end_of_day(day, BELGRADE)
    assert wall(end) == (day + timedelta(days=1), time(0, 0))
    assert wall(end - timedelta(microseconds=1))[0] == day
    assert end.utcoffset() == timedelta(0)
