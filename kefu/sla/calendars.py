"""Business-time arithmetic over a site's service hours, Chinese public holidays and make-up working days.

Pure functions, no database: the SLA clock calls them on events only, so they must be exact and fast.
Hours are minutes of the local day, [start, end) with end up to 1440, so 24-hour duty is ((0, 1440),).

Official holiday data exists per year (the chinese-calendar package ships 2004–2026; later years are
imported by an administrator). For a year without data a calendar that observes public holidays falls
back to its weekly hours plus site overrides, and every result touching such a year is flagged
`uncertain` instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

Interval = tuple[int, int]  # minutes since local midnight
DayHours = tuple[Interval, ...]
MAX_SEARCH_DAYS = 3 * 366  # a calendar with no open time at all must fail loudly, not loop forever
MONDAY = 0


def hours(*spans: str) -> DayHours:
    """hours("09:00-12:00", "13:30-18:00") -> ((540, 720), (810, 1080)); "24:00" is the end of the day."""
    out = []
    for span in spans:
        start, end = (_minute(p) for p in span.split("-"))
        if not 0 <= start < end <= 1440:
            raise ValueError(f"bad interval {span!r}")
        out.append((start, end))
    out.sort()
    for (_, e1), (s2, _) in zip(out, out[1:], strict=False):
        if s2 < e1:
            raise ValueError(f"overlapping intervals in {spans!r}")
    return tuple(out)


def _minute(text: str) -> int:
    hh, mm = text.strip().split(":")
    return int(hh) * 60 + int(mm)


@dataclass(frozen=True)
class HolidaySchedule:
    """Official closures (法定节假日) and make-up working days (调休上班) for the years it knows."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()

    def knows(self, year: int) -> bool:
        return year in self.years

    def merged(self, other: HolidaySchedule) -> HolidaySchedule:
        """`other` wins for the years it knows (an imported year replaces the package's data for that year)."""
        keep = lambda days: frozenset(d for d in days if d.year not in other.years)  # noqa: E731
        return HolidaySchedule(
            holidays=keep(self.holidays) | other.holidays,
            makeup_workdays=keep(self.makeup_workdays) | other.makeup_workdays,
            years=self.years | other.years,
        )


@cache
def builtin_schedule() -> HolidaySchedule:
    """What the chinese-calendar package knows (2004–2026 in 1.11.0)."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = frozenset(d.year for d in holidays)
    return HolidaySchedule(holidays=holidays, makeup_workdays=workdays, years=years)


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "Asia/Shanghai"
    weekly: tuple[DayHours, ...] = ((),) * 7  # Monday .. Sunday
    around_the_clock: bool = False
    observes_public_holidays: bool = True
    schedule: HolidaySchedule = field(default_factory=HolidaySchedule)
    closed_days: frozenset[date] = frozenset()  # site override: extra closures
    open_days: Mapping[date, DayHours] = field(default_factory=dict)  # site override: extra open days
    makeup_weekday: int = MONDAY  # a make-up working day keeps the hours of this weekday

    @property
    def tz(self) -> ZoneInfo:
        return _zone(self.time_zone)

    def day_hours(self, day: date) -> DayHours:
        if day in self.open_days:
            return self.open_days[day]
        if day in self.closed_days:
            return ()
        if self.around_the_clock:
            return ((0, 1440),)
        if self.observes_public_holidays and self.schedule.knows(day.year):
            if day in self.schedule.holidays:
                return ()
            if day in self.schedule.makeup_workdays:
                return self.weekly[self.makeup_weekday]
        return self.weekly[day.weekday()]

    def is_uncertain(self, day: date) -> bool:
        """True when the day's hours rest on the fallback because its year has no official data."""
        if self.around_the_clock or not self.observes_public_holidays:
            return False
        if day in self.open_days or day in self.closed_days:
            return False
        return not self.schedule.knows(day.year)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def weekly_hours(weekdays: DayHours, weekend: DayHours = ()) -> tuple[DayHours, ...]:
    return (weekdays,) * 5 + (weekend,) * 2


@dataclass(frozen=True)
class Deadline:
    at: datetime
    uncertain: bool  # some day on the way lies in a year without official holiday data


def _segments(cal: BusinessCalendar, day: date) -> Iterable[tuple[datetime, datetime]]:
    tz = cal.tz
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    for start, end in cal.day_hours(day):
        # Interval bounds are local wall-clock times, so add to local midnight (astimezone settles DST folds).
        yield (
            (midnight + timedelta(minutes=start)).astimezone(tz),
            (midnight + timedelta(minutes=end)).astimezone(tz),
        )


def add_business_time(cal: BusinessCalendar, start: datetime, duration: timedelta) -> Deadline:
    """The instant `duration` of open time after `start`. A zero duration gives the next open instant."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    remaining = duration
    day = start.astimezone(cal.tz).date()
    uncertain = False
    for _ in range(MAX_SEARCH_DAYS):
        uncertain = uncertain or cal.is_uncertain(day)
        for seg_start, seg_end in _segments(cal, day):
            if seg_end <= start:
                continue
            begin = max(seg_start, start)
            available = seg_end - begin
            if remaining <= available:
                return Deadline(at=(begin + remaining).astimezone(start.tzinfo), uncertain=uncertain)
            remaining -= available
        day += timedelta(days=1)
    raise ValueError("the calendar has no open time within three years")


def add_business_minutes(cal: BusinessCalendar, start: datetime, minutes: int) -> Deadline:
    return add_business_time(cal, start, timedelta(minutes=minutes))


def business_time_between(cal: BusinessCalendar, start: datetime, end: datetime) -> tuple[timedelta, bool]:
    """Open time within [start, end); negative spans count as zero. Returns (duration, uncertain)."""
    total = timedelta(0)
    if end <= start:
        return total, False
    tz = cal.tz
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    uncertain = False
    while day <= last:
        uncertain = uncertain or cal.is_uncertain(day)
        for seg_start, seg_end in _segments(cal, day):
            lo, hi = max(seg_start, start), min(seg_end, end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total, uncertain


def business_minutes_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    return business_time_between(cal, start, end)[0].total_seconds() / 60


def is_open(cal: BusinessCalendar, instant: datetime) -> bool:
    day = instant.astimezone(cal.tz).date()
    return any(s <= instant < e for s, e in _segments(cal, day))
