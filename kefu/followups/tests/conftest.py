from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.complaints import services as complaints
from kefu.customers.services import create_customer
from kefu.tickets import services as tickets

from .. import plan_services
from ..models import FollowUp, PlanRole, VisitStatus

AM, DM, LEAD, HEAD = PlanRole.ACCOUNT_MANAGER, PlanRole.DEPARTMENT_MANAGER, PlanRole.LEADERSHIP, PlanRole.COMPANY_HEAD


@pytest.fixture
def closed_order(make_order, agent, technician, engineering, site, customer):
    """A repair taken by the agent, fixed by the technician and closed by the agent (the usual path)."""

    def _make(type="repair", **kw):
        if type == "complaint":
            return _closed_complaint(agent, kw.get("customer") or customer)
        order = make_order(type=type, accept_now=True, **kw)
        order = tickets.transfer_work_order(order, actor=agent, reason="需要工程部上门", department_id=engineering.id)
        order = tickets.start_work_order(order, actor=technician)
        order = tickets.resolve_work_order(order, actor=technician, resolution="已更换阀芯，测试正常。")
        return tickets.close_work_order(order, actor=agent, customer_response="已回电告知客户，已修好。")

    return _make


def _closed_complaint(agent, customer):
    """A complaint goes its own way (case file, resolution accepted, root cause) before its order closes."""
    complaint = complaints.register_complaint(
        actor=agent,
        site_id=customer.site_id,
        customer_id=customer.id,
        channel="phone",
        subject="收银员态度差",
        product="收银服务",
        category="服务态度",
        demand="要求道歉",
        complainant_name=customer.name,
        contact="13812345678",
        apology_note="已当面致歉。",
    )
    complaint = complaints.resolve_on_the_spot(
        complaint, actor=agent, resolution="值班经理当面道歉", customer_accepted=True
    )
    complaint = complaints.close_complaint(
        complaint, actor=agent, root_cause="收银员情绪失控", preventive_measure="收银班组服务礼仪培训"
    )
    return complaint.work_order


@pytest.fixture
def frozen(monkeypatch):
    """Freeze django.utils.timezone.now (the services read the clock only through it)."""

    def _freeze(at: datetime):
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return _freeze


def open_visit(order) -> FollowUp:
    return FollowUp.objects.get(work_order=order, status=VisitStatus.OPEN)


def later(hours: float):
    return timezone.now() + timedelta(hours=hours)


@pytest.fixture
def enterprises(site, agent):
    def _make(*tiers):
        return [
            create_customer(
                actor=agent,
                site_id=site.id,
                name=f"华润水泥{i}",
                phones=[f"0755-8888{i:04d}"],
                kind="enterprise",
                tier=t,
            )
            for i, t in enumerate(tiers)
        ]

    return _make


@pytest.fixture
def roles(site, agent, supervisor, manager):
    from conftest import make_user

    head = make_user("manager", sites=[site], display_name="总裁")
    for role, user in ((AM, agent), (DM, supervisor), (LEAD, manager), (HEAD, head)):
        plan_services.assign_role(site, role, actor=manager, user_id=user.id)
    return {AM: agent, DM: supervisor, LEAD: manager, HEAD: head}
