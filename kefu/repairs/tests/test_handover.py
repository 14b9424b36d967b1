"""selectors.handover_repairs: what the shift hands over about repairs (REP-04, WO-11)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.repairs import fieldwork, selectors

from .conftest import later

pytestmark = pytest.mark.django_db


def test_handover_lists_open_repairs_and_fees_recorded_in_the_shift(make_repair, technician, agent, site):
    shift_start = timezone.now() - timedelta(seconds=1)
    waiting = make_repair(fault="楼道灯不亮")
    cash = fieldwork.record_arrival(fieldwork.accept_repair(make_repair(), actor=technician), actor=technician)
    fieldwork.record_fee(cash, actor=technician, chargeable=True, amount="60", settlement="cash", receipt_number="R1")
    monthly = fieldwork.record_arrival(fieldwork.accept_repair(make_repair(), actor=technician), actor=technician)
    fieldwork.record_fee(monthly, actor=technician, chargeable=True, amount="120.50", settlement="monthly")
    free = fieldwork.record_arrival(fieldwork.accept_repair(make_repair(), actor=technician), actor=technician)
    fieldwork.record_fee(free, actor=technician, chargeable=False)
    fieldwork.complete_repair(free, actor=technician, work_done="紧固", result="正常")
    fieldwork.confirm_by_customer(free, actor=technician, name="张伟", confirmed_at=later(0))

    report = selectors.handover_repairs(agent, site, shift_start)
    assert {s.pk for s in report.open_sheets} == {waiting.pk, cash.pk, monthly.pk}  # the resolved one is done
    assert [s.pk for s in report.fees] == [cash.pk, monthly.pk]  # free repairs carry no fee
    assert report.fee_total == Decimal("180.50")
    assert report.collected_total == Decimal("60.00")  # cash in hand; the monthly bill is collected later

    next_shift = selectors.handover_repairs(agent, site, later(1))
    assert next_shift.fees == [] and len(next_shift.open_sheets) == 3


def test_handover_of_another_site_is_not_found(make_repair, outsider, site):
    make_repair()
    with pytest.raises(ServiceError) as exc:
        selectors.handover_repairs(outsider, site, timezone.now() - timedelta(hours=8))
    assert exc.value.status == 404
