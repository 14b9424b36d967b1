"""The demo loader leaves repairs at WY and SC at every stage, built with the real services."""

from __future__ import annotations

import pytest

from kefu.repairs.models import RepairSheet
from kefu.tickets.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_repairs_at_every_stage_at_property_and_mall():
    load_demo(orders=20, customers=40)
    stages = {}
    for sheet in RepairSheet.objects.select_related("site", "work_order"):
        stages.setdefault(sheet.site.code, set()).add(sheet.stage)
    assert stages["WY"] == {"dispatched", "accepted", "on_site", "completed", "confirmed"}
    assert stages["SC"] == {"dispatched", "accepted", "on_site", "completed"}
    confirmed = RepairSheet.objects.get(site__code="WY", confirmed_at__isnull=False)
    assert confirmed.work_order.status == "resolved" and confirmed.fee_amount is not None
