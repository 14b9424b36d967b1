"""Pages (今日回访, outcome form, supervisor and manager pages, order panel, timeline) and the scheduled scan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.core.extensions import customer_timeline
from kefu.core.models import Notification

from .. import plan_services, services, tasks
from ..models import FollowUpAttempt, FollowUpEvent, PlanRole, VisitStatus
from .conftest import open_visit

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _due_today(visit):
    visit.planned_on = visit.due_on = timezone.localdate()
    visit.save(update_fields=["planned_on", "due_on"])
    return visit


def test_today_page_lists_the_visit_and_the_form_records_it(closed_order, agent):
    visit = _due_today(open_visit(closed_order()))
    web = _web(agent)
    page = web.get("/followups/")
    assert page.status_code == 200 and f'data-visit="{visit.pk}"' in page.content.decode()
    response = web.post(
        f"/followups/{visit.pk}/",
        {"reached": "yes", "method": "phone", "satisfaction": "satisfied", "score": "5", "comments": "满意"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE


def test_the_outcome_form_shows_the_chinese_error_and_writes_nothing(closed_order, agent):
    visit = _due_today(open_visit(closed_order()))
    response = _web(agent).post(f"/followups/{visit.pk}/", {"reached": "yes", "method": "phone", "score": "3"})
    assert response.status_code == 200
    assert "联系上客户时请记录客户的满意度。" in response.content.decode()
    assert not FollowUpAttempt.objects.exists()


def test_dissatisfied_with_a_complaint_rule_leads_to_the_new_complaint(closed_order, agent, manager, site):
    services.update_rule(site, "repair", actor=manager, on_dissatisfied="complaint")
    order = closed_order()
    visit = open_visit(order)
    response = _web(agent).post(
        f"/followups/{visit.pk}/",
        {"reached": "yes", "method": "phone", "satisfaction": "dissatisfied", "score": "1", "comments": "没修好"},
    )
    complaint = FollowUpAttempt.objects.get().opened_order
    assert response.status_code == 302 and response["Location"] == f"/work-orders/{complaint.pk}/"
    panel = _web(agent).get(f"/work-orders/{complaint.pk}/").content.decode()
    assert 'data-testid="follow-up-panel"' in panel and order.number in panel
    original = _web(agent).get(f"/work-orders/{order.pk}/").content.decode()
    assert "没修好" in original  # the evaluation form is on the original order's page


def test_pages_refuse_the_wrong_roles(technician, agent, supervisor, manager):
    assert _web(technician).get("/followups/").status_code == 403
    assert _web(agent).get("/followups/overdue/").status_code == 403
    assert _web(supervisor).get("/followups/overdue/").status_code == 200
    assert _web(supervisor).get("/followups/settings/rules/").status_code == 403
    assert _web(manager).get("/followups/settings/rules/").status_code == 200
    assert _web(manager).get("/followups/settings/plans/").status_code == 200


def test_another_sites_visit_page_is_a_404(closed_order, outsider):
    visit = open_visit(closed_order())
    assert _web(outsider).get(f"/followups/{visit.pk}/").status_code == 404


def test_managers_edit_rules_and_plans_on_the_settings_pages(site, manager, supervisor):
    web = _web(manager)
    response = web.post(
        "/followups/settings/rules/",
        {"site": site.pk, "order_type": "repair", "enabled": "on", "delay_hours": "6", "due_within_hours": "24",
         "method": "on_site", "assign_to": "order_assignee", "retry_after_hours": "2", "max_attempts": "2",
         "on_dissatisfied": "complaint"},
    )  # fmt: skip
    assert response.status_code == 302
    assert services.rule_for(site, "repair").delay_hours == 6
    response = web.post(
        "/followups/settings/plans/",
        {"site": site.pk, "form": "role", "role": "account_manager", "user": supervisor.pk},
    )
    assert response.status_code == 302
    assert plan_services.role_holders(site)[PlanRole.ACCOUNT_MANAGER] == supervisor
    response = web.post("/followups/settings/plans/", {"site": site.pk, "form": "generate", "year": "1999"})
    assert response.status_code == 200  # the form error is shown, nothing generated


def test_completed_visits_appear_on_the_customer_timeline(closed_order, agent, customer):
    visit = open_visit(closed_order())
    services.record_attempt(visit, actor=agent, reached=True, satisfaction="satisfied", score=5, comments="很好")
    entries = [e for e in customer_timeline(customer, agent) if e.kind == "follow_up"]
    assert len(entries) == 1 and "很好" in entries[0].detail


def test_the_scan_flags_overdue_visits_once_and_tells_the_assignee_and_department_manager(closed_order, agent, manager):
    visit = open_visit(closed_order())
    visit.planned_on = visit.due_on = date.today() - timedelta(days=3)
    visit.save(update_fields=["planned_on", "due_on"])
    assert tasks.scan_follow_ups()["overdue"] == 1
    assert tasks.scan_follow_ups()["overdue"] == 0
    visit.refresh_from_db()
    assert visit.overdue
    assert FollowUpEvent.objects.filter(follow_up=visit, event_type="overdue").count() == 1
    assert Notification.objects.filter(recipient=agent, kind="follow_up_overdue").count() == 1
    assert Notification.objects.filter(recipient=manager, kind="follow_up_overdue").count() == 1


def test_the_scan_brings_an_unanswered_call_back_when_its_retry_is_due(closed_order, agent):
    from ..selectors import todo_for

    visit = _due_today(open_visit(closed_order()))
    now = timezone.now()
    services.record_attempt(visit, actor=agent, reached=False, now=now)
    assert not todo_for(agent, now=now).exists()
    assert tasks.release_retries(now + timedelta(hours=5)) == 1
    assert list(todo_for(agent, now=now)) == [visit]
    assert Notification.objects.filter(recipient=agent, kind="follow_up_retry").count() == 1


def test_orders_of_types_without_follow_ups_pay_no_query_for_the_panel(client, agent, make_order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    order = make_order(type="inquiry", accept_now=True)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tickets:detail", args=[order.pk])).status_code == 200
    assert not [q for q in queries.captured_queries if "followups_" in q["sql"]]
