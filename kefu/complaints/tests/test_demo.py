"""The demo gives complaints at every stage of the workflow, each with the history the services write."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.complaints.models import Complaint, CoordinationTask, Proposal
from kefu.tickets.demo import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(now=timezone.now(), orders=60, customers=40)
        transaction.set_rollback(True)


def _stage(c: Complaint) -> str:
    order = c.work_order
    if order.status == "closed":
        return "closed_unresolved" if c.outcome == "unresolved" else "closed"
    if c.path == "on_the_spot":
        return "on_the_spot"
    proposals = [p for p in c.proposals.all() if p.round == c.round]
    if c.round > 1:
        return "rejected_replanning"
    if any(p.replied_at for p in proposals):
        return "replied"
    if any(p.status == "approved" for p in proposals):
        return "awaiting_shop"
    if len(proposals) >= 2:
        return "awaiting_approval"
    return "investigating"


def test_demo_complaints_cover_every_stage(demo, db):
    # The eight driven through the services have a history; the spine's generated ones are backfilled.
    curated = Complaint.objects.filter(events__isnull=False).distinct()
    complaints = list(curated.select_related("work_order").prefetch_related("proposals"))
    assert len(complaints) == 8
    stages = {_stage(c) for c in complaints}
    assert stages == {
        "on_the_spot", "closed", "closed_unresolved", "investigating", "awaiting_approval", "awaiting_shop",
        "rejected_replanning",
    }  # fmt: skip
    closed = [c for c in complaints if c.work_order.status == "closed"]
    assert len(closed) == 3 and all(c.root_cause and c.preventive_measure for c in closed)
    assert CoordinationTask.objects.filter(status="responded").exists()
    assert CoordinationTask.objects.filter(status="open", shop__isnull=False).exists()
    assert Proposal.objects.filter(status="rejected").exists()
    assert Proposal.objects.filter(shop_confirmations__isnull=False).exists()
    for c in complaints:
        assert c.events.first().event_type == "registered"


def test_every_generated_complaint_order_has_a_case_file_matching_its_status(demo, db):
    from kefu.tickets.models import WorkOrder

    orders = WorkOrder.objects.filter(type="complaint")
    assert orders.count() > 8 and not orders.filter(complaint__isnull=True).exists()
    generated = Complaint.objects.filter(events__isnull=True).select_related("work_order")
    assert generated.exists()
    for c in generated:
        status = c.work_order.status
        if status in ("resolved", "closed"):
            assert c.path == "on_the_spot" and c.outcome == "accepted" and c.on_spot_resolution
        elif status != "cancelled":
            assert c.path == "investigation" and c.outcome == "" and c.promised_reply_at is not None
        assert (status == "closed") == bool(c.root_cause and c.preventive_measure)
