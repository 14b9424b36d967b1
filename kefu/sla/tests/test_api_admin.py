"""Deadline administration API: service hours, overrides, holiday years, response standards and their history —
managers only (agents get 403), other sites 404, bad input 400 with nothing written."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.sla.models import CalendarOverride, HolidayYear, Metric, SiteCalendar, SlaConfigEvent, SlaPolicy
from kefu.sla.selectors import calendar_warnings

from .test_api import CALLS, SLA, client_for, clock


@pytest.fixture
def api(agent):
    return client_for(agent)


def config_written():
    return (
        SlaConfigEvent.objects.count(),
        HolidayYear.objects.count(),
        SiteCalendar.objects.count(),
        CalendarOverride.objects.count(),
    )


# --- administration: permission ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, payload",
    [
        ("get", "sla/sites/{site}/calendar/", None),
        ("put", "sla/sites/{site}/calendar/", {}),
        ("post", "sla/sites/{site}/overrides/", {}),
        ("get", "sla/holiday-years/", None),
        ("post", "sla/holiday-years/", {"year": 2027, "text": "2027-01-01,holiday,元旦"}),
        ("post", "sla/holiday-years/", {"year": 2027, "text": "garbage"}),
        ("get", "sla/policies/", None),
        ("get", "sla/policies/{policy}/", None),
        ("put", "sla/policies/{policy}/", {}),
        ("get", "sla/policies/{policy}/history/", None),
        ("get", "sla/calendar-warnings/", None),
    ],
)
def test_agents_may_not_administer_deadlines(api, site, method, path, payload):
    policy = SlaPolicy.objects.order_by("id").first()
    before = config_written()
    url = "/api/v1/" + path.format(site=site.id, policy=policy.id)
    response = getattr(api, method)(url, payload, format="json") if payload is not None else api.get(url)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert config_written() == before
    assert getattr(APIClient(), method)(url).status_code == 401


@pytest.fixture
def admin_api(manager):
    return client_for(manager)


# --- administration: service hours and overrides -------------------------------------------------------------------

OFFICE = {"0": ["09:00-12:00", "13:30-18:00"], "1": ["09:00-18:00"], "5": [], "6": []}


def calendar_payload(**kw):
    return {
        "weekly": OFFICE,
        "around_the_clock": False,
        "observes_public_holidays": True,
        "makeup_weekday": 0,
        "max_rings": 4,
    } | kw


def test_site_calendar_defaults_then_put_and_the_ring_standard_follows(admin_api, site, api):
    url = f"{SLA}sites/{site.id}/calendar/"
    body = admin_api.get(url).json()
    assert body["stored"] is False and body["max_rings"] == 3 and body["site"]["id"] == site.id
    response = admin_api.put(url, calendar_payload(), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stored"] is True and body["weekly"]["0"] == ["09:00-12:00", "13:30-18:00"]
    assert body["weekly"]["2"] == [] and body["max_rings"] == 4 and body["observes_public_holidays"] is True
    assert SlaConfigEvent.objects.filter(site=site, event_type="service_hours_changed").count() == 1
    # Four rings is now within the standard.
    assert api.post(CALLS, {"site": site.id, "rings": 4}, format="json").json()["answered_late"] is False


@pytest.mark.parametrize(
    "change, code, field",
    [
        ({"weekly": {"0": ["18:00-09:00"]}}, "bad_hours", "weekly"),
        ({"weekly": {"0": ["9 to 5"]}}, "bad_hours", "weekly"),
        ({"weekly": {"7": ["09:00-12:00"]}}, "invalid_input", "weekly"),
        ({"weekly": ["09:00-12:00"]}, "invalid_input", "weekly"),
        ({"max_rings": 0}, "invalid_input", "max_rings"),
        ({"makeup_weekday": 7}, "invalid_input", "makeup_weekday"),
        ({"around_the_clock": None}, "invalid_input", "around_the_clock"),
    ],
)
def test_site_calendar_refuses_bad_hours(admin_api, site, change, code, field):
    before = config_written()
    response = admin_api.put(f"{SLA}sites/{site.id}/calendar/", calendar_payload(**change), format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert any(k == field or k.startswith(f"{field}.") for k in response.json()["fields"])
    assert config_written() == before


def test_site_calendar_of_another_site_is_404(admin_api, other_site):
    url = f"{SLA}sites/{other_site.id}/calendar/"
    assert admin_api.get(url).status_code == 404
    assert admin_api.put(url, calendar_payload(), format="json").status_code == 404
    assert (
        admin_api.post(f"{SLA}sites/{other_site.id}/overrides/", {"day": "2026-12-25", "closed": True}).status_code
        == 404
    )
    assert not SiteCalendar.objects.filter(site=other_site).exists()


def test_override_closes_a_day_or_opens_it_with_hours(admin_api, site):
    url = f"{SLA}sites/{site.id}/overrides/"
    response = admin_api.post(url, {"day": "2026-12-24", "closed": True, "reason": "盘点"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {"id": 0, "day": "2026-12-24", "closed": True, "hours": [], "reason": "盘点"}
    opened = admin_api.post(url, {"day": "2026-12-26", "closed": False, "hours": ["10:00-16:00"]}, format="json")
    assert opened.status_code == 201 and opened.json()["hours"] == ["10:00-16:00"]
    overrides = admin_api.get(f"{SLA}sites/{site.id}/calendar/").json()["overrides"]
    assert [o["day"] for o in overrides] == ["2026-12-24", "2026-12-26"]
    before = config_written()
    refused = admin_api.post(url, {"day": "2026-12-27", "closed": False}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "bad_hours"
    assert admin_api.post(url, {"day": "27.12.2026", "closed": True}, format="json").status_code == 400
    assert config_written() == before


# --- administration: holiday years ------------------------------------------------------------------------------

YEAR_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,休,春节\n2027-02-07,班,春节调休\n"


def test_import_holiday_year_and_list_it(admin_api):
    response = admin_api.post(
        f"{SLA}holiday-years/", {"year": 2027, "text": YEAR_2027, "source_note": "国务院办公厅通知"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2027 and body["source_note"] == "国务院办公厅通知"
    assert [(d["day"], d["kind"]) for d in body["days"]] == [
        ("2027-01-01", "holiday"),
        ("2027-02-06", "holiday"),
        ("2027-02-07", "makeup_workday"),
    ]
    listed = admin_api.get(f"{SLA}holiday-years/").json()
    assert [y["year"] for y in listed["results"]] == [2027] and 2027 not in listed["missing_years"]
    assert SlaConfigEvent.objects.filter(event_type="holiday_year_imported").count() == 1


@pytest.mark.parametrize(
    "payload, code, field",
    [
        ({"year": 2027, "text": "2027-13-01,holiday"}, "bad_holiday_file", "text"),
        ({"year": 2027, "text": "2027-01-01,party,元旦"}, "bad_holiday_file", "text"),
        ({"year": 2027, "text": "2028-01-01,holiday,元旦"}, "holiday_year_mismatch", "text"),
        ({"year": 2027, "text": "2027-01-01,holiday,元旦\n2027-01-01,班,调休"}, "bad_holiday_file", "text"),
        ({"year": 2027, "text": ""}, "invalid_input", "text"),
        ({"year": 1999, "text": YEAR_2027}, "invalid_input", "year"),
        ({"text": YEAR_2027}, "invalid_input", "year"),
    ],
)
def test_import_holiday_year_refusals_write_nothing(admin_api, payload, code, field):
    before = config_written()
    response = admin_api.post(f"{SLA}holiday-years/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == code and field in response.json()["fields"]
    assert config_written() == before


def test_calendar_warnings_name_the_years_to_import(admin_api):
    body = admin_api.get(f"{SLA}calendar-warnings/").json()
    missing = calendar_warnings(timezone.localdate())
    assert body["missing_years"] == missing and len(body["messages"]) == len(missing)
    admin_api.post(f"{SLA}holiday-years/", {"year": 2027, "text": YEAR_2027}, format="json")
    assert 2027 not in admin_api.get(f"{SLA}calendar-warnings/").json()["missing_years"]


# --- administration: response standards ---------------------------------------------------------------------------


def repair_policy():
    return SlaPolicy.objects.get(name__startswith="报修")


def policy_payload(policy, **kw):
    return {
        "name": policy.name,
        "position": policy.position,
        "is_active": True,
        "site": None,
        "type": policy.type,
        "channel": policy.channel,
        "priority": policy.priority,
        "tier": policy.tier,
        "at_risk_percent": 70,
        "supervisor_after_breach_minutes": 0,
        "manager_after_breach_minutes": 60,
        "promised_reply_required": False,
        "reminder_before_promise_minutes": 30,
        "targets": [
            {"metric": "first_response", "minutes": 15, "business_time": True},
            {"metric": "resolution", "minutes": 240, "business_time": True, "pause_statuses": ["awaiting_customer"]},
        ],
        "reason": "工程部承诺4小时修复",
    } | kw


def test_policies_list_with_targets_and_version(admin_api):
    results = admin_api.get(f"{SLA}policies/").json()["results"]
    assert [p["position"] for p in results] == sorted(p["position"] for p in results)
    repair = next(p for p in results if p["name"].startswith("报修"))
    assert repair["version"] == 1 and repair["type"] == "repair"
    assert [t["metric"] for t in repair["targets"]] == ["first_response", "resolution"]


def test_policy_put_makes_version_2_and_history_while_orders_keep_their_deadlines(admin_api, duty_site, make_order):
    order = make_order(type="repair", accept_now=True)
    order.refresh_from_db()
    due_before, clock_due = order.due_at, clock(order, Metric.RESOLUTION).due_at
    policy = repair_policy()
    url = f"{SLA}policies/{policy.id}/"
    assert admin_api.get(url)["ETag"] == '"1"'
    response = admin_api.put(url, policy_payload(policy, version=1), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and response["ETag"] == '"2"' and body["at_risk_percent"] == 70
    assert [(t["metric"], t["minutes"]) for t in body["targets"]] == [("first_response", 15), ("resolution", 240)]
    history = admin_api.get(f"{url}history/").json()["results"]
    assert [(h["event_type"], h["version"]) for h in history] == [("policy_changed", 2), ("policy_created", 1)]
    assert history[0]["old"]["targets"][1]["minutes"] == 480 and history[0]["note"] == "工程部承诺4小时修复"
    order.refresh_from_db()
    assert order.due_at == due_before and clock(order, Metric.RESOLUTION).due_at == clock_due
    assert clock(order, Metric.RESOLUTION).policy_version == 1
    newer = make_order(type="repair", accept_now=True)
    assert clock(newer, Metric.RESOLUTION).policy_version == 2


def test_policy_put_with_a_stale_version_is_409(admin_api):
    policy = repair_policy()
    url = f"{SLA}policies/{policy.id}/"
    assert admin_api.put(url, policy_payload(policy), format="json").status_code == 200
    before = config_written()
    stale = admin_api.put(url, policy_payload(policy), format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert config_written() == before and repair_policy().version == 2


@pytest.mark.parametrize(
    "change, field",
    [
        ({"targets": [{"metric": "resolution", "minutes": 60}, {"metric": "resolution", "minutes": 90}]}, "targets"),
        ({"targets": [{"metric": "resolution", "minutes": 0}]}, "targets"),
        ({"targets": [{"metric": "resolution", "minutes": 60, "pause_statuses": ["sleeping"]}]}, "targets"),
        ({"targets": [{"metric": "bedtime", "minutes": 60}]}, "targets"),
        ({"type": "party"}, "type"),
        ({"priority": 9}, "priority"),
        ({"at_risk_percent": 101}, "at_risk_percent"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_policy_put_refuses_bad_shapes(admin_api, change, field):
    policy = repair_policy()
    before = config_written()
    response = admin_api.put(f"{SLA}policies/{policy.id}/", policy_payload(policy, **change), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert any(k == field or k.startswith(f"{field}.") for k in response.json()["fields"])
    assert config_written() == before and repair_policy().version == 1


def test_policy_put_missing_fields_is_400(admin_api):
    response = admin_api.put(f"{SLA}policies/{repair_policy().id}/", {"name": "x"}, format="json")
    assert response.status_code == 400 and {"targets", "position", "is_active"} <= set(response.json()["fields"])


def test_policies_of_another_site_are_not_there(admin_api, other_site, admin_user):
    from kefu.sla.config_services import save_sla_policy

    theirs = save_sla_policy(
        None, actor=admin_user, fields={"name": "物业24小时", "site_id": other_site.id}, targets=[]
    )
    assert theirs.id not in [p["id"] for p in admin_api.get(f"{SLA}policies/").json()["results"]]
    assert admin_api.get(f"{SLA}policies/{theirs.id}/").status_code == 404
    assert admin_api.get(f"{SLA}policies/{theirs.id}/history/").status_code == 404
    policy = repair_policy()
    moved = admin_api.put(f"{SLA}policies/{policy.id}/", policy_payload(policy, site=other_site.id), format="json")
    assert moved.status_code == 404 and repair_policy().version == 1
    assert admin_api.get(f"{SLA}policies/999999/").status_code == 404
