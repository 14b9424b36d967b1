"""What each role may do: the capability table, and the services refusing everything outside it."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from kefu.accounts.models import Role
from kefu.accounts.permissions import ROLE_CAPABILITIES, Capability, has_capability
from kefu.accounts.selectors import staff_for, staff_phone_for
from kefu.accounts.services import SYSTEM_USERNAME, get_system_actor
from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.customers.services import create_customer
from kefu.tickets import services
from kefu.tickets.models import WorkOrder, WorkOrderEvent

C = Capability
DESK = {
    C.VIEW_ALL_SITE_ORDERS,
    C.WORK_ALL_SITE_ORDERS,
    C.CREATE_WORK_ORDER,
    C.ASSIGN_WORK_ORDER,
    C.REPLY_TO_CUSTOMER,
    C.CLOSE_WORK_ORDER,
    C.CANCEL_WORK_ORDER,
    C.REOPEN_WORK_ORDER,
    C.MANAGE_CUSTOMERS,
    C.REVEAL_CUSTOMER_PHONE,
}
# The work-order spine's capabilities, written out so that any change to them is a visible change to this test.
# Capabilities added by later apps (SLA, billing …) are pinned by those apps' own tests.
SPINE = DESK | {C.VIEW_STAFF_PHONE, C.VIEW_TEAM_DASHBOARD}
EXPECTED = {
    Role.AGENT: DESK,
    Role.SUPERVISOR: DESK | {C.VIEW_TEAM_DASHBOARD, C.VIEW_STAFF_PHONE},
    Role.MANAGER: DESK | {C.VIEW_TEAM_DASHBOARD, C.VIEW_STAFF_PHONE},
    Role.TECHNICIAN: {C.REPLY_TO_CUSTOMER},
    Role.FINANCE: {C.VIEW_ALL_SITE_ORDERS},
    Role.SHOP: set(),
    Role.ADMIN: SPINE,
}

# Who approves, decides, overrides and exports in the type workflows (complaints, after-sales, follow-ups).
WORKFLOW = {
    C.APPROVE_SOLUTION,
    C.CLOSE_UNRESOLVED,
    C.VIEW_COMPLAINT_LEDGER,
    C.DECIDE_SUGGESTION,
    C.OVERRIDE_WARRANTY,
    C.MANAGE_WARRANTY_RULES,
    C.APPROVE_REFUND,
    C.RECORD_CASHIER,
    C.DISPOSE_LOST_ITEM,
    C.PERFORM_FOLLOW_UP,
    C.MANAGE_FOLLOW_UP_RULES,
    C.MANAGE_SURVEYS,
    C.VIEW_SATISFACTION,
    C.EXPORT_CUSTOMERS,
    C.FLAG_KEY_CUSTOMER,
}
LEAD = {
    C.APPROVE_SOLUTION,
    C.VIEW_COMPLAINT_LEDGER,
    C.DECIDE_SUGGESTION,
    C.DISPOSE_LOST_ITEM,
    C.PERFORM_FOLLOW_UP,
    C.MANAGE_SURVEYS,
    C.VIEW_SATISFACTION,
    C.EXPORT_CUSTOMERS,
    C.FLAG_KEY_CUSTOMER,
}
EXPECTED_WORKFLOW = {
    Role.AGENT: {C.PERFORM_FOLLOW_UP},
    Role.SUPERVISOR: LEAD,
    Role.MANAGER: LEAD
    | {C.CLOSE_UNRESOLVED, C.OVERRIDE_WARRANTY, C.MANAGE_WARRANTY_RULES, C.APPROVE_REFUND, C.MANAGE_FOLLOW_UP_RULES},
    Role.TECHNICIAN: set(),
    Role.FINANCE: {C.RECORD_CASHIER},
    Role.SHOP: set(),
    Role.ADMIN: WORKFLOW,
}


def test_every_role_has_an_entry_in_the_table():
    assert set(ROLE_CAPABILITIES) == set(Role) == set(EXPECTED)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_has_exactly_its_capabilities(site, role):
    user = make_staff(f"u-{role}", role, sites=[site])
    assert {c for c in SPINE if has_capability(user, c)} == EXPECTED[role]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_only_leads_approve_and_only_managers_override_in_the_workflows(site, role):
    user = make_staff(f"w-{role}", role, sites=[site])
    assert {c for c in WORKFLOW if has_capability(user, c)} == EXPECTED_WORKFLOW[role]


def test_an_inactive_user_has_no_capabilities(site):
    user = make_staff("gone", "manager", sites=[site], is_active=False)
    assert not any(has_capability(user, c) for c in Capability)
    root = make_staff("gone-root", "admin", is_superuser=True, is_active=False)
    assert not any(has_capability(root, c) for c in Capability)


def test_anonymous_has_no_capabilities():
    assert not any(has_capability(AnonymousUser(), c) for c in Capability)


def test_admins_and_superusers_of_any_role_have_every_capability(site):
    admin = make_staff("admin", "admin", sites=[site])
    root = make_staff("root", "agent", is_superuser=True)
    assert all(has_capability(u, c) for u in (admin, root) for c in Capability)


def test_an_inactive_agent_cannot_create_or_act(site, agent, make_order):
    order = make_order()
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(ServiceError) as exc:
        services.create_work_order(actor=agent, site_id=site.id, type="inquiry", channel="phone", subject="咨询")
    assert exc.value.code == "permission_denied"
    for call in (
        lambda: services.close_work_order(order, actor=agent, customer_response="x"),
        lambda: services.cancel_work_order(order, actor=agent, reason="x"),
        lambda: services.start_work_order(order, actor=agent),
    ):
        with pytest.raises(ServiceError):
            call()
    assert WorkOrder.objects.count() == 1 and WorkOrderEvent.objects.count() == 1


@pytest.fixture
def engineering_order(make_order, agent, engineering):
    order = make_order(accept_now=True)
    return services.transfer_work_order(order, actor=agent, reason="报修", department_id=engineering.id)


def _resolved(order, technician):
    order = services.start_work_order(order, actor=technician)
    return services.resolve_work_order(order, actor=technician, resolution="已修复")


def test_a_technician_works_the_orders_sent_to_his_department(engineering_order, technician):
    order = _resolved(engineering_order, technician)
    assert WorkOrder.objects.get(pk=order.pk).status == "resolved"
    services.reply_to_customer(order, actor=technician, body="已修好,请查看")


@pytest.mark.parametrize("action", ["close", "cancel", "assign", "reopen"])
def test_a_technician_cannot_close_cancel_assign_or_reopen(engineering_order, technician, action):
    order = engineering_order
    if action in ("close", "reopen"):
        order = _resolved(order, technician)
    if action == "reopen":
        order = services.close_work_order(
            order, actor=make_staff("desk", "agent", sites=[order.site]), customer_response="已告知"
        )
    calls = {
        "close": lambda: services.close_work_order(order, actor=technician, customer_response="已告知客户"),
        "cancel": lambda: services.cancel_work_order(order, actor=technician, reason="不想修"),
        "assign": lambda: services.assign_work_order(order, actor=technician, assignee_id=technician.id),
        "reopen": lambda: services.reopen_work_order(order, actor=technician, reason="再看看"),
    }
    before = (WorkOrder.objects.get(pk=order.pk).version, WorkOrderEvent.objects.count())
    with pytest.raises(ServiceError) as exc:
        calls[action]()
    assert (exc.value.code, exc.value.status) == ("permission_denied", 403)
    assert (WorkOrder.objects.get(pk=order.pk).version, WorkOrderEvent.objects.count()) == before


def test_a_technician_cannot_touch_an_order_not_sent_to_him(make_order, technician):
    order = make_order()
    with pytest.raises(ServiceError) as exc:
        services.start_work_order(
            services.accept_work_order(order, actor=make_staff("d2", "agent", sites=[order.site])), actor=technician
        )
    assert exc.value.code == "not_your_order"


def test_a_technician_cannot_create_orders_or_customers(site, technician):
    with pytest.raises(ServiceError):
        services.create_work_order(actor=technician, site_id=site.id, type="inquiry", channel="phone", subject="x")
    with pytest.raises(ServiceError):
        create_customer(actor=technician, site_id=site.id, name="x", phones=["13812345678"])


# --- staff phone numbers: dialled on the colleague's behalf ------------------------------------------------


@pytest.fixture
def colleague(site, engineering):
    return make_staff("plumber", "technician", sites=[site], departments=[engineering], phone="13600001111")


def test_an_agent_never_gets_a_colleagues_phone(agent, colleague):
    assert staff_phone_for(agent, colleague) is None
    listed = staff_for(agent).get(pk=colleague.pk)
    assert "phone" in listed.get_deferred_fields()


@pytest.mark.parametrize("role", ["technician", "finance"])
def test_other_non_supervisory_roles_do_not_get_it_either(site, colleague, role):
    assert staff_phone_for(make_staff(f"{role}-p", role, sites=[site]), colleague) is None


@pytest.mark.parametrize("fixture", ["supervisor", "manager"])
def test_supervisors_and_managers_see_staff_phones(request, colleague, fixture):
    boss = request.getfixturevalue(fixture)
    assert staff_phone_for(boss, colleague) == "13600001111"
    assert "phone" not in staff_for(boss).get(pk=colleague.pk).get_deferred_fields()


# --- the system actor ------------------------------------------------------------------------------------


def test_the_system_actor_acts_everywhere(site, other_site, customer):
    system = get_system_actor()
    assert all(has_capability(system, c) for c in Capability)
    for s in (site, other_site):
        order = services.create_work_order(
            actor=system, site_id=s.id, type="inquiry", channel="web_form", subject="自动"
        )
        assert WorkOrderEvent.objects.get(work_order=order).actor == system


def test_the_system_actor_is_one_row_and_cannot_log_in(db):
    system = get_system_actor()
    assert get_system_actor().pk == system.pk
    assert (system.username, system.is_system, system.is_active, system.has_usable_password()) == (
        SYSTEM_USERNAME,
        True,
        False,
        False,
    )
    for password in ("!", "", "system", "pass-1234"):
        assert authenticate(username=SYSTEM_USERNAME, password=password) is None
        assert Client().login(username=SYSTEM_USERNAME, password=password) is False


def test_the_system_actor_is_hidden_from_staff_lists_and_cannot_be_assigned(make_order, supervisor):
    system = get_system_actor()
    assert not staff_for(supervisor).filter(pk=system.pk).exists()
    with pytest.raises(ServiceError):
        services.assign_work_order(make_order(), actor=supervisor, assignee_id=system.id)
