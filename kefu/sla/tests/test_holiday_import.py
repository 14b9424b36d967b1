"""Years without official data: the calendar keeps working, flags uncertainty, and an admin imports the year."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import ServiceError
from kefu.sla import calendar_store
from kefu.sla.calendars import add_business_minutes
from kefu.sla.config_services import (
    import_holiday_year,
    parse_holiday_file,
    set_calendar_override,
    set_site_calendar,
)
from kefu.sla.models import SlaConfigEvent

SH = ZoneInfo("Asia/Shanghai")
OFFICE_WEEK = {str(d): ["09:00-12:00", "13:00-18:00"] for d in range(5)}
FILE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,休,春节
2027-02-07,班,春节调休
"""


@pytest.fixture
def office_site(site, admin_user):
    set_site_calendar(site, actor=admin_user, weekly=OFFICE_WEEK, observes_public_holidays=True)
    return site


def test_deadline_into_2027_before_and_after_import(office_site, admin_user):
    start = datetime(2026, 12, 31, 17, 0, tzinfo=SH)
    before = add_business_minutes(calendar_store.calendar_for_site(office_site), start, 8 * 60)
    assert before.uncertain and before.at == datetime(2027, 1, 1, 17, 0, tzinfo=SH)
    assert 2027 in calendar_store.years_missing(date(2026, 12, 2))
    import_holiday_year(actor=admin_user, year=2027, days=parse_holiday_file(FILE_2027), source_note="国务院办公厅通知")
    after = add_business_minutes(calendar_store.calendar_for_site(office_site), start, 8 * 60)
    assert not after.uncertain and after.at == datetime(2027, 1, 4, 17, 0, tzinfo=SH)
    assert calendar_store.calendar_for_site(office_site).day_hours(date(2027, 2, 7)) != ()  # make-up Sunday
    assert calendar_store.years_missing(date(2026, 12, 2)) == []


def test_reimport_replaces_the_year_and_keeps_the_old_one_in_history(office_site, admin_user):
    import_holiday_year(actor=admin_user, year=2027, days=parse_holiday_file(FILE_2027))
    import_holiday_year(actor=admin_user, year=2027, days=parse_holiday_file("2027-01-01,holiday,元旦\n"))
    cal = calendar_store.calendar_for_site(office_site)
    assert cal.day_hours(date(2027, 2, 7)) == ()  # a Sunday again: the make-up day is gone
    events = SlaConfigEvent.objects.filter(event_type="holiday_year_imported").order_by("id")
    assert events.count() == 2 and len(events.last().old["days"]) == 3


def test_bad_holiday_file_is_refused_and_nothing_written(admin_user):
    with pytest.raises(ServiceError) as err:
        parse_holiday_file("2027-13-01,holiday\nnot a line\n")
    assert err.value.code == "bad_holiday_file" and len(err.value.fields["file"]) == 2
    with pytest.raises(ServiceError) as err:
        import_holiday_year(actor=admin_user, year=2027, days=parse_holiday_file("2028-01-01,holiday,元旦"))
    assert err.value.code == "holiday_year_mismatch"
    assert not SlaConfigEvent.objects.filter(event_type="holiday_year_imported").exists()


def test_only_sla_managers_import_holidays(agent):
    with pytest.raises(ServiceError) as err:
        import_holiday_year(actor=agent, year=2027, days=parse_holiday_file(FILE_2027))
    assert err.value.code == "permission_denied"


def test_site_hours_validated_and_overrides_apply(site, admin_user):
    with pytest.raises(ServiceError) as err:
        set_site_calendar(site, actor=admin_user, weekly={"0": ["18:00-09:00"]})
    assert err.value.code == "bad_hours"
    set_site_calendar(site, actor=admin_user, weekly=OFFICE_WEEK, observes_public_holidays=True)
    set_calendar_override(site, actor=admin_user, day=date(2026, 12, 7), closed=True, reason="停电检修")
    set_calendar_override(
        site, actor=admin_user, day=date(2026, 12, 12), closed=False, spans=["10:00-16:00"], reason="周六加班"
    )
    cal = calendar_store.calendar_for_site(site)
    assert cal.day_hours(date(2026, 12, 7)) == ()
    assert cal.day_hours(date(2026, 12, 12)) == ((600, 960),)
    assert SlaConfigEvent.objects.filter(site=site).count() == 3


def test_default_hours_follow_the_kind_of_site(site, other_site):
    mall = calendar_store.calendar_for_site(site)  # a mall: 10:00–22:00 daily, open on public holidays
    assert mall.day_hours(date(2026, 10, 1)) == ((600, 1320),)
    other_site.kind = "property"
    other_site.save()
    calendar_store.clear_cache()
    assert calendar_store.calendar_for_site(other_site).around_the_clock  # property sites keep 24-hour duty
