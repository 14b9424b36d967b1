"""Deadline API: clocks on the work order, queue by due and state, promise, escalation, call register, report —
happy paths, refusals, site scoping and permissions. The administration endpoints are in test_api_admin.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import client_for
from kefu.core.models import Notification
from kefu.sla import services as sla
from kefu.sla.models import (
    CallRecord,
    Escalation,
    Metric,
    SlaEvent,
    WorkOrderClock,
)
from kefu.tickets import services as wo
from kefu.tickets.models import WorkOrder

ORDERS = "/api/v1/work-orders/"
CALLS = "/api/v1/calls/"
SLA = "/api/v1/sla/"


@pytest.fixture
def api(agent):
    return client_for(agent)


def iso(dt) -> str:
    return timezone.localtime(dt).isoformat()


def clock(order, metric):
    return WorkOrderClock.objects.get(work_order=order, metric=metric)


def sla_written():
    return (
        WorkOrderClock.objects.count(),
        SlaEvent.objects.count(),
        Escalation.objects.count(),
        Notification.objects.count(),
    )


# --- the work order carries its deadlines ----------------------------------------------------------------------


def test_detail_shows_due_at_state_clocks_and_escalations(api, duty_site, make_order):
    order = make_order(type="repair", accept_now=True)
    body = api.get(f"{ORDERS}{order.id}/").json()
    first = clock(order, Metric.FIRST_RESPONSE)
    assert body["due_at"] == iso(first.due_at) and body["sla_state"] == "on_track"
    assert [c["metric"] for c in body["clocks"]] == ["first_response", "resolution"]
    assert body["clocks"][0] == {
        "metric": "first_response",
        "due_at": iso(first.due_at),
        "state": "running",
        "uncertain": False,
        "policy": {"id": first.policy_id, "name": first.policy.name},
        "policy_version": 1,
    }
    assert body["escalations"] == []


def test_queue_rows_carry_due_at_and_state(api, duty_site, make_order):
    order = make_order()
    row = api.get(ORDERS).json()["results"][0]
    order.refresh_from_db()
    assert row["due_at"] == iso(order.due_at) and row["sla_state"] == "on_track"


def test_order_without_deadline_has_null_state(api, duty_site, make_order, agent):
    order = wo.cancel_work_order(make_order(), actor=agent, reason="重复登记")
    body = api.get(f"{ORDERS}{order.id}/").json()
    assert body["due_at"] is None and body["sla_state"] is None and body["sla_state_label"]


def test_clocks_endpoint_lists_the_orders_deadlines(api, duty_site, make_order, outsider):
    order = make_order(type="complaint", accept_now=True)
    body = api.get(f"{ORDERS}{order.id}/clocks/").json()
    resolution = next(c for c in body["results"] if c["metric"] == "resolution")
    assert resolution["target_minutes"] == 1440 and resolution["pause_statuses"] == ["awaiting_customer"]
    assert resolution["state_label"] and resolution["cycle"] == 1 and resolution["policy_version"] == 1
    assert client_for(outsider).get(f"{ORDERS}{order.id}/clocks/").status_code == 404


# --- queue: sort by due, filter by state -----------------------------------------------------------------------


@pytest.fixture
def due_orders(duty_site, make_order, agent):
    """Four orders with deadlines 1, 10, 30 and 240 minutes away, and two without a deadline (cancelled)."""
    orders = [
        make_order(type="inquiry", channel="phone", subject="默认"),  # 240 min
        make_order(type="repair", subject="报修"),  # 30 min
        make_order(type="inquiry", channel="online", subject="在线"),  # 1 min
        make_order(type="repair", priority=1, subject="紧急"),  # 10 min
    ]
    for _ in range(2):
        wo.cancel_work_order(make_order(subject="取消"), actor=agent, reason="重复登记")
    return orders


def test_queue_sort_due_nearest_first_no_deadline_last_across_pages(api, due_orders):
    expected = [o.id for o in sorted(WorkOrder.objects.all(), key=lambda o: (o.due_at is None, o.due_at, -o.id))]
    assert [o.id for o in due_orders[2:]] + [due_orders[1].id, due_orders[0].id] == expected[:4]
    seen, cursor = [], None
    while True:
        params = {"sort": "due", "page_size": 2} | ({"cursor": cursor} if cursor else {})
        body = api.get(ORDERS, params).json()
        seen += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == expected and len(seen) == 6
    # A page boundary inside the no-deadline section pages on too.
    three = api.get(ORDERS, {"sort": "due", "page_size": 5}).json()
    rest = api.get(ORDERS, {"sort": "due", "page_size": 5, "cursor": three["next_cursor"]}).json()
    assert [r["id"] for r in rest["results"]] == expected[5:] and rest["next_cursor"] is None


def test_queue_filters_by_sla_state(api, due_orders, admin_user):
    urgent, online = due_orders[3], due_orders[2]
    c = clock(online, Metric.FIRST_RESPONSE)
    assert sla.mark_breached(c.id, actor=admin_user, now=c.due_at + timedelta(seconds=1))
    c = clock(urgent, Metric.FIRST_RESPONSE)
    assert sla.mark_at_risk(c.id, actor=admin_user, now=c.at_risk_at)

    def ids(**params):
        return [r["id"] for r in api.get(ORDERS, params).json()["results"]]

    assert ids(sla_state="breached") == [online.id]
    assert ids(sla_state="at_risk") == [urgent.id]
    assert sorted(ids(sla_state="on_track")) == sorted([due_orders[0].id, due_orders[1].id])
    assert sorted(ids(sla_state=["breached", "at_risk"])) == sorted([online.id, urgent.id])
    assert ids(sla_state="breached", sort="due") == [online.id]
    detail = api.get(f"{ORDERS}{online.id}/").json()
    assert detail["sla_state"] == "breached"
    response = api.get(ORDERS, {"sla_state": "late"})
    assert response.status_code == 400 and any(k.startswith("sla_state") for k in response.json()["fields"])


# --- promised reply ---------------------------------------------------------------------------------------------


def test_promise_records_the_promised_reply_clock(api, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    promised = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    response = api.post(f"{ORDERS}{order.id}/promise/", {"promised_at": iso(promised)}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert response["ETag"] == f'"{body["version"]}"'
    promise = next(c for c in body["clocks"] if c["metric"] == "promised_reply")
    assert promise["due_at"] == iso(promised) and promise["state"] == "running"
    # A changed promise needs a reason; with one it is a new cycle.
    later = {"promised_at": iso(promised + timedelta(hours=1))}
    refused = api.post(f"{ORDERS}{order.id}/promise/", later, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "promise_reason_required"
    assert "reason" in refused.json()["fields"]
    ok = api.post(f"{ORDERS}{order.id}/promise/", {**later, "reason": "商户负责人明天到岗"}, format="json")
    assert ok.status_code == 200 and clock(order, Metric.PROMISED_REPLY).cycle == 2
    events = SlaEvent.objects.filter(work_order=order, metric="promised_reply").values_list("event_type", flat=True)
    assert list(events) == ["promise_made", "promise_changed"]


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"promised_at": "PAST"}, "promise_in_past"),
        ({"promised_at": "2026-12-31T10:00:00"}, "invalid_input"),  # no offset
        ({"promised_at": "tomorrow"}, "invalid_input"),
        ({"promised_at": "9999-12-31T23:59:59-12:00"}, "invalid_input"),
        ({}, "invalid_input"),
        ({"promised_at": "2099-01-01T10:00:00+08:00", "reason": "a\x00b"}, "invalid_input"),
    ],
)
def test_promise_refuses_bad_times_and_writes_nothing(api, duty_site, make_order, payload, code):
    order = make_order(type="complaint", accept_now=True)
    if payload.get("promised_at") == "PAST":
        payload = {"promised_at": iso(timezone.now() - timedelta(minutes=5))}
    before = sla_written()
    response = api.post(f"{ORDERS}{order.id}/promise/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["fields"]
    assert sla_written() == before


def test_a_far_off_promise_is_stored_not_a_server_error(api, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    response = api.post(f"{ORDERS}{order.id}/promise/", {"promised_at": "7778-11-09T17:27:02-00:29"}, format="json")
    assert response.status_code == 200
    assert clock(order, Metric.PROMISED_REPLY).due_at.year == 7778


def test_promise_scoping_and_permission(duty_site, make_order, outsider, finance):
    order = make_order(type="complaint")
    payload = {"promised_at": iso(timezone.now() + timedelta(hours=1))}
    assert client_for(outsider).post(f"{ORDERS}{order.id}/promise/", payload, format="json").status_code == 404
    # Finance may read the order but does not work on it.
    response = client_for(finance).post(f"{ORDERS}{order.id}/promise/", payload, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not WorkOrderClock.objects.filter(work_order=order, metric="promised_reply").exists()
    assert APIClient().post(f"{ORDERS}{order.id}/promise/", payload, format="json").status_code == 401


# --- escalation -------------------------------------------------------------------------------------------------


def test_escalate_level_by_level_notifies_the_supervisor(api, duty_site, make_order, supervisor, manager):
    order = make_order(type="complaint", accept_now=True)
    response = api.post(
        f"{ORDERS}{order.id}/escalate/", {"level": "manager", "reason": "顾客要求见经理"}, format="json"
    )
    assert response.status_code == 200, response.content
    [esc] = response.json()["escalations"]
    assert esc["level"] == "supervisor" and esc["automatic"] is False and esc["reason"] == "顾客要求见经理"
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").count() == 1
    assert not Notification.objects.filter(recipient=manager).exists()
    assert "escalated" in [e["event_type"] for e in response.json()["timeline"]]


def test_skip_level_only_for_urgent(api, duty_site, make_order, supervisor, manager):
    order = make_order(type="complaint", accept_now=True)
    payload = {"level": "manager", "reason": "情况紧急", "skip_level": True}
    before = sla_written()
    response = api.post(f"{ORDERS}{order.id}/escalate/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "skip_level_only_urgent"
    assert sla_written() == before
    urgent = make_order(type="complaint", priority=1, accept_now=True)
    [esc] = api.post(f"{ORDERS}{urgent.id}/escalate/", payload, format="json").json()["escalations"]
    assert esc["level"] == "manager" and esc["skipped_level"] == "supervisor"
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_skipped").exists()


@pytest.mark.parametrize(
    "payload, code, field",
    [
        ({"level": "supervisor", "reason": "  "}, "escalation_reason_required", "reason"),
        ({"level": "remind", "reason": "x"}, "invalid_input", "level"),
        ({"reason": "x"}, "invalid_input", "level"),
        ({"level": "supervisor", "reason": "x", "skip_level": "maybe"}, "invalid_input", "skip_level"),
    ],
)
def test_escalate_refuses_bad_input(api, duty_site, make_order, supervisor, payload, code, field):
    order = make_order()
    before = sla_written()
    response = api.post(f"{ORDERS}{order.id}/escalate/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == code and field in response.json()["fields"]
    assert sla_written() == before


def test_escalate_scoping_and_permission(duty_site, make_order, supervisor, outsider, finance):
    order = make_order()
    payload = {"level": "supervisor", "reason": "需要协调"}
    assert client_for(outsider).post(f"{ORDERS}{order.id}/escalate/", payload, format="json").status_code == 404
    assert client_for(finance).post(f"{ORDERS}{order.id}/escalate/", payload, format="json").status_code == 403
    assert not Escalation.objects.exists()


def test_escalate_repeat_and_finished_order_answer_409(api, duty_site, make_order, agent, supervisor):
    """ESC-03: the same level twice within the window, or a finished order, is a structured 409, nothing written."""
    order = make_order(type="complaint", accept_now=True)
    payload = {"level": "supervisor", "reason": "顾客要求见领导"}
    assert api.post(f"{ORDERS}{order.id}/escalate/", payload, format="json").status_code == 200
    before = sla_written()
    again = api.post(f"{ORDERS}{order.id}/escalate/", payload, format="json")
    assert again.status_code == 409 and again.json()["code"] == "escalation_repeated" and again.json()["message"]
    assert sla_written() == before
    wo.cancel_work_order(order, actor=agent, reason="顾客撤回")
    before = sla_written()
    finished = api.post(f"{ORDERS}{order.id}/escalate/", {"level": "manager", "reason": "x"}, format="json")
    assert finished.status_code == 409 and finished.json()["code"] == "escalation_on_finished_order"
    assert sla_written() == before


def test_escalate_without_anybody_at_the_level(api, duty_site, make_order):
    response = api.post(f"{ORDERS}{make_order().id}/escalate/", {"level": "supervisor", "reason": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_recipient"


# --- call register ----------------------------------------------------------------------------------------------


def test_log_call_within_and_after_the_standard(api, site, make_order):
    order = make_order()
    response = api.post(CALLS, {"site": site.id, "rings": 2, "work_order": order.id}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["answered_late"] is False and body["max_rings"] == 3 and body["work_order"] == order.id
    refused = api.post(CALLS, {"site": site.id, "rings": 5}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "apology_required"
    assert "apology_made" in refused.json()["fields"]
    assert CallRecord.objects.count() == 1
    late = api.post(CALLS, {"site": site.id, "rings": 5, "apology_made": True}, format="json").json()
    assert late["answered_late"] is True and late["apology_made"] is True


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"rings": 2}, 400, "invalid_input"),
        ({"site": "SITE", "rings": 31}, 400, "bad_rings"),
        ({"site": "SITE", "rings": -1}, 400, "bad_rings"),
        ({"site": "SITE", "rings": "three"}, 400, "invalid_input"),
        ({"site": "SITE", "rings": 1, "work_order": 10**30}, 400, "invalid_input"),
        ({"site": "SITE", "rings": 1, "work_order": 999999}, 404, "not_found"),
        ({"site": "OTHER", "rings": 1}, 404, "not_found"),
    ],
)
def test_log_call_refusals_write_nothing(api, site, other_site, payload, status, code):
    payload = {**payload}
    if "site" in payload:
        payload["site"] = {"SITE": site.id, "OTHER": other_site.id}[payload["site"]]
    response = api.post(CALLS, payload, format="json")
    assert response.status_code == status and response.json()["code"] == code
    assert not CallRecord.objects.exists()


def test_log_call_of_another_sites_order_is_404(api, site, outsider, other_site):
    from kefu.tickets.services import create_work_order

    theirs = create_work_order(
        actor=outsider, site_id=other_site.id, type="inquiry", channel="phone", subject="咨询营业时间"
    )
    response = api.post(CALLS, {"site": site.id, "rings": 1, "work_order": theirs.id}, format="json")
    assert response.status_code == 404 and not CallRecord.objects.exists()


def test_log_call_retry_with_idempotency_key_registers_once(api, site):
    for _ in range(2):
        response = api.post(CALLS, {"site": site.id, "rings": 1}, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
        assert response.status_code == 201
    assert response["Idempotent-Replayed"] == "true" and CallRecord.objects.count() == 1


# --- report and breaches ----------------------------------------------------------------------------------------


@pytest.fixture
def decided(duty_site, make_order, agent, admin_user):
    """One repair whose first response was met, one whose first response was missed."""
    met = make_order(type="repair", accept_now=True)
    wo.reply_to_customer(met, actor=agent, body="已安排师傅")
    missed = make_order(type="repair", accept_now=True)
    c = clock(missed, Metric.FIRST_RESPONSE)
    sla.mark_breached(c.id, actor=admin_user, now=c.due_at + timedelta(seconds=1))
    return met, missed


def period(**extra):
    now = timezone.now()
    return {"start": iso(now - timedelta(days=1)), "end": iso(now + timedelta(days=1)), **extra}


def test_report_rows_per_site_and_metric(api, decided, site):
    body = api.get(f"{SLA}report/", period()).json()
    first = next(r for r in body["results"] if r["metric"] == "first_response")
    assert first == {
        "group": str(site.id),
        "label": site.name,
        "metric": "first_response",
        "met": 1,
        "breached": 1,
        "open": 0,
        "compliance": 50.0,
    }
    by_type = api.get(f"{SLA}report/", period(group_by="type", site=site.id)).json()["results"]
    assert {r["group"] for r in by_type} == {"repair"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"end": "2026-12-01T00:00:00+08:00"}, "start"),
        ({"start": "2026-12-02T00:00:00+08:00", "end": "2026-12-01T00:00:00+08:00"}, "end"),
        ({"start": "2020-01-01T00:00:00+08:00", "end": "2026-12-01T00:00:00+08:00"}, "end"),
        ({"start": "yesterday", "end": "2026-12-01T00:00:00+08:00"}, "start"),
        ({"start": "2026-11-01", "end": "2026-12-01", "group_by": "weather"}, "group_by"),
        ({"start": "2026-11-01", "end": "2026-12-01", "site": "x"}, "site"),
    ],
)
def test_report_refuses_bad_periods(api, params, field):
    response = api.get(f"{SLA}report/", params)
    assert response.status_code == 400 and field in response.json()["fields"]


def test_report_and_breaches_are_site_scoped(decided, outsider, other_site, api):
    assert client_for(outsider).get(f"{SLA}report/", period()).json()["results"] == []
    assert client_for(outsider).get(f"{SLA}breaches/", period()).json()["results"] == []
    assert api.get(f"{SLA}report/", period(site=other_site.id)).status_code == 404
    assert api.get(f"{SLA}breaches/", period(site=other_site.id)).status_code == 404


def test_breaches_list_the_missed_targets(api, decided):
    _, missed = decided
    [row] = api.get(f"{SLA}breaches/", period()).json()["results"]
    assert row["work_order"]["id"] == missed.id and row["work_order"]["number"] == missed.number
    assert row["metric"] == "first_response" and row["breached_at"] == row["due_at"]
    assert row["policy"]["name"].startswith("报修") and row["policy_version"] == 1
    assert row["escalation_reasons"] == []


def test_breaches_carry_the_escalation_reasons(api, decided, agent, supervisor):
    _, missed = decided
    sla.escalate_work_order(missed, actor=agent, level="supervisor", reason="客户第三次来电催促")
    [row] = api.get(f"{SLA}breaches/", period()).json()["results"]
    assert "客户第三次来电催促" in row["escalation_reasons"]


def test_fast_detail_equals_the_documented_serializer(duty_site, make_order, agent, supervisor, settings, tmp_path):
    """Detail and create answers are built without DRF fields for speed; they must stay what the schema documents:
    timeline, attachment, clocks and an escalation included."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.tickets.selectors import get_work_order_for
    from kefu.tickets.serializers import WorkOrderDetailSerializer, detail_row

    settings.MEDIA_ROOT = tmp_path / "media"
    order = make_order(type="repair", accept_now=True)
    wo.reply_to_customer(order, actor=agent, body="已派师傅")
    wo.add_attachment(order, actor=agent, uploaded=SimpleUploadedFile("note.txt", b"plain text", "text/plain"))
    sla.escalate_work_order(order, actor=agent, level="supervisor", reason="顾客催促")
    for actor in (agent, supervisor):
        fresh = get_work_order_for(actor, order.pk)
        documented = WorkOrderDetailSerializer(fresh, context={"actor": actor}).data
        fast = detail_row(fresh, actor)
        assert fast == documented and list(fast) == list(documented)
        assert fast["timeline"] and fast["attachments"] and fast["clocks"] and fast["escalations"]
