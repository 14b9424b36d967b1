"""Holiday revisits (节假日回访): when in a year each chosen festival falls, and the workday before it.

Years the chinese-calendar package knows (2004–2026 in 1.11.0), or that an administrator imported in the SLA
settings, give the official holiday periods. For other years the solar dates are computed — New Year, Labour Day
and National Day are fixed, 清明 comes from the package's solar-term formula — while the lunar festivals (春节,
端午, 中秋) need lunar data the package does not carry: they are skipped with a warning, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from kefu.sla import calendar_store, config_selectors

# code -> (label, Chinese names an imported year may use)
HOLIDAYS = {
    "new_years_day": (_("New Year's Day"), ("元旦",)),
    "spring_festival": (_("Spring Festival"), ("春节",)),
    "tomb_sweeping_day": (_("Tomb-sweeping Day"), ("清明",)),
    "labour_day": (_("Labour Day"), ("劳动节", "五一")),
    "dragon_boat_festival": (_("Dragon Boat Festival"), ("端午",)),
    "mid_autumn_festival": (_("Mid-Autumn Festival"), ("中秋",)),
    "national_day": (_("National Day"), ("国庆",)),
}
LUNAR = frozenset({"spring_festival", "dragon_boat_festival", "mid_autumn_festival"})
DEFAULT_HOLIDAYS = ["spring_festival", "mid_autumn_festival", "national_day"]
HOLIDAY_CHOICES = [(code, label) for code, (label, _names) in HOLIDAYS.items()]


@dataclass(frozen=True)
class HolidayVisit:
    codes: tuple[str, ...]  # festivals of one holiday period (中秋 and 国庆 may share one)
    first_day: date
    last_day: date
    visit_on: date  # the last working day before the period: greetings come before the holiday
    estimated: bool = False  # computed without official data for the year


def _code_of(name: str) -> str | None:
    for code, (label, names) in HOLIDAYS.items():
        if name == code or name == str(label) or any(n in name for n in names):
            return code
    # The package's own English names ("Spring Festival", "Mid-autumn Festival" …).
    key = name.lower().replace("-", "_").replace("'", "").replace(" ", "_")
    return key if key in HOLIDAYS else None


def _named_days(year: int) -> dict[date, str]:
    """Official holiday days of `year` with their festival code: an imported year wins over the package."""
    imported = config_selectors.holiday_years().filter(year=year).first()
    if imported is not None:
        rows = imported.days.filter(kind="holiday").values_list("day", "name")
    else:
        from chinese_calendar import constants

        rows = [(d, n) for d, n in constants.holidays.items() if d.year == year]
    return {d: _code_of(n or "") or "" for d, n in rows}


def _blocks(days: dict[date, str]) -> list[tuple[date, date, set[str]]]:
    blocks: list[tuple[date, date, set[str]]] = []
    for day in sorted(days):
        if blocks and day - blocks[-1][1] == timedelta(days=1):
            first, _last, codes = blocks[-1]
            blocks[-1] = (first, day, codes | {days[day]})
        else:
            blocks.append((day, day, {days[day]}))
    return blocks


def _is_workday(day: date, schedule) -> bool:
    if schedule.knows(day.year):
        return day in schedule.makeup_workdays or (day.weekday() < 5 and day not in schedule.holidays)
    return day.weekday() < 5


def workday_before(day: date) -> date:
    schedule = calendar_store.official_schedule()
    day -= timedelta(days=1)
    while not _is_workday(day, schedule):
        day -= timedelta(days=1)
    return day


def _solar_dates(year: int) -> dict[str, date]:
    from chinese_calendar import get_solar_terms

    qingming = next(
        (d for d, name in get_solar_terms(date(year, 4, 1), date(year, 4, 30)) if name == "清明"), date(year, 4, 5)
    )
    return {
        "new_years_day": date(year, 1, 1),
        "tomb_sweeping_day": qingming,
        "labour_day": date(year, 5, 1),
        "national_day": date(year, 10, 1),
    }


def holiday_visits(year: int, codes) -> tuple[list[HolidayVisit], list[str]]:
    """The holiday revisits of `year` for the chosen festival codes, and warnings for the ones left out."""
    wanted = [c for c in codes if c in HOLIDAYS]
    schedule = calendar_store.official_schedule()
    visits: list[HolidayVisit] = []
    warnings: list[str] = []
    if schedule.knows(year):
        for first, last, found in _blocks(_named_days(year)):
            hit = tuple(c for c in wanted if c in found)
            if hit:
                visits.append(HolidayVisit(hit, first, last, workday_before(first)))
        missing = [c for c in wanted if not any(c in v.codes for v in visits)]
        warnings += [f"{year}: {HOLIDAYS[c][0]}" for c in missing]
        return visits, warnings
    solar = _solar_dates(year)
    for code in wanted:
        if code in LUNAR:
            warnings.append(f"{year}: {HOLIDAYS[code][0]}")
            continue
        day = solar[code]
        visits.append(HolidayVisit((code,), day, day, workday_before(day), estimated=True))
    visits.sort(key=lambda v: v.first_day)
    return visits, warnings


def label_of(codes) -> str:
    return "、".join(str(HOLIDAYS[c][0]) for c in codes if c in HOLIDAYS)
