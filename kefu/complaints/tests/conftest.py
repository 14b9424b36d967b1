from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from kefu.accounts.models import Role
from kefu.complaints import services, solution_services


def intake_data(site, customer, **kw) -> dict:
    data = dict(
        site_id=site.id,
        customer_id=customer.id,
        channel="phone",
        subject="衬衫洗后严重缩水",
        description="顾客上周在优品服饰购买的衬衫,第一次水洗后缩了两个码。",
        product="男士纯棉衬衫",
        category="商品质量",
        demand="要求退货退款",
        complainant_name="张伟",
        contact="13812345678",
        apology_note="已向顾客致歉,表示理解其不满。",
        staff_involved="",
    )
    data.update(kw)
    return data


@pytest.fixture
def register(site, agent, customer):
    def _register(actor=None, **kw):
        return services.register_complaint(actor=actor or agent, **intake_data(site, customer, **kw))

    return _register


@pytest.fixture
def shop_user(site, shop):
    return make_user(Role.SHOP, sites=[site], shop=shop, username="shopper", display_name="钱芳")


@pytest.fixture
def soon():
    return timezone.now() + timedelta(hours=4)


@pytest.fixture
def investigating(register, agent, shop, soon):
    """A complaint about a shop on the investigation path."""
    complaint = register(shop_id=shop.id)
    return services.start_investigation(
        complaint, actor=agent, promised_reply_at=soon, told_customer="告知顾客今天下班前答复。"
    )


@pytest.fixture
def two_proposals(investigating, agent):
    a = solution_services.propose_solution(investigating, actor=agent, text="全额退款")
    b = solution_services.propose_solution(investigating, actor=agent, text="换一件大一码的同款并赠送洗衣袋")
    return a, b


@pytest.fixture
def ready_to_reply(investigating, two_proposals, supervisor, shop_user):
    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    solution_services.confirm_by_shop(a, actor=shop_user)
    return investigating
