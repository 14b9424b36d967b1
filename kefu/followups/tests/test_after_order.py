"""FU-01…FU-04: a follow-up visit after a closed complaint, repair, after-sales or special-service order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.tickets import services as tickets
from kefu.tickets.models import WorkOrder

from .. import services
from ..models import (
    AssignTo,
    Consequence,
    FollowUp,
    FollowUpAttempt,
    FollowUpEvent,
    OnDissatisfied,
    VisitStatus,
)
from .conftest import open_visit

pytestmark = pytest.mark.django_db


def _satisfied(visit, actor, **kw):
    params = dict(reached=True, method="phone", satisfaction="satisfied", score=5, comments="维修及时，很满意。")
    params.update(kw)
    return services.record_attempt(visit, actor=actor, **params)


@pytest.mark.parametrize("order_type", ["complaint", "repair", "after_sales", "special_service"])
def test_closing_a_follow_up_type_creates_one_visit_for_the_desk(closed_order, agent, order_type):
    order = closed_order(type=order_type)
    visit = open_visit(order)
    # The order ended with the technician; the revisit belongs to the agent who took the call.
    assert visit.assignee == agent
    assert visit.customer_id == order.customer_id
    assert visit.method == "phone"
    assert visit.due_on >= visit.planned_on
    assert list(FollowUpEvent.objects.filter(follow_up=visit).values_list("event_type", flat=True)) == ["scheduled"]


def test_an_inquiry_gets_no_follow_up(make_order, agent):
    order = make_order(type="inquiry", accept_now=True)
    order = tickets.start_work_order(order, actor=agent)
    order = tickets.resolve_work_order(order, actor=agent, resolution="已告知营业时间。")
    tickets.close_work_order(order, actor=agent, customer_response="已告知。")
    assert not FollowUp.objects.exists()


def test_close_reopen_close_keeps_exactly_one_open_visit(closed_order, agent):
    order = closed_order()
    first = open_visit(order)
    order = tickets.reopen_work_order(order, actor=agent, reason="客户来电说又漏水")
    order = tickets.start_work_order(order, actor=agent)
    order = tickets.resolve_work_order(order, actor=agent, resolution="再次检修，已更换软管。")
    tickets.close_work_order(order, actor=agent, customer_response="已告知客户。")
    assert list(FollowUp.objects.filter(work_order=order).values_list("pk", flat=True)) == [first.pk]


def test_the_database_refuses_a_second_open_visit_for_one_order(closed_order):
    from django.db import IntegrityError, transaction

    visit = open_visit(closed_order())
    duplicate = FollowUp(
        site_id=visit.site_id,
        customer_id=visit.customer_id,
        source=visit.source,
        work_order=visit.work_order,
        assignee=visit.assignee,
        planned_on=visit.planned_on,
        due_on=visit.due_on,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_delay_and_method_follow_the_site_rule(closed_order, agent, manager, site, frozen):
    services.rule_for(site, "repair")
    services.update_rule(site, "repair", actor=manager, delay_hours=72, due_within_hours=24, method="on_site")
    now = frozen(timezone.now())
    visit = open_visit(closed_order())
    assert visit.method == "on_site"
    assert visit.planned_on == services.local_date(site, now + timedelta(hours=72))
    assert visit.due_on == services.local_date(site, now + timedelta(hours=96))


def test_a_disabled_rule_creates_no_visit(closed_order, manager, site):
    services.update_rule(site, "repair", actor=manager, enabled=False)
    closed_order()
    assert not FollowUp.objects.exists()


def test_a_named_person_rule_assigns_that_person(closed_order, manager, supervisor, site):
    services.update_rule(
        site, "repair", actor=manager, assign_to=AssignTo.NAMED_PERSON, named_assignee_id=supervisor.id
    )
    assert open_visit(closed_order()).assignee == supervisor


def test_customer_evaluation_form_is_stored_when_reached(closed_order, agent):
    order = closed_order()
    visit = open_visit(order)
    attempt = _satisfied(visit, agent, suggestions="希望维修前电话预约。")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.attempts == 1 and visit.completed_at is not None
    assert (attempt.satisfaction, attempt.score, attempt.suggestions) == ("satisfied", 5, "希望维修前电话预约。")
    order.refresh_from_db()
    assert order.status == "closed"


def test_dissatisfied_reopens_the_order_when_the_rule_says_so(closed_order, agent):
    order = closed_order()
    attempt = _satisfied(open_visit(order), agent, satisfaction="dissatisfied", score=1, comments="还是漏水")
    order.refresh_from_db()
    assert order.status == "reopened"
    assert attempt.consequence == Consequence.REOPENED
    reopen = order.events.get(event_type="status_reopen")
    assert "还是漏水" in reopen.note


def test_dissatisfied_opens_a_linked_complaint_when_the_rule_says_so(closed_order, agent, manager, site):
    services.update_rule(site, "repair", actor=manager, on_dissatisfied=OnDissatisfied.COMPLAINT)
    order = closed_order()
    attempt = _satisfied(open_visit(order), agent, satisfaction="dissatisfied", score=2, comments="师傅态度差")
    complaint = attempt.opened_order
    assert complaint.type == "complaint" and complaint.customer_id == order.customer_id
    assert complaint.status == "accepted" and order.number in complaint.subject
    assert attempt.follow_up.work_order == order  # the link: original order → visit → new complaint
    order.refresh_from_db()
    assert order.status == "closed"


@pytest.mark.parametrize(
    ("order_type", "consequence"),
    [
        ("complaint", Consequence.REOPENED),
        ("repair", Consequence.REOPENED),
        ("after_sales", Consequence.COMPLAINT),
        ("special_service", Consequence.COMPLAINT),
    ],
)
def test_dissatisfied_acts_per_order_type_by_the_shipped_rules(closed_order, agent, order_type, consequence):
    """《回访工作规程》 defaults: an unsettled complaint or repair goes back; a bad after-sales or paid job is a complaint."""
    order = closed_order(type=order_type)
    attempt = _satisfied(open_visit(order), agent, satisfaction="dissatisfied", score=1, comments="没有解决")
    order.refresh_from_db()
    assert attempt.consequence == consequence
    if consequence == Consequence.REOPENED:
        assert order.status == "reopened" and attempt.opened_order is None
    else:
        assert order.status == "closed" and attempt.opened_order.type == "complaint"


def test_the_linked_complaint_has_its_case_file_and_can_be_settled(closed_order, agent, manager, site):
    """The complaint opened by a visit is registered like any complaint (投诉登记), so it can be handled and closed."""
    from kefu.complaints import services as complaints
    from kefu.complaints.models import Complaint

    services.update_rule(site, "repair", actor=manager, on_dissatisfied=OnDissatisfied.COMPLAINT)
    order = closed_order()
    attempt = _satisfied(
        open_visit(order), agent, satisfaction="dissatisfied", score=1, dissatisfaction_points="修完第二天又坏了"
    )
    case = Complaint.objects.get(work_order=attempt.opened_order)
    assert (case.complainant_name, case.demand) == (order.customer.name, "修完第二天又坏了")
    assert case.contact == order.customer.phones.get(is_primary=True).national
    case = complaints.resolve_on_the_spot(case, actor=agent, resolution="安排师傅当天复修", customer_accepted=True)
    case = complaints.close_complaint(case, actor=agent, root_cause="配件质量", preventive_measure="更换供应商")
    case.work_order.refresh_from_db()
    assert case.work_order.status == "closed"


def test_basically_satisfied_changes_nothing_on_the_order(closed_order, agent):
    order = closed_order()
    attempt = _satisfied(open_visit(order), agent, satisfaction="basically", score=3)
    order.refresh_from_db()
    assert order.status == "closed" and attempt.consequence == ""
    assert WorkOrder.objects.count() == 1


def test_not_reached_retries_after_the_rule_hours_then_closes_as_unreachable(closed_order, agent, manager, site):
    services.update_rule(site, "repair", actor=manager, retry_after_hours=4, max_attempts=3)
    visit = open_visit(closed_order())
    now = timezone.now()
    services.record_attempt(visit, actor=agent, reached=False, now=now)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN and visit.next_attempt_at == now + timedelta(hours=4)
    services.record_attempt(visit, actor=agent, reached=False, now=now + timedelta(hours=4))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN and visit.attempts == 2
    services.record_attempt(visit, actor=agent, reached=False, now=now + timedelta(hours=8))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNREACHABLE and visit.attempts == 3 and visit.next_attempt_at is None
    assert list(FollowUpAttempt.objects.filter(follow_up=visit).values_list("event_type", flat=True)) == [
        "not_reached",
        "not_reached",
        "not_reached",
    ]


def test_a_finished_visit_cannot_be_recorded_again(closed_order, agent):
    visit = open_visit(closed_order())
    _satisfied(visit, agent)
    with pytest.raises(ServiceError) as err:
        _satisfied(visit, agent)
    assert err.value.code == "not_open"
    assert FollowUpAttempt.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"satisfaction": ""}, "satisfaction_required"),
        ({"satisfaction": "great"}, "satisfaction_required"),
        ({"score": 6}, "score_range"),
        ({"score": 0}, "score_range"),
        ({"score": None}, "score_range"),
        ({"method": "pigeon"}, "invalid_input"),
        ({"comments": "bad\x00text"}, "invalid_input"),
        ({"reached": False, "satisfaction": "satisfied", "score": None}, "outcome_without_contact"),
    ],
)
def test_bad_outcome_input_is_refused_and_nothing_is_written(closed_order, agent, kw, code):
    visit = open_visit(closed_order())
    with pytest.raises(ServiceError) as err:
        _satisfied(visit, agent, **kw)
    assert err.value.code == code
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN and visit.attempts == 0
    assert not FollowUpAttempt.objects.exists()


def test_only_the_assignee_or_a_supervisor_performs_the_visit(closed_order, supervisor, site, technician):
    from conftest import make_user

    colleague = make_user("agent", sites=[site])
    visit = open_visit(closed_order())
    with pytest.raises(ServiceError) as err:
        _satisfied(visit, colleague)
    assert err.value.code == "not_yours"
    with pytest.raises(ServiceError) as err:
        _satisfied(visit, technician)
    assert err.value.code == "permission_denied"
    _satisfied(visit, supervisor)
    assert FollowUpAttempt.objects.get().actor == supervisor


def test_another_sites_visit_does_not_exist_for_the_actor(closed_order, outsider):
    visit = open_visit(closed_order())
    with pytest.raises(ServiceError) as err:
        _satisfied(visit, outsider)
    assert err.value.code == "not_found"


def test_rules_are_edited_by_managers_only_with_values_in_range(site, agent, manager):
    with pytest.raises(ServiceError) as err:
        services.update_rule(site, "repair", actor=agent, delay_hours=1)
    assert err.value.code == "permission_denied"
    with pytest.raises(ServiceError) as err:
        services.update_rule(site, "repair", actor=manager, delay_hours=10_000, max_attempts=0)
    assert err.value.code == "invalid_input" and set(err.value.fields) == {"delay_hours", "max_attempts"}
    with pytest.raises(ServiceError) as err:
        services.update_rule(site, "repair", actor=manager, assign_to=AssignTo.NAMED_PERSON)
    assert err.value.code == "named_person_required"
    rule = services.rule_for(site, "repair")
    assert (rule.delay_hours, rule.max_attempts, rule.assign_to) == (24, 3, AssignTo.ORDER_ASSIGNEE)
    assert not FollowUpEvent.objects.filter(event_type__startswith="rule_changed").exists()


def test_reassign_is_for_supervisors(closed_order, agent, supervisor):
    visit = open_visit(closed_order())
    with pytest.raises(ServiceError):
        services.reassign_follow_up(visit, actor=agent, assignee_id=supervisor.id)
    services.reassign_follow_up(visit, actor=supervisor, assignee_id=supervisor.id)
    visit.refresh_from_db()
    assert visit.assignee == supervisor
