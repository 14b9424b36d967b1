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
    # Complaints and suggestions
    APPROVE_SOLUTION = "approve_solution"  # approve a complaint's proposal, and compensation
    CLOSE_UNRESOLVED = "close_unresolved"  # close a complaint the customer never accepted
    VIEW_COMPLAINT_LEDGER = "view_complaint_ledger"
    DECIDE_SUGGESTION = "decide_suggestion"  # feasibility conclusion and adopt / reject
    # Repairs, after-sales, lost & found
    OVERRIDE_WARRANTY = "override_warranty"
    MANAGE_WARRANTY_RULES = "manage_warranty_rules"
    APPROVE_REFUND = "approve_refund"
    RECORD_CASHIER = "record_cashier"  # the cashier step of a return or refund
    DISPOSE_LOST_ITEM = "dispose_lost_item"
    # Follow-ups, tiers, surveys, archive
    PERFORM_FOLLOW_UP = "perform_follow_up"
    MANAGE_FOLLOW_UP_RULES = "manage_follow_up_rules"  # delays, methods, tier definitions and plans
    MANAGE_SURVEYS = "manage_surveys"
    VIEW_SATISFACTION = "view_satisfaction"  # CSAT and revisit-rate reports
    EXPORT_CUSTOMERS = "export_customers"
    FLAG_KEY_CUSTOMER = "flag_key_customer"  # a person flags or unflags 重点客户; the complaints rule acts as system


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
    C.PERFORM_FOLLOW_UP,
}
_LEAD = {
    C.VIEW_TEAM_DASHBOARD,
    C.VIEW_STAFF_PHONE,
    C.APPROVE_SOLUTION,
    C.VIEW_COMPLAINT_LEDGER,
    C.DECIDE_SUGGESTION,
    C.DISPOSE_LOST_ITEM,
    C.MANAGE_SURVEYS,
    C.VIEW_SATISFACTION,
    C.EXPORT_CUSTOMERS,
    C.FLAG_KEY_CUSTOMER,
}
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.AGENT: frozenset(_DESK),
    Role.SUPERVISOR: frozenset(_DESK | _LEAD),
    Role.MANAGER: frozenset(
        _DESK
        | _LEAD
        | {
            C.MANAGE_SLA,
            C.CLOSE_UNRESOLVED,
            C.OVERRIDE_WARRANTY,
            C.MANAGE_WARRANTY_RULES,
            C.APPROVE_REFUND,
            C.MANAGE_FOLLOW_UP_RULES,
        }
    ),
    # Department staff work the orders sent to them; they see customers masked and cannot reveal.
    Role.TECHNICIAN: frozenset({C.REPLY_TO_CUSTOMER, C.ESCALATE}),
    Role.FINANCE: frozenset({C.VIEW_ALL_SITE_ORDERS, C.RECORD_CASHIER}),
    # Shop staff see no work-order queue; the complaint and after-sales apps show them their own tasks.
    Role.SHOP: frozenset(),
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
