"""The demo gives warranty rules at every demo site and after-sales cases at several stages."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.aftersales.models import AfterSalesCase, ReturnRequest, WarrantyRule
from kefu.tickets.demo import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(now=timezone.now(), orders=60, customers=20)
        transaction.set_rollback(True)


def test_demo_rules_and_cases(demo, db):
    assert set(WarrantyRule.objects.filter(site__code="SC").values_list("category", flat=True)) >= {
        "家电",
        "手机数码",
        "服装鞋帽",
    }
    assert WarrantyRule.objects.values("site").distinct().count() == 3
    stages = set(AfterSalesCase.objects.values_list("stage", flat=True))
    assert {"decided", "repairing", "returning"} <= stages
    assert set(AfterSalesCase.objects.values_list("decided_eligibility", flat=True)) >= {
        "in_warranty",
        "out_of_warranty",
    }
    assert ReturnRequest.objects.get().status == "awaiting_shop"
