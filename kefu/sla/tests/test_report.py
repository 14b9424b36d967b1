from datetime import timedelta

from django.utils import timezone

from kefu.sla.selectors import breaches_for, compliance_report
from kefu.sla.tasks import scan_deadlines
from kefu.tickets import services as wo


def test_compliance_counts_met_and_breached_per_metric(duty_site, make_order, agent):
    met = make_order(type="repair", accept_now=True)
    wo.reply_to_customer(met, actor=agent, body="马上安排")
    late = make_order(type="repair", accept_now=True)
    scan_deadlines(now=late.created_at + timedelta(minutes=31))
    now = timezone.now()
    rows = compliance_report(agent, start=now - timedelta(days=1), end=now + timedelta(days=1), group_by="type")
    first = next(r for r in rows if r["metric"] == "first_response")
    assert (first["met"], first["breached"], first["compliance"]) == (1, 1, 50.0)
    assert [
        c.work_order_id for c in breaches_for(agent, start=now - timedelta(days=1), end=now + timedelta(days=2))
    ] == [late.id]


def test_report_is_scoped_to_the_actors_sites(duty_site, make_order, outsider):
    make_order(type="repair", accept_now=True)
    now = timezone.now()
    assert compliance_report(outsider, start=now - timedelta(days=1), end=now + timedelta(days=1)) == []
