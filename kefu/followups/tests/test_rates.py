"""FU-06 回访率 per agent as a selector (the appraisal reads it): visits done / visits due in the period."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

import pytest

from kefu.customers.services import update_customer

from .. import plan_services, selectors
from ..models import FollowUp, Occasion, VisitStatus
from ..services import record_attempt
from .conftest import AM, DM

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JANUARY = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}


@pytest.fixture
def january(site, manager, agent, enterprises, roles, frozen):
    """A tier-A plan; on Jan 20 the agent has done the first account-manager visit, the second is still open."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (a,) = enterprises("A")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    frozen(datetime(2026, 1, 20, 9, 0, tzinfo=SHANGHAI))
    first = FollowUp.objects.get(customer=a, role=AM, occasion=Occasion.REGULAR, planned_on=date(2026, 1, 1))
    record_attempt(first, actor=agent, reached=True, satisfaction="satisfied", score=5)
    return a


def _rows(actor, **kw):
    return [(r["assignee_id"], r["due"], r["done"], r["rate"]) for r in selectors.revisit_rate(actor, **JANUARY, **kw)]


def test_revisit_rate_per_agent_is_done_over_due_in_the_period(january, manager, roles):
    # January: the account manager owes 2 (done 1), the department manager 1 (done 0); the quarter's leader
    # visit and the Spring Festival greeting fall due later and do not count yet.
    assert _rows(manager) == sorted([(roles[AM].pk, 2, 1, 0.5), (roles[DM].pk, 1, 0, 0.0)])


def test_cancelled_visits_do_not_count_in_the_revisit_rate(january, manager, roles):
    update_customer(january, actor=manager, changes={"tier": "C"})  # the open Jan 16–31 visit is replaced
    assert FollowUp.objects.filter(customer=january, status=VisitStatus.CANCELLED, due_on__month=1).count() == 2
    assert _rows(manager) == sorted([(roles[AM].pk, 2, 1, 0.5), (roles[DM].pk, 1, 0, 0.0)])


def test_an_agent_sees_only_their_own_revisit_rate(january, roles):
    agent = roles[AM]
    assert _rows(agent) == [(agent.pk, 2, 1, 0.5)]
    assert _rows(agent, assignee_id=roles[DM].pk) == [(agent.pk, 2, 1, 0.5)]


def test_revisit_rate_of_a_period_with_nothing_due_is_empty(manager, roles):
    assert selectors.revisit_rate(manager, **JANUARY) == []


def _table(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_overdue_page_shows_role_labels_and_count_headers(january, manager, roles):
    from django.test import Client

    client = Client()
    client.force_login(manager)
    page = client.get("/followups/overdue/").content.decode()
    plans = _table(page, "plan-completion")
    # January's tier-A plan: the account manager owes 2 visits (1 done), the department manager 1.
    assert "客户经理" in plans and "部门经理" in plans
    assert "account_manager" not in plans and "department_manager" not in plans
    # The columns hold numbers of visits, not a deadline.
    for testid in ("plan-completion", "revisit-rate"):
        table = _table(page, testid)
        assert "截止时间" not in table and "应回访数" in table and "已完成数" in table


def test_every_plan_role_has_a_chinese_label_on_the_page():
    import re

    from django.utils import translation

    from ..models import PlanRole
    from ..views import _with_role_labels

    rows = [{"tier": "A", "role": role, "due": 1, "done": 0, "overdue": 0, "rate": 0.0} for role in PlanRole.values]
    with translation.override("zh-hans"):
        for row in _with_role_labels(rows):
            label = str(row["role_label"])
            assert label != row["role"] and re.search(r"[\u4e00-\u9fff]", label), row
