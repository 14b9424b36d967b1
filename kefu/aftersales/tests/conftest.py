"""After-sales fixtures: a warranty rule, a shop user, an intake helper (all through the real services)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import make_user
from kefu.accounts.models import Role
from kefu.aftersales import rule_services, services, warranty


@pytest.fixture
def rule(site, manager):
    return rule_services.create_warranty_rule(
        actor=manager,
        site_id=site.id,
        category="家电",
        warranty_days=365,
        covered="整机性能故障",
        exclusions="人为损坏\n进水受潮",
        allow_exchange=True,
        allow_refund=True,
        return_days=7,
        exchange_days=15,
    )


@pytest.fixture
def shop_user(site, shop):
    return make_user(Role.SHOP, sites=[site], shop=shop, username="shopper")


@pytest.fixture
def today(site):
    from django.utils import timezone

    return warranty.local_date(timezone.now(), site.time_zone)


@pytest.fixture
def make_case(site, agent, customer, rule, today):
    def _make(*, age_days=30, actor=None, **kw):
        params = dict(
            actor=actor or agent,
            site_id=site.id,
            rule_id=rule.id,
            customer_id=customer.id,
            product_name="美的空调",
            model="KFR-35GW",
            serial_number="MD001",
            purchased_on=today - timedelta(days=age_days),
            purchase_place="锦华广场",
            order_number="XP001",
            receipt_present=True,
            problem="不制冷",
        )
        params.update(kw)
        return services.create_after_sales_case(**params)

    return _make
