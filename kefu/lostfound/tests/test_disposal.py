"""Unclaimed items: flagged after the site's N days by the scheduled job, disposed of only by a lead's decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.models import Notification
from kefu.core.scheduler import jobs
from kefu.lostfound import disposal_services, services
from kefu.lostfound.models import DisposalRecord, FoundItem, LostFoundEvent, LostFoundPolicy
from kefu.lostfound.tasks import flag_overdue_items

pytestmark = pytest.mark.django_db


def test_unclaimed_after_n_days_flagged_for_disposal(register, site, supervisor):
    # A frozen clock: the job is run "at" given instants instead of waiting real days.
    t0 = timezone.now() - timedelta(days=60)
    item = register(found_at=t0)
    assert item.disposal_due_at == t0 + timedelta(days=30)  # the default deadline

    assert flag_overdue_items(now=t0 + timedelta(days=30) - timedelta(seconds=1)) == {"flagged": 0}
    item.refresh_from_db()
    assert item.status == "in_custody"

    assert flag_overdue_items(now=t0 + timedelta(days=30)) == {"flagged": 1}
    item.refresh_from_db()
    assert item.status == "flagged" and item.flagged_at == t0 + timedelta(days=30)
    assert Notification.objects.filter(recipient=supervisor, kind="lostfound_flagged").count() == 1
    # Idempotent: a second run (or a second scheduler) changes nothing and notifies nobody again.
    assert flag_overdue_items(now=t0 + timedelta(days=31)) == {"flagged": 0}
    assert item.events.filter(event_type="item_flagged_for_disposal").count() == 1
    assert Notification.objects.filter(kind="lostfound_flagged").count() == 1


def test_unclaimed_days_are_configurable_per_site(register, site, other_site, supervisor, agent):
    with pytest.raises(ServiceError) as exc:
        disposal_services.set_unclaimed_days(actor=agent, site_id=site.id, days=7)
    assert exc.value.code == "permission_denied"
    for bad in (0, 3651, "7", None, True):
        with pytest.raises(ServiceError) as exc:
            disposal_services.set_unclaimed_days(actor=supervisor, site_id=site.id, days=bad)
        assert exc.value.code == "days_range"
    with pytest.raises(ServiceError) as exc:
        disposal_services.set_unclaimed_days(actor=supervisor, site_id=other_site.id, days=7)
    assert exc.value.code == "not_found"
    assert not LostFoundPolicy.objects.exists()

    disposal_services.set_unclaimed_days(actor=supervisor, site_id=site.id, days=7)
    t0 = timezone.now() - timedelta(days=10)
    item = register(found_at=t0)
    assert item.disposal_due_at == t0 + timedelta(days=7)
    assert flag_overdue_items(now=t0 + timedelta(days=7)) == {"flagged": 1}
    assert LostFoundEvent.objects.filter(event_type="policy_changed", site=site).count() == 1


def test_the_flagging_job_is_registered():
    assert "lostfound_flag_overdue" in {j.name for j in jobs()}


@pytest.fixture
def flagged(register):
    t0 = timezone.now() - timedelta(days=40)
    item = register(found_at=t0)
    flag_overdue_items(now=timezone.now())
    item.refresh_from_db()
    assert item.status == "flagged"
    return item


def test_disposal_needs_decision_and_permission(flagged, agent, supervisor, outsider):
    # The desk may not decide; another site's lead does not even see the item.
    with pytest.raises(ServiceError) as exc:
        disposal_services.decide_disposal(
            flagged, actor=agent, decision="donate", reason="无人认领", recipient="慈善会"
        )
    assert exc.value.code == "permission_denied"
    for kw, code in [
        (dict(decision="", reason="超期"), "decision_required"),
        (dict(decision="sell", reason="超期"), "invalid_input"),
        (dict(decision="destroy", reason=""), "reason_required"),
        (dict(decision="police", reason="贵重物品"), "recipient_required"),
    ]:
        with pytest.raises(ServiceError) as exc:
            disposal_services.decide_disposal(flagged, actor=supervisor, **kw)
        assert exc.value.code == code, kw
    assert not DisposalRecord.objects.exists()
    flagged.refresh_from_db()
    assert flagged.status == "flagged"

    record = disposal_services.decide_disposal(
        flagged, actor=supervisor, decision="police", reason="内有证件，按规定上交", recipient="锦华路派出所"
    )
    flagged.refresh_from_db()
    assert flagged.status == "disposed" and record.decided_by == supervisor
    last = flagged.handovers.order_by("-sequence").first()
    assert last.to_holder == "锦华路派出所" and last.from_holder == agent.name  # the chain ends at the recipient
    assert list(flagged.events.values_list("event_type", flat=True))[-1] == "item_disposal_decided"
    with pytest.raises(ServiceError) as exc:
        disposal_services.decide_disposal(flagged, actor=supervisor, decision="destroy", reason="再次")
    assert exc.value.code == "not_due_for_disposal"


def test_an_item_not_yet_overdue_cannot_be_disposed_of(register, supervisor):
    item = register()
    with pytest.raises(ServiceError) as exc:
        disposal_services.decide_disposal(item, actor=supervisor, decision="destroy", reason="占地方")
    assert exc.value.code == "not_due_for_disposal"


def test_keep_in_custody_restarts_the_deadline(flagged, supervisor):
    before = timezone.now()
    disposal_services.decide_disposal(flagged, actor=supervisor, decision="keep", reason="失主来电称下周来取")
    flagged.refresh_from_db()
    assert flagged.status == "in_custody" and flagged.flagged_at is None
    assert flagged.disposal_due_at >= before + timedelta(days=30)
    assert flag_overdue_items(now=timezone.now()) == {"flagged": 0}


def test_a_flagged_item_can_still_be_claimed(flagged, agent):
    services.claim_item(
        flagged,
        actor=agent,
        claimant_name="陈晓",
        id_type="passport",
        id_number="E12345678",
        identity_checked=True,
        signature_name="陈晓",
    )
    assert FoundItem.objects.get(pk=flagged.pk).status == "claimed"
