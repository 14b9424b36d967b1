"""Web UI of deadlines: queue due sort and countdown, the 时限 panel and its forms, quick-create with the call
register, the inbox, the SLA report and the administration pages. Real views, real database, real services."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_user
from kefu.accounts.models import Role
from kefu.core.errors import CoreError
from kefu.core.models import Notification
from kefu.core.notifications import notify
from kefu.customers.models import Customer
from kefu.sla import services as sla
from kefu.sla.config_services import set_site_calendar
from kefu.sla.errors import SlaError
from kefu.sla.models import (
    CalendarOverride,
    CallRecord,
    Escalation,
    HolidayYear,
    Metric,
    SiteCalendar,
    SlaConfigEvent,
    SlaPolicy,
    WorkOrderClock,
)
from kefu.sla.selectors import compliance_report
from kefu.sla.tasks import scan_deadlines
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import services as wo
from kefu.tickets.models import WorkOrder, WorkOrderEvent, WorkOrderType

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def zh(message) -> str:
    """The Simplified Chinese text of a lazy message or of a msgid, as the pages show it."""
    with translation.override("zh-hans"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def page(response) -> str:
    return html.unescape(response.content.decode())


def local_input(instant) -> str:
    """What a datetime-local input posts, in the site's zone."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def freeze(monkeypatch, instant):
    monkeypatch.setattr(timezone, "now", lambda: instant)


# ---- queue: sort by due, filter by state, countdown ----


def _orders_with_deadlines(make_order, dues):
    """One order per entry; None = no deadline (record_deadline is the SLA app's own write to the order)."""
    orders = []
    for due in dues:
        order = make_order(type="repair")
        wo.record_deadline(order, due_at=due, sla_state="on_track" if due else "")
        orders.append(order)
    return orders


def test_due_sort_over_two_sites_merges_both_sections_and_pages_through_them(make_order, other_site, site):
    """A multi-site queue is read per site (dated and undated sections) and its page fetched in one query."""
    from kefu.customers.services import create_customer

    now = timezone.now()
    roaming = make_user(Role.SUPERVISOR, sites=[site, other_site], username="roaming")
    here = _orders_with_deadlines(make_order, [now + timedelta(hours=3), None, now + timedelta(minutes=5), None])
    guest = create_customer(actor=roaming, site_id=other_site.id, name="王芳", phones=["13900001111"])
    there = []
    for due in [now + timedelta(hours=1), None, now + timedelta(hours=3), None]:
        order = wo.create_work_order(
            actor=roaming, site_id=other_site.id, type="repair", channel="phone", subject="漏水", customer_id=guest.id
        )
        wo.record_deadline(order, due_at=due, sla_state="on_track" if due else "")
        there.append(order)
    everything = WorkOrder.objects.filter(pk__in=[o.pk for o in here + there])
    expected = [o.pk for o in sorted(everything, key=lambda o: (o.due_at is None, o.due_at, -o.id))]
    whole = ticket_selectors.queue_for(roaming, scope="team", sort="due", page_size=100)
    assert [o.pk for o in whole.rows] == expected
    for size in (1, 2, 3, 5):
        seen, cursor = [], None
        while True:
            page_ = ticket_selectors.queue_for(roaming, scope="team", sort="due", cursor=cursor, page_size=size)
            seen += [o.pk for o in page_.rows]
            cursor = page_.next_cursor
            if not cursor:
                break
        assert seen == expected, size


def test_due_sort_puts_nearest_first_and_orders_without_deadline_last(client, agent, make_order):
    now = timezone.now()
    late, none1, soon, none2, middle = _orders_with_deadlines(
        make_order, [now + timedelta(hours=5), None, now + timedelta(minutes=10), None, now + timedelta(hours=1)]
    )
    client.force_login(agent)
    response = client.get(reverse("tickets:queue"), {"scope": "team", "sort": "due"})
    assert [o.pk for o, _ in response.context["rows"]] == [soon.pk, middle.pk, late.pk, none2.pk, none1.pk]


def test_due_cursor_continues_across_the_null_boundary(agent, make_order):
    now = timezone.now()
    same = now + timedelta(hours=2)
    orders = _orders_with_deadlines(make_order, [same, None, now + timedelta(hours=1), same, None, None])
    expected = ticket_selectors.queue_for(agent, sort="due", page_size=100).rows
    seen, cursor = [], None
    while True:
        page_ = ticket_selectors.queue_for(agent, sort="due", cursor=cursor, page_size=2)
        seen += page_.rows
        cursor = page_.next_cursor
        if not cursor:
            break
    assert [o.pk for o in seen] == [o.pk for o in expected]
    assert len(seen) == len(orders) == len({o.pk for o in seen})
    assert [o.due_at is None for o in seen] == [False, False, False, True, True, True]
    # Ties on due_at break by id descending, like every other sort.
    assert seen[1].due_at == seen[2].due_at and seen[1].pk > seen[2].pk


def test_due_pagination_in_the_view_follows_the_next_link_into_orders_without_deadline(client, agent, make_order):
    now = timezone.now()
    dated = _orders_with_deadlines(make_order, [now + timedelta(minutes=i + 1) for i in range(24)])
    undated = _orders_with_deadlines(make_order, [None, None, None])
    client.force_login(agent)
    first = client.get(reverse("tickets:queue"), {"scope": "team", "sort": "due"})
    rows = [o.pk for o, _ in first.context["rows"]]
    assert rows == [o.pk for o in dated] + [undated[2].pk]
    second = client.get(
        reverse("tickets:queue"), {"scope": "team", "sort": "due", "cursor": first.context["page"].next_cursor}
    )
    assert [o.pk for o, _ in second.context["rows"]] == [undated[1].pk, undated[0].pk]
    assert second.context["page"].next_cursor is None


def test_forged_due_cursor_is_ignored(client, agent, make_order):
    _orders_with_deadlines(make_order, [None])
    client.force_login(agent)
    for cursor in ("!!!", "WyJub3QtYS1kYXRlIiwgMV0", "W251bGwsICJ4Il0"):
        response = client.get(reverse("tickets:queue"), {"sort": "due", "cursor": cursor})
        assert response.status_code == 200


def test_sla_state_filter_is_multi_valued(client, agent, make_order):
    on_track, at_risk, breached, none = (make_order(type="repair") for _ in range(4))
    now = timezone.now()
    wo.record_deadline(on_track, due_at=now + timedelta(hours=1), sla_state="on_track")
    wo.record_deadline(at_risk, due_at=now + timedelta(minutes=5), sla_state="at_risk")
    wo.record_deadline(breached, due_at=now - timedelta(minutes=5), sla_state="breached")
    wo.record_deadline(none, due_at=None, sla_state="")
    client.force_login(agent)
    response = client.get(reverse("tickets:queue") + "?scope=team&sla_state=at_risk&sla_state=breached")
    assert {o.pk for o, _ in response.context["rows"]} == {at_risk.pk, breached.pk}
    response = client.get(reverse("tickets:queue"), {"scope": "team", "sla_state": "nonsense"})
    assert len(response.context["rows"]) == 4


def test_queue_shows_a_countdown_coloured_by_state(client, agent, make_order, monkeypatch):
    now = timezone.now().replace(microsecond=0)
    ahead, behind = make_order(type="repair"), make_order(type="repair")
    wo.record_deadline(ahead, due_at=now + timedelta(hours=2, minutes=15, seconds=30), sla_state="on_track")
    wo.record_deadline(behind, due_at=now - timedelta(minutes=35, seconds=10), sla_state="breached")
    freeze(monkeypatch, now)
    client.force_login(agent)
    text = page(client.get(reverse("tickets:queue"), {"scope": "team"}))
    left = zh("%(time)s left") % {"time": zh("%(h)dh %(m)dmin") % {"h": 2, "m": 15}}
    over = zh("%(time)s overdue") % {"time": zh("%(m)dmin") % {"m": 35}}
    assert left == "剩余 2小时15分" and over == "已超时 35分"
    assert left in text and over in text
    assert "due-breached" in text and "due-on_track" in text and 'id="countdown-i18n"' in text


# ---- detail: the 时限 panel ----


def test_detail_shows_the_clocks_in_the_site_time_zone(client, agent, duty_site, make_order):
    order = make_order(type="repair", accept_now=True)
    client.force_login(agent)
    text = page(client.get(reverse("tickets:detail", args=[order.pk])))
    clock = WorkOrderClock.objects.get(work_order=order, metric=Metric.FIRST_RESPONSE)
    assert 'data-testid="sla-panel"' in text and 'data-metric="first_response"' in text
    assert timezone.localtime(clock.due_at, SHANGHAI).strftime("%Y-%m-%d %H:%M") in text
    assert zh(Metric.FIRST_RESPONSE.label) in text


def test_detail_flags_a_deadline_computed_across_a_year_without_holiday_data(
    client, agent, site, admin_user, make_order, monkeypatch
):
    set_site_calendar(
        site, actor=admin_user, weekly={str(d): ["09:00-18:00"] for d in range(5)}, observes_public_holidays=True
    )
    freeze(monkeypatch, datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI))
    order = make_order(type="complaint", accept_now=True)
    assert WorkOrderClock.objects.get(work_order=order, metric=Metric.RESOLUTION).uncertain
    client.force_login(agent)
    assert 'class="badge uncertain"' in page(client.get(reverse("tickets:detail", args=[order.pk])))


def test_promise_form_refuses_without_a_time(client, agent, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(reverse("sla:promise", args=[order.pk]), {"promised_at": "", "reason": ""})
    assert response.status_code == 400
    assert zh(SlaError.PROMISE_REQUIRED.message) in page(response)
    assert not WorkOrderClock.objects.filter(work_order=order, metric=Metric.PROMISED_REPLY).exists()


def test_promise_form_refuses_a_past_time(client, agent, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    past = local_input(timezone.now() - timedelta(hours=1))
    response = client.post(reverse("sla:promise", args=[order.pk]), {"promised_at": past})
    assert response.status_code == 400
    assert zh(SlaError.PROMISE_IN_PAST.message) in page(response)
    assert not WorkOrderClock.objects.filter(work_order=order, metric=Metric.PROMISED_REPLY).exists()


def test_promise_form_records_the_time_in_the_site_zone_and_shows_the_clock(client, agent, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    promised = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    client.force_login(agent)
    response = client.post(reverse("sla:promise", args=[order.pk]), {"promised_at": local_input(promised)})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:detail", args=[order.pk])
    clock = WorkOrderClock.objects.get(work_order=order, metric=Metric.PROMISED_REPLY)
    assert clock.due_at == promised
    text = page(client.get(response["Location"]))
    assert 'data-metric="promised_reply"' in text and promised.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in text
    # Changing it needs a reason: the service's message, and the first promise stands.
    again = client.post(
        reverse("sla:promise", args=[order.pk]), {"promised_at": local_input(promised + timedelta(hours=1))}
    )
    assert again.status_code == 400 and zh(SlaError.PROMISE_REASON_REQUIRED.message) in page(again)
    clock.refresh_from_db()
    assert clock.due_at == promised


def test_defer_reply_on_a_complaint_needs_the_promised_time_and_saves_nothing_without(
    client, agent, duty_site, make_order
):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(reverse("sla:defer", args=[order.pk]), {"body": "已告知顾客需与商户核实", "promised_at": ""})
    assert response.status_code == 400 and zh(SlaError.PROMISE_REQUIRED.message) in page(response)
    assert not WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").exists()
    promised = timezone.now() + timedelta(hours=4)
    response = client.post(
        reverse("sla:defer", args=[order.pk]), {"body": "已告知顾客今天下午答复", "promised_at": local_input(promised)}
    )
    assert response.status_code == 302
    assert WorkOrderEvent.objects.get(work_order=order, event_type="note_added").note == "已告知顾客今天下午答复"
    assert WorkOrderClock.objects.filter(work_order=order, metric=Metric.PROMISED_REPLY).exists()


def test_escalate_form_goes_from_agent_to_supervisor(client, agent, supervisor, duty_site, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(reverse("sla:escalate", args=[order.pk]), {"level": "manager", "reason": "顾客要求见经理"})
    assert response.status_code == 302
    esc = Escalation.objects.get(work_order=order)
    assert (esc.level, esc.automatic, esc.created_by) == ("supervisor", False, agent)
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").exists()
    text = page(client.get(reverse("tickets:detail", args=[order.pk])))
    assert 'data-level="supervisor"' in text and "顾客要求见经理" in text


def test_escalate_form_refuses_skip_level_for_a_non_urgent_order(client, agent, supervisor, manager, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(
        reverse("sla:escalate", args=[order.pk]), {"level": "manager", "reason": "很急", "skip_level": "on"}
    )
    assert response.status_code == 400
    assert zh(SlaError.SKIP_LEVEL_ONLY_URGENT.message) in page(response)
    assert not Escalation.objects.exists()


def test_escalate_form_twice_shows_the_repeat_message_in_chinese(client, agent, supervisor, make_order):
    """ESC-03: a double-clicked 请示 reaches the supervisor once; the second answer says why, in Chinese."""
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    url = reverse("sla:escalate", args=[order.pk])
    client.post(url, {"level": "supervisor", "reason": "顾客要求见领导"})
    response = client.post(url, {"level": "supervisor", "reason": "顾客要求见领导"})
    assert response.status_code == 409 and zh(SlaError.ESCALATION_REPEATED.message) in page(response)
    assert Escalation.objects.count() == 1


def test_escalate_form_without_reason_shows_the_message(client, agent, supervisor, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(reverse("sla:escalate", args=[order.pk]), {"level": "supervisor", "reason": " "})
    assert response.status_code == 400 and zh(SlaError.ESCALATION_REASON_REQUIRED.message) in page(response)


def test_deadline_panel_forms_are_folds_fetched_when_opened(client, agent, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    detail = page(client.get(reverse("tickets:detail", args=[order.pk])))
    for name in ("promise", "defer", "escalate"):
        url = reverse("sla:order_form", args=[order.pk, name])
        assert f'id="sla-{name}" data-action="sla-{name}" hx-get="{url}"' in detail
        assert f'id="id_sla_{name}_reason"' not in detail  # no field drawn with the page
        fragment = page(client.get(url))
        assert f'action="{reverse(f"sla:{name}", args=[order.pk])}"' in fragment
        assert f'id="id_sla_{name}_reason"' in fragment and 'name="csrfmiddlewaretoken"' in fragment
    # Without JavaScript the fold's link draws that one form in the page.
    inline = page(client.get(reverse("tickets:detail", args=[order.pk]), {"sla_open": "escalate"}))
    opened = inline[inline.index('id="sla-escalate"') :]
    assert opened.index("open>") < opened.index('id="id_sla_escalate_reason"') < opened.index("</details>")
    assert 'id="id_sla_promise_reason"' not in inline


def test_a_deadline_form_no_longer_allowed_says_so(client, agent, finance, outsider, make_order):
    order = make_order(type="complaint", accept_now=True)
    wo.cancel_work_order(order, actor=agent, reason="重复登记")
    client.force_login(agent)
    fragment = page(client.get(reverse("sla:order_form", args=[order.pk, "promise"])))
    assert "<form" not in fragment and "已不可用" in fragment
    assert client.get(reverse("sla:order_form", args=[order.pk, "nonsense"])).status_code == 404
    client.force_login(finance)
    open_order = make_order(type="complaint", accept_now=True)
    assert "<form" not in page(client.get(reverse("sla:order_form", args=[open_order.pk, "escalate"])))
    client.force_login(outsider)
    assert client.get(reverse("sla:order_form", args=[open_order.pk, "promise"])).status_code == 404


def test_finance_sees_no_escalation_form_and_cannot_post_one(client, finance, supervisor, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(finance)
    assert 'data-action="sla-escalate"' not in page(client.get(reverse("tickets:detail", args=[order.pk])))
    response = client.post(reverse("sla:escalate", args=[order.pk]), {"level": "supervisor", "reason": "x"})
    assert response.status_code == 403 and not Escalation.objects.exists()


@pytest.mark.parametrize("name", ["promise", "defer", "escalate"])
def test_other_sites_orders_are_404_on_every_form(client, outsider, make_order, name):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(outsider)
    response = client.post(reverse(f"sla:{name}", args=[order.pk]), {"reason": "x", "body": "x", "level": "supervisor"})
    assert response.status_code == 404


def test_bad_datetime_input_is_a_form_error_not_a_500(client, agent, make_order):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    response = client.post(reverse("sla:promise", args=[order.pk]), {"promised_at": "明天下午"})
    assert response.status_code == 400 and zh(CoreError.INVALID_INPUT.message) in page(response)


# ---- quick-create with the call register ----


def _call_payload(site, **overrides):
    data = {
        "site": site.id,
        "phone": "139 1234 5678",
        "customer": "",
        "customer_name": "李娜",
        "type": "repair",
        "channel": "phone",
        "priority": "3",
        "subject": "卫生间漏水",
        "description": "",
    }
    data.update(overrides)
    return data


def test_quick_create_offers_the_call_fields(client, agent):
    client.force_login(agent)
    text = page(client.get(reverse("tickets:create")))
    assert 'name="rings"' in text and 'name="apology_made"' in text


def test_late_answer_without_apology_saves_nothing(client, agent, site):
    client.force_login(agent)
    response = client.post(reverse("tickets:create"), _call_payload(site, rings="5"))
    assert response.status_code == 400
    assert zh(SlaError.APOLOGY_REQUIRED.message) in page(response)
    assert not WorkOrder.objects.exists()
    assert not Customer.objects.exists()
    assert not CallRecord.objects.exists()


def test_late_answer_with_apology_saves_order_and_call_together(client, agent, site):
    client.force_login(agent)
    response = client.post(reverse("tickets:create"), _call_payload(site, rings="5", apology_made="on"))
    assert response.status_code == 302
    call = CallRecord.objects.get()
    assert call.work_order == WorkOrder.objects.get()
    assert (call.rings, call.answered_late, call.apology_made, call.agent) == (5, True, True, agent)


def test_call_register_is_optional_and_phone_only(client, agent, site):
    client.force_login(agent)
    assert client.post(reverse("tickets:create"), _call_payload(site)).status_code == 302
    assert client.post(reverse("tickets:create"), _call_payload(site, channel="walk_in", rings="9")).status_code == 302
    assert WorkOrder.objects.count() == 2 and not CallRecord.objects.exists()


def test_bad_ring_count_is_refused(client, agent, site):
    client.force_login(agent)
    response = client.post(reverse("tickets:create"), _call_payload(site, rings="99"))
    assert response.status_code == 400 and not WorkOrder.objects.exists()


# ---- inbox ----


def test_bell_shows_the_unread_count_and_the_inbox_lists_newest_first(client, agent, supervisor):
    notify(agent, kind="test", title="第一条", url="/work-orders/1/", email=False)
    notify(agent, kind="test", title="第二条", email=False)
    notify(supervisor, kind="test", title="别人的", email=False)
    client.force_login(agent)
    text = page(client.get(reverse("tickets:queue")))
    assert 'data-testid="unread">2<' in text
    assert 'data-testid="unread">2<' in page(client.get(reverse("inbox:count")))
    inbox = page(client.get(reverse("inbox:list")))
    assert inbox.index("第二条") < inbox.index("第一条") and "别人的" not in inbox
    assert 'href="/work-orders/1/"' in inbox


def test_the_bell_counts_up_to_99_then_says_99_plus_while_the_api_count_stays_exact(client, agent):
    from rest_framework.authtoken.models import Token

    from kefu.core.models import Notification

    def unread(n):
        Notification.objects.bulk_create(Notification(recipient=agent, kind="test", title="超时") for _ in range(n))

    client.force_login(agent)
    unread(99)
    assert 'data-testid="unread">99<' in page(client.get(reverse("inbox:count")))
    unread(2)
    assert 'data-testid="unread">99+<' in page(client.get(reverse("tickets:queue")))
    assert 'data-testid="unread">99+<' in page(client.get(reverse("inbox:count")))
    token = Token.objects.create(user=agent)
    api = client.get("/api/v1/notifications/unread-count/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.json() == {"unread_count": 101}


def test_mark_read_and_mark_all_read(client, agent):
    first = notify(agent, kind="test", title="一", email=False)
    notify(agent, kind="test", title="二", email=False)
    client.force_login(agent)
    assert client.post(reverse("inbox:read", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=agent, read_at__isnull=True).count() == 1
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert 'data-testid="unread"' not in page(client.get(reverse("inbox:list")))


def test_cannot_mark_another_users_notification(client, agent, supervisor):
    theirs = notify(supervisor, kind="test", title="主管的", email=False)
    client.force_login(agent)
    client.post(reverse("inbox:read", args=[theirs.pk]))
    client.post(reverse("inbox:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_marking_is_post_only(client, agent):
    note = notify(agent, kind="test", title="一", email=False)
    client.force_login(agent)
    assert client.get(reverse("inbox:read", args=[note.pk])).status_code == 405
    assert client.get(reverse("inbox:read_all")).status_code == 405


# ---- report ----


def test_report_numbers_match_compliance_report(client, supervisor, agent, duty_site, make_order):
    met = make_order(type="repair", accept_now=True)
    wo.reply_to_customer(met, actor=agent, body="马上安排")
    late = make_order(type="repair", accept_now=True)
    sla.escalate_work_order(late, actor=agent, level="supervisor", reason="师傅联系不上")
    scan_deadlines(now=late.created_at + timedelta(minutes=31))
    today = timezone.localdate()
    client.force_login(supervisor)
    params = {"start": str(today - timedelta(days=1)), "end": str(today + timedelta(days=1)), "group_by": "type"}
    response = client.get(reverse("sla:report"), params)
    assert response.status_code == 200
    start = datetime.combine(today - timedelta(days=1), datetime.min.time(), SHANGHAI)
    expected = compliance_report(supervisor, start=start, end=start + timedelta(days=3), group_by="type")
    assert [(r["metric"], r["met"], r["breached"], r["open"], r["compliance"]) for r in response.context["rows"]] == [
        (r["metric"], r["met"], r["breached"], r["open"], r["compliance"]) for r in expected
    ]
    text = page(response)
    assert "50.0%" in text and zh(WorkOrderType.REPAIR.label) in text
    assert [b["order"].pk for b in response.context["breaches"]] == [late.pk]
    assert late.number in text and "师傅联系不上" in text


def test_report_defaults_to_this_month_and_refuses_agents(client, agent, supervisor):
    client.force_login(agent)
    assert client.get(reverse("sla:report")).status_code == 403
    client.force_login(supervisor)
    response = client.get(reverse("sla:report"), {"start": "nonsense", "group_by": "drop"})
    assert response.status_code == 200
    assert response.context["start_day"] == timezone.localdate().replace(day=1)


# ---- administration ----

ADMIN_PAGES = ["sla:hours", "sla:overrides", "sla:holidays", "sla:policies", "sla:policy_new"]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_are_for_managers_only(client, agent, supervisor, manager, name):
    for user in (agent, supervisor):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    client.force_login(manager)
    assert client.get(reverse(name)).status_code == 200


def test_agent_cannot_post_service_hours(client, agent, site):
    client.force_login(agent)
    assert client.post(reverse("sla:hours_edit", args=[site.id]), {"day_0": "09:00-18:00"}).status_code == 403
    assert not SiteCalendar.objects.exists()


def test_service_hours_are_saved_through_the_service(client, manager, site):
    client.force_login(manager)
    data = {f"day_{d}": "09:00-12:00,13:30-18:00" for d in range(5)}
    data.update(observes_public_holidays="on", max_rings="4")
    response = client.post(reverse("sla:hours_edit", args=[site.id]), data)
    assert response.status_code == 302
    row = SiteCalendar.objects.get(site=site)
    assert row.weekly["0"] == ["09:00-12:00", "13:30-18:00"] and row.weekly["6"] == []
    assert row.observes_public_holidays and not row.around_the_clock and row.max_rings == 4
    assert SlaConfigEvent.objects.filter(event_type="service_hours_changed", site=site).exists()
    assert "13:30-18:00" in page(client.get(reverse("sla:hours")))


@pytest.mark.parametrize("hours", ["18:00-09:00", "9点到12点", "09:00-12:00,11:00-13:00"])
def test_bad_hours_show_the_message_and_save_nothing(client, manager, site, hours):
    client.force_login(manager)
    response = client.post(reverse("sla:hours_edit", args=[site.id]), {"day_0": hours})
    assert response.status_code == 400
    assert zh(SlaError.BAD_HOURS.message) in page(response)
    assert not SiteCalendar.objects.exists()


def test_other_sites_hours_are_404(client, manager, other_site):
    client.force_login(manager)
    assert client.get(reverse("sla:hours_edit", args=[other_site.id])).status_code == 404


def test_calendar_override_closed_and_bad_hours(client, manager, site):
    client.force_login(manager)
    response = client.post(
        reverse("sla:overrides"), {"site": site.id, "day": "2026-12-24", "closed": "on", "reason": "盘点闭店"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(site=site).closed
    response = client.post(reverse("sla:overrides"), {"site": site.id, "day": "2026-12-25", "hours": "22:00-10:00"})
    assert response.status_code == 400 and zh(SlaError.BAD_HOURS.message) in page(response)
    assert CalendarOverride.objects.count() == 1
    assert "盘点闭店" in page(client.get(reverse("sla:overrides")))


HOLIDAYS_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,休,春节\n2027-02-07,班,春节调休\n"


def test_holiday_import_from_the_textarea(client, manager):
    client.force_login(manager)
    response = client.post(reverse("sla:holidays"), {"year": "2027", "text": HOLIDAYS_2027, "source_note": "国办发"})
    assert response.status_code == 302
    year = HolidayYear.objects.get(year=2027)
    assert year.days.count() == 3 and year.imported_by == manager
    assert SlaConfigEvent.objects.filter(event_type="holiday_year_imported").exists()
    assert 'data-year="2027"' in page(client.get(reverse("sla:holidays")))


def test_holiday_import_from_an_uploaded_file(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("2027.csv", HOLIDAYS_2027.encode("gb18030"), content_type="text/csv")
    response = client.post(reverse("sla:holidays"), {"year": "2027", "file": upload})
    assert response.status_code == 302 and HolidayYear.objects.get(year=2027).days.count() == 3


@pytest.mark.parametrize(
    "text, error",
    [
        ("这不是日期\n", SlaError.BAD_HOLIDAY_FILE),
        ("", SlaError.BAD_HOLIDAY_FILE),
        ("2027-13-01,holiday,错\n", SlaError.BAD_HOLIDAY_FILE),
        ("2028-01-01,holiday,元旦\n", SlaError.HOLIDAY_YEAR_MISMATCH),
    ],
)
def test_bad_holiday_file_shows_the_message_and_imports_nothing(client, manager, text, error):
    client.force_login(manager)
    response = client.post(reverse("sla:holidays"), {"year": "2027", "text": text})
    assert response.status_code == 400
    assert zh(error.message) in page(response)
    assert not HolidayYear.objects.exists()


def test_binary_upload_is_a_message_not_a_500(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x81\x30", content_type="text/csv")
    response = client.post(reverse("sla:holidays"), {"year": "2027", "file": upload})
    assert response.status_code == 400 and zh(SlaError.BAD_HOLIDAY_FILE.message) in page(response)


def test_banner_warns_managers_when_next_years_holidays_are_missing(client, manager, agent, monkeypatch):
    freeze(monkeypatch, datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    client.force_login(manager)
    text = page(client.get(reverse("tickets:queue")))
    assert 'data-testid="calendar-warning"' in text and "2027" in text and reverse("sla:holidays") in text
    client.force_login(agent)
    assert 'data-testid="calendar-warning"' not in page(client.get(reverse("tickets:queue")))
    client.force_login(manager)
    client.post(reverse("sla:holidays"), {"year": "2027", "text": HOLIDAYS_2027})
    assert 'data-testid="calendar-warning"' not in page(client.get(reverse("tickets:queue")))


def test_no_banner_in_the_middle_of_a_known_year(client, manager, monkeypatch):
    freeze(monkeypatch, datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI))
    client.force_login(manager)
    assert 'data-testid="calendar-warning"' not in page(client.get(reverse("tickets:queue")))


def test_policy_list_shows_targets_and_edit_writes_a_version(client, manager, duty_site, make_order):
    order = make_order(type="repair", accept_now=True)
    due = WorkOrderClock.objects.get(work_order=order, metric=Metric.RESOLUTION).due_at
    policy = SlaPolicy.objects.get(name__startswith="报修")
    client.force_login(manager)
    text = page(client.get(reverse("sla:policies")))
    assert policy.name in text and f'data-policy="{policy.pk}"' in text
    form = client.get(reverse("sla:policy", args=[policy.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, bool))}
    data.update(resolution_minutes="240", resolution_business="on", first_response_business="on")
    data.update(is_active="on", reason="工程部承诺4小时修复")
    data["resolution_pause"] = ["awaiting_customer"]
    response = client.post(reverse("sla:policy", args=[policy.pk]), data)
    assert response.status_code == 302, page(response)
    policy.refresh_from_db()
    assert policy.version == 2
    assert {t.metric: t.minutes for t in policy.targets.all()} == {"first_response": 30, "resolution": 240}
    event = SlaConfigEvent.objects.filter(policy=policy).latest("id")
    assert (event.event_type, event.version, event.note) == ("policy_changed", 2, "工程部承诺4小时修复")
    assert WorkOrderClock.objects.get(work_order=order, metric=Metric.RESOLUTION).due_at == due
    assert "工程部承诺4小时修复" in page(client.get(reverse("sla:policy", args=[policy.pk])))


def test_saving_a_policy_over_a_newer_version_is_refused(client, manager):
    policy = SlaPolicy.objects.get(name__startswith="报修")
    client.force_login(manager)
    form = client.get(reverse("sla:policy", args=[policy.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, bool))}
    data.update(is_active="on", reason="第一次修改", resolution_minutes="300")
    assert data["version"] == 1
    assert client.post(reverse("sla:policy", args=[policy.pk]), data).status_code == 302
    # A second editor still holding version 1 must not overwrite version 2 silently.
    data.update(reason="第二个人的修改", resolution_minutes="100")
    response = client.post(reverse("sla:policy", args=[policy.pk]), data)
    assert response.status_code == 409
    policy.refresh_from_db()
    assert policy.version == 2 and policy.targets.get(metric="resolution").minutes == 300


def test_new_policy_and_invalid_policy_input(client, manager):
    client.force_login(manager)
    before = SlaPolicy.objects.count()
    bad = client.post(reverse("sla:policy_new"), {"name": "", "position": "x"})
    assert bad.status_code == 400 and SlaPolicy.objects.count() == before
    data = {
        "name": "VIP客户",
        "position": "5",
        "is_active": "on",
        "tier": "A",
        "at_risk_percent": "80",
        "supervisor_after_breach_minutes": "0",
        "manager_after_breach_minutes": "60",
        "reminder_before_promise_minutes": "30",
        "first_response_minutes": "15",
        "first_response_business": "on",
    }
    assert client.post(reverse("sla:policy_new"), data).status_code == 302
    policy = SlaPolicy.objects.get(name="VIP客户")
    assert policy.version == 1 and policy.tier == "A" and policy.targets.get().minutes == 15
    assert SlaConfigEvent.objects.filter(policy=policy, event_type="policy_created").exists()


def test_policy_of_unknown_id_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("sla:policy", args=[999999])).status_code == 404


def test_admin_site_shows_policies_read_only(client, site):
    admin = make_user(Role.ADMIN, sites=[site], is_staff=True, is_superuser=True)
    client.force_login(admin)
    policy = SlaPolicy.objects.first()
    assert client.get(reverse("admin:sla_slapolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk])).status_code == 200
    assert client.get(reverse("admin:sla_slapolicy_add")).status_code == 403


# ---- query counts ----


def test_detail_with_clocks_and_escalations_has_a_fixed_number_of_queries(
    client, agent, supervisor, duty_site, make_order, django_assert_max_num_queries
):
    order = make_order(type="complaint", accept_now=True)
    client.force_login(agent)
    # The page with its clocks and escalations, plus the panels other apps add (complaint, follow-ups, survey),
    # seen by a colleague (the order's staff rows are one query more than the creator's own view).
    client.force_login(supervisor)
    with django_assert_max_num_queries(18):
        client.get(reverse("tickets:detail", args=[order.pk]))
    sla.promise_reply(order, actor=agent, promised_at=timezone.now() + timedelta(hours=3))
    for i in range(5):
        esc = sla.escalate_work_order(order, actor=agent, level="supervisor", reason=f"第{i}次")
        # Each one after the last's repeat window (a repeat within it is refused).
        Escalation.objects.filter(pk=esc.pk).update(created_at=esc.created_at - sla.MANUAL_REPEAT_WINDOW * (6 - i))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("tickets:detail", args=[order.pk]))
    assert page(response).count('data-level="supervisor"') == 5


def test_queue_sorted_by_due_has_a_fixed_number_of_queries(client, agent, make_order, django_assert_max_num_queries):
    now = timezone.now()
    _orders_with_deadlines(make_order, [now + timedelta(minutes=1)])
    from django.db import connection

    client.force_login(agent)
    # One more than the plain queue: dated and undated orders are read as two index-ordered sections (on
    # PostgreSQL each section's sort keys, then the page's rows by id: one more again).
    budget = 13 if connection.vendor == "postgresql" else 12
    with django_assert_max_num_queries(budget):
        client.get(reverse("tickets:queue"), {"scope": "team", "sort": "due"})
    _orders_with_deadlines(make_order, [now + timedelta(minutes=i) for i in range(20)] + [None] * 5)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("tickets:queue"), {"scope": "team", "sort": "due"})
    assert len(response.context["rows"]) == 25
