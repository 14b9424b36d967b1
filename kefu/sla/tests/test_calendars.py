"""Business-time arithmetic: properties over random instants, and the real 2025–2026 holiday data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.sla.calendars import (
    BusinessCalendar,
    HolidaySchedule,
    add_business_minutes,
    add_business_time,
    builtin_schedule,
    business_minutes_between,
    business_time_between,
    hours,
    is_open,
    weekly_hours,
)

SH = ZoneInfo("Asia/Shanghai")
OFFICE = BusinessCalendar(
    weekly=weekly_hours(hours("09:00-12:00", "13:00-18:00")),  # 9:00–18:00 with one hour lunch (SLA-09)
    schedule=builtin_schedule(),
)
LUNCH_BREAK = BusinessCalendar(weekly=weekly_hours(hours("09:00-12:00", "13:30-18:00")), schedule=builtin_schedule())
MALL = BusinessCalendar(  # open every day 10:00–22:00, holidays included (malls trade on holidays)
    weekly=(hours("10:00-22:00"),) * 7, observes_public_holidays=False
)
DUTY = BusinessCalendar(around_the_clock=True)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 20)).map(
    lambda d: d.replace(tzinfo=SH)
)
calendars = st.sampled_from([OFFICE, LUNCH_BREAK, MALL, DUTY])


@settings(max_examples=300, deadline=None)
@given(cal=calendars, start=instants, minutes=st.integers(min_value=0, max_value=5000))
def test_adding_then_measuring_gives_back_n(cal, start, minutes):
    due = add_business_minutes(cal, start, minutes).at
    assert business_minutes_between(cal, start, due) == minutes


@settings(max_examples=200, deadline=None)
@given(cal=calendars, a=instants, gap=st.integers(0, 10_000), minutes=st.integers(0, 3000))
def test_deadline_is_monotone_in_start(cal, a, gap, minutes):
    b = a + timedelta(minutes=gap)
    assert add_business_minutes(cal, a, minutes).at <= add_business_minutes(cal, b, minutes).at


@settings(max_examples=200, deadline=None)
@given(cal=calendars, start=instants, minutes=st.integers(1, 3000))
def test_deadline_never_lands_in_closed_time(cal, start, minutes):
    due = add_business_minutes(cal, start, minutes).at
    # The due instant is the end of open time: the minute before it was open.
    assert is_open(cal, due - timedelta(seconds=1))


def test_lunch_break_is_not_counted():
    due = add_business_minutes(LUNCH_BREAK, at(2026, 11, 24, 11, 30), 60).at
    assert due == at(2026, 11, 24, 14, 0)  # 30 min before lunch, 30 min after 13:30
    assert business_minutes_between(LUNCH_BREAK, at(2026, 11, 24, 11, 0), at(2026, 11, 24, 14, 0)) == 90


def test_national_day_2026_is_skipped_and_makeup_saturday_counts():
    # Wed 2026-09-30 21:30, after hours; 1–7 Oct closed; Thu 8 and Fri 9 normal; Sat 10 Oct is a make-up workday.
    start = at(2026, 9, 30, 21, 30)
    assert add_business_minutes(OFFICE, start, 8 * 60).at == at(2026, 10, 8, 18, 0)
    assert add_business_minutes(OFFICE, start, 8 * 60 + 1).at == at(2026, 10, 9, 9, 1)
    assert add_business_minutes(OFFICE, start, 24 * 60).at == at(2026, 10, 10, 18, 0)
    assert add_business_minutes(OFFICE, start, 24 * 60 + 30).at == at(2026, 10, 12, 9, 30)


def test_spring_festival_2026_makeup_saturdays():
    assert OFFICE.day_hours(date(2026, 2, 14)) == OFFICE.weekly[0]  # Sat, make-up workday
    assert OFFICE.day_hours(date(2026, 2, 28)) == OFFICE.weekly[0]
    assert OFFICE.day_hours(date(2026, 2, 17)) == ()  # Spring Festival


def test_mall_and_duty_calendars_ignore_holidays():
    assert add_business_minutes(MALL, at(2026, 10, 1, 21, 0), 120).at == at(2026, 10, 2, 11, 0)
    assert add_business_minutes(DUTY, at(2026, 10, 1, 23, 0), 120).at == at(2026, 10, 2, 1, 0)


def test_deadline_into_year_without_data_is_flagged_not_an_error():
    start = at(2026, 12, 31, 17, 0)
    due = add_business_minutes(OFFICE, start, 8 * 60)
    # 2027 falls back to weekly hours: Fri 1 Jan 2027 is treated as a working day, and the result says so.
    assert due.at == at(2027, 1, 1, 17, 0)
    assert due.uncertain is True
    assert add_business_minutes(OFFICE, at(2026, 12, 1, 9, 0), 60).uncertain is False


def test_deadline_into_2027_after_its_schedule_is_imported():
    imported = HolidaySchedule(
        holidays=frozenset({date(2027, 1, 1)}), makeup_workdays=frozenset(), years=frozenset({2027})
    )
    cal = BusinessCalendar(weekly=OFFICE.weekly, schedule=builtin_schedule().merged(imported))
    due = add_business_minutes(cal, at(2026, 12, 31, 17, 0), 8 * 60)
    assert due.at == at(2027, 1, 4, 17, 0)  # Fri 1 Jan closed, weekend closed, Mon 4 Jan
    assert due.uncertain is False


def test_site_overrides_beat_the_official_schedule():
    cal = BusinessCalendar(
        weekly=OFFICE.weekly,
        schedule=builtin_schedule(),
        closed_days=frozenset({date(2026, 11, 24)}),
        open_days={date(2026, 10, 3): hours("10:00-16:00")},
    )
    assert cal.day_hours(date(2026, 11, 24)) == ()
    assert cal.day_hours(date(2026, 10, 3)) == ((600, 960),)


def test_between_is_zero_for_reversed_span_and_counts_weekend_as_closed():
    assert business_time_between(OFFICE, at(2026, 11, 24, 10), at(2026, 11, 24, 9)) == (timedelta(0), False)
    assert business_minutes_between(OFFICE, at(2026, 11, 28, 0), at(2026, 11, 30, 0)) == 0


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        hours("18:00-09:00")
    with pytest.raises(ValueError):
        hours("09:00-12:00", "11:00-13:00")
    with pytest.raises(ValueError):
        add_business_time(OFFICE, datetime(2026, 1, 1), timedelta(minutes=1))
    with pytest.raises(ValueError):
        add_business_minutes(BusinessCalendar(observes_public_holidays=False), at(2026, 1, 1), 1)
