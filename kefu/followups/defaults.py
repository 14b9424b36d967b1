"""Shipped defaults, created on demand the first time a site needs them (an edit then replaces them)."""

from __future__ import annotations

from .models import Method, OnDissatisfied

# Per order type: after how long, how, and what a dissatisfied customer triggers (《回访工作规程》 defaults).
RULES = {
    # An unhappy complainant means the complaint is not settled: it goes back to handling.
    "complaint": {"delay_hours": 24, "method": Method.PHONE, "on_dissatisfied": OnDissatisfied.REOPEN},
    # A repair that did not hold is redone (000: 对报修服务进行电话或上门回访).
    "repair": {"delay_hours": 24, "method": Method.PHONE, "on_dissatisfied": OnDissatisfied.REOPEN},
    "after_sales": {"delay_hours": 48, "method": Method.PHONE, "on_dissatisfied": OnDissatisfied.COMPLAINT},
    # Paid special services: dissatisfaction with a paid job is handled as a complaint.
    "special_service": {"delay_hours": 24, "method": Method.PHONE, "on_dissatisfied": OnDissatisfied.COMPLAINT},
}

# Seed 001 VIP客户管理: 客户等级的划分, 回访方式, 回访过程中要求.
TIERS = {
    "A": {
        "criteria": "政府单位、2万吨以上规模或具品牌推广度的客户",
        "account_manager_per_month": 2,
        "department_manager_per_month": 1,
        "leadership_every_months": 3,
        "company_head_per_year": 1,
        "holiday_visits": True,
        "information_items": ["policy_notice", "company_news", "newsletter", "policy_lecture"],
    },
    "B": {
        "criteria": "具有二次开发潜力、1-2万吨的规模",
        "account_manager_per_month": 2,
        "department_manager_per_month": 1,
        "leadership_every_months": 3,
        "company_head_per_year": 0,
        "holiday_visits": True,
        "information_items": ["policy_notice", "company_news", "newsletter"],
    },
    "C": {
        "criteria": "企业一般客户",
        "account_manager_per_month": 2,
        "department_manager_per_month": 1,
        "leadership_every_months": 0,
        "company_head_per_year": 0,
        "holiday_visits": True,
        "information_items": ["policy_notice", "company_news", "newsletter"],
    },
}

# How each plan role usually visits: the desk calls, leaders call on the customer (拜访).
ROLE_METHODS = {
    "account_manager": Method.PHONE,
    "department_manager": Method.PHONE,
    "leadership": Method.ON_SITE,
    "company_head": Method.ON_SITE,
}
