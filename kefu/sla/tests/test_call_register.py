"""Phone answer standard: three rings (电话三声铃响之内接听), an apology when later (超过三声…应表示歉意)."""

import pytest

from kefu.core.errors import ServiceError
from kefu.sla.models import CallRecord
from kefu.sla.services import log_call


def test_call_within_three_rings_is_on_time(site, agent):
    call = log_call(actor=agent, site_id=site.id, rings=3)
    assert call.answered_late is False and call.max_rings == 3


def test_late_call_requires_the_apology(site, agent):
    with pytest.raises(ServiceError) as err:
        log_call(actor=agent, site_id=site.id, rings=4)
    assert err.value.code == "apology_required"
    assert not CallRecord.objects.exists()
    call = log_call(actor=agent, site_id=site.id, rings=4, apology_made=True)
    assert call.answered_late and call.apology_made


@pytest.mark.parametrize("rings", [-1, 31, "x", None])
def test_bad_ring_counts_are_refused(site, agent, rings):
    with pytest.raises(ServiceError) as err:
        log_call(actor=agent, site_id=site.id, rings=rings)
    assert err.value.code == "bad_rings"


def test_other_sites_are_not_reachable(site, outsider):
    with pytest.raises(ServiceError) as err:
        log_call(actor=outsider, site_id=site.id, rings=1)
    assert err.value.code == "not_found"
