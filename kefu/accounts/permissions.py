"""What each role may do. One table, read by services, selectors, views and the API alike."""

from __future__ import annotations

import enum

from .models import Role


class Capability(enum.Enum):
    VIEW_ALL_SITE_ORDERS = "view_all_site_orders"  # beyond own department's orders
    WORK_ALL_SITE_ORDERS = "work_all_site_orders"  # act on any order of the site, not only those sent to one
    CREATE_WORK_ORDER = "create_work_order"
    ASSIGN_WORK_ORDER = "assign_work_order"
    REPLY_TO_CUSTOMER = "reply_to_customer"
    CLOSE_WORK_ORDER = "close_work_order"
    CANCEL_WORK_ORDER = "cancel_work_order"
    REOPEN_WORK_ORDER = "reopen_work_order"
    MANAGE_CUSTOMERS = "manage_customers"
    REVEAL_CUSTOMER_PHONE = "reveal_customer_phone"
    VIEW_STAFF_PHONE = "view_staff_phone"
    VIEW_TEAM_DASHBOARD = "view_team_dashboard"
    MANAGE_SLA = "manage_sla"  # response standards, service hours, holiday imports
    ESCALATE = "escalate"


C = Capability
_DESK = {
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
    C.ESCALATE,
}
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.AGENT: frozenset(_DESK),
    Role.SUPERVISOR: frozenset(_DESK | {C.VIEW_TEAM_DASHBOARD, C.VIEW_STAFF_PHONE}),
    Role.MANAGER: frozenset(_DESK | {C.VIEW_TEAM_DASHBOARD, C.VIEW_STAFF_PHONE, C.MANAGE_SLA}),
    # Department staff work the orders sent to them; they see customers masked and cannot reveal.
    Role.TECHNICIAN: frozenset({C.REPLY_TO_CUSTOMER, C.ESCALATE}),
    Role.FINANCE: frozenset({C.VIEW_ALL_SITE_ORDERS}),
    Role.ADMIN: frozenset(set(Capability)),
}


def has_capability(user, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not (user.is_active or user.is_system):
        return False
    if user.is_superuser or user.is_system:
        return True
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())
