"""The demo loader leaves lost & found at the mall at every stage, built with the real services."""

from __future__ import annotations

import pytest

from kefu.lostfound.models import FoundItem, LostFoundEvent, LostPersonReport
from kefu.tickets.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_found_items_a_loss_report_and_a_resolved_lost_child():
    load_demo(orders=20, customers=40)
    items = {i.what: i for i in FoundItem.objects.filter(site__code="SC").select_related("work_order")}
    assert {i.status for i in items.values()} == {"claimed", "in_custody", "flagged"}

    wallet = items["黑色皮质钱包"]
    assert wallet.claim.id_type == "resident_id" and wallet.claim.id_number_masked == "****0426"
    assert wallet.claim.signature_name == wallet.claim.claimant_name == wallet.current_holder

    umbrella = items["蓝色折叠伞"]
    chain = list(umbrella.handovers.order_by("sequence"))
    assert len(chain) == 3 and chain[0].from_holder == umbrella.finder_name  # registration + two handovers
    assert all(b.from_holder == a.to_holder for a, b in zip(chain, chain[1:], strict=False))
    assert umbrella.current_holder == chain[-1].to_holder == "保安部夜班值班室"
    # The owner's loss report is open and matched to the umbrella.
    assert umbrella.work_order.type == "lost_found" and umbrella.work_order.status == "accepted"

    phone = items["白色手机"]
    assert phone.status == "flagged" and phone.events.filter(event_type="item_flagged_for_disposal").count() == 1

    report = LostPersonReport.objects.select_related("work_order").get(work_order__site__code="SC")
    assert report.work_order.priority == 1 and report.work_order.status == "resolved"
    assert report.found_at is not None and report.outcome == "guardian" and report.broadcasts.count() == 2
    assert list(LostFoundEvent.objects.filter(work_order=report.work_order).values_list("event_type", flat=True)) == [
        "person_reported",
        "broadcast_recorded",
        "broadcast_recorded",
        "person_found",
    ]
