"""Demo follow-ups (hook DEMO_DATA_LOADED): revisit roles, a few visits due today for agent1, one done, one overdue,
and the tier plans of the current and next year for the enterprise customers. Small and fast, same transaction."""

from __future__ import annotations

from datetime import timedelta

from kefu.tickets.models import WorkOrder

from . import plan_services, services
from .models import FollowUp, PlanRole


def _site_roles(site, users, actor):
    for role, username in (
        (PlanRole.ACCOUNT_MANAGER, "agent1"),
        (PlanRole.DEPARTMENT_MANAGER, "supervisor"),
        (PlanRole.LEADERSHIP, "manager"),
        (PlanRole.COMPANY_HEAD, "admin"),
    ):
        if username in users and users[username].sites.filter(pk=site.pk).exists():
            plan_services.assign_role(site, role, actor=actor, user_id=users[username].pk)


def load(*, sites, users, rng, now, **_):
    admin, agent1 = users.get("admin"), users.get("agent1")
    mall = sites.get("SC")
    if admin is None or agent1 is None or mall is None:
        return
    _site_roles(mall, users, admin)
    today = services.local_date(mall, now)
    closed = list(
        WorkOrder.objects.filter(site=mall, status="closed", type__in=["repair", "complaint", "special_service"])
        .exclude(customer=None)
        .order_by("-closed_at")[:5]
    )
    visits = [v for v in (services.schedule_after_close(o, actor=agent1, now=now) for o in closed) if v]
    # Demo orders were loaded in bulk, so their visits are made here and handed to agent1 for today.
    FollowUp.objects.filter(pk__in=[v.pk for v in visits]).update(assignee=agent1, planned_on=today, due_on=today)
    if len(visits) >= 5:
        FollowUp.objects.filter(pk=visits[3].pk).update(
            planned_on=today - timedelta(days=5), due_on=today - timedelta(days=3)
        )
        done = FollowUp.objects.get(pk=visits[4].pk)
        services.record_attempt(
            done,
            actor=agent1,
            reached=True,
            method="phone",
            satisfaction="satisfied",
            score=5,
            comments="处理及时，师傅很专业，满意。",
            suggestions="希望上门前提前半小时电话告知。",
            now=now,
        )
    for year in (today.year, today.year + 1):
        for site in sites.values():
            plan_services.generate_revisit_plans(site.id, actor=admin, year=year, now=now)
