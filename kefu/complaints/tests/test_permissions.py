"""Who may do what on a complaint: approval is for supervisors and managers, shops act only for themselves."""

from __future__ import annotations

import pytest

from conftest import make_user
from kefu.accounts.models import Role, Shop
from kefu.complaints import selectors, solution_services
from kefu.complaints.models import Proposal
from kefu.core.errors import ServiceError


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN, Role.FINANCE, Role.SHOP])
def test_only_a_supervisor_or_manager_approves_a_solution(two_proposals, site, shop, role):
    person = make_user(role, sites=[site], shop=shop if role == Role.SHOP else None)
    with pytest.raises(ServiceError) as exc:
        solution_services.approve_proposal(two_proposals[0], actor=person)
    assert exc.value.code in ("permission_denied", "not_found")
    assert not Proposal.objects.filter(status="approved").exists()


def test_a_manager_approves_a_solution(two_proposals, manager):
    approved = solution_services.approve_proposal(two_proposals[1], actor=manager, note="同意换货方案")
    assert approved.status == "approved" and approved.approved_by == manager
    assert Proposal.objects.get(pk=two_proposals[0].pk).status == "superseded"


def test_other_sites_supervisor_cannot_approve(two_proposals, other_site):
    stranger = make_user(Role.SUPERVISOR, sites=[other_site])
    with pytest.raises(ServiceError) as exc:
        solution_services.approve_proposal(two_proposals[0], actor=stranger)
    assert exc.value.code == "not_found"


def test_shop_user_sees_only_proposals_of_its_own_shop(two_proposals, site, shop_user):
    assert selectors.get_proposal_for(shop_user, two_proposals[0].pk) == two_proposals[0]
    other = make_user(Role.SHOP, sites=[site], shop=Shop.objects.create(site=site, number="B2-09", name="书店"))
    with pytest.raises(ServiceError) as exc:
        selectors.get_proposal_for(other, two_proposals[0].pk)
    assert exc.value.code == "not_found"
    assert selectors.confirmations_for_shop(other) == []


def test_shop_user_has_no_access_to_the_complaint_itself(investigating, shop_user):
    with pytest.raises(ServiceError) as exc:
        selectors.get_complaint_for(shop_user, investigating.pk)
    assert exc.value.code == "not_found"


def test_compensation_recorded_by_an_agent_names_its_approver(investigating, agent, supervisor):
    row = solution_services.record_compensation(
        investigating, actor=agent, kind="compensation", item="购物券", amount="50", approver_id=supervisor.id
    )
    assert row.approved_by == supervisor and row.recorded_by == agent
