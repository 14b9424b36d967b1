"""Rules of the suggestion workflow (SUG-01 … SUG-09), each test named after its rule."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from conftest import make_user
from kefu.accounts.models import Role
from kefu.core.errors import ServiceError
from kefu.customers.models import Customer
from kefu.suggestions import services, tasks
from kefu.suggestions.models import Suggestion, SuggestionCategory, SuggestionEvent
from kefu.suggestions.transitions import Stage
from kefu.tickets import services as work_orders
from kefu.tickets.models import WorkOrder, WorkOrderEvent
from kefu.tickets.transitions import Status

from .conftest import fresh

DUE = timedelta(days=14)


def _adopt(s, actor, **kw):
    params = dict(
        reason="部门讨论同意",
        plan="增设母婴室",
        plan_owner_id=actor.id,
        plan_due_on=timezone.localdate() + DUE,
    )
    params.update(kw)
    return services.adopt_suggestion(s, actor=actor, **params)


def _counts():
    return (
        WorkOrder.objects.count(),
        Suggestion.objects.count(),
        Customer.objects.count(),
        SuggestionEvent.objects.count(),
    )


# ---- SUG-01 intake ----


def test_suggestion_records_content_proposer_and_contact(record, agent, site):
    s = record(content="停车场指示牌太少", proposer_name="李先生", proposer_contact="13700002222", solicited=True)
    order = s.work_order
    assert order.type == "suggestion" and order.site == site and order.status == Status.ACCEPTED
    assert (s.content, s.proposer_name, s.proposer_contact) == ("停车场指示牌太少", "李先生", "13700002222")
    assert s.solicited and s.collected_by == agent
    assert order.customer.name == "李先生"
    assert list(s.events.values_list("event_type", flat=True)) == ["recorded"]


@pytest.mark.parametrize(("field", "value"), [("content", "  "), ("proposer_name", ""), ("proposer_contact", "")])
def test_suggestion_requires_content_proposer_name_and_contact(record, field, value):
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        record(**{field: value})
    assert field in exc.value.fields
    assert _counts() == before


def test_recording_reuses_the_archive_customer_with_the_same_phone(record, customer):
    s = record(proposer_name="张伟", proposer_contact="138 1234 5678")
    assert s.work_order.customer_id == customer.id


def test_new_proposer_without_a_phone_number_is_refused_on_the_contact_field(record):
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        record(proposer_contact="写信至一楼服务台")
    assert "proposer_contact" in exc.value.fields
    assert _counts() == before


def test_category_at_intake_classifies_the_suggestion(record, categories):
    s = record(category_id=categories["商品"].id)
    assert s.stage == Stage.CLASSIFIED and s.category == categories["商品"]


# ---- SUG-02 categories ----


def test_categories_are_configurable_per_site(site, other_site, supervisor, record, categories):
    own = services.add_category(actor=supervisor, site_id=site.id, name="停车")
    other = SuggestionCategory.objects.create(site=other_site, name="物业费")
    s = record()
    services.classify_suggestion(s, actor=supervisor, category_id=own.id)
    assert fresh(s).category == own
    with pytest.raises(ServiceError) as exc:
        services.classify_suggestion(fresh(s), actor=supervisor, category_id=other.id)
    assert "category" in exc.value.fields
    with pytest.raises(ServiceError) as exc:
        services.add_category(actor=supervisor, site_id=site.id, name="商品")
    assert exc.value.code == "category_name_taken"


def test_an_agent_cannot_add_categories(agent, site):
    with pytest.raises(ServiceError) as exc:
        services.add_category(actor=agent, site_id=site.id, name="停车")
    assert exc.value.code == "permission_denied"


# ---- SUG-03 evaluation and forwarding ----


def test_feasibility_evaluation_records_who_and_the_conclusion(at, supervisor, manager):
    s = at(Stage.CLASSIFIED)
    services.evaluate_suggestion(
        s,
        actor=supervisor,
        feasibility="not_feasible",
        valuable=False,
        evaluation="消防不允许",
        evaluator_id=manager.id,
    )
    s = fresh(s)
    assert (s.feasibility, s.valuable, s.evaluated_by, s.evaluation) == ("not_feasible", False, manager, "消防不允许")
    assert s.evaluated_at is not None


def test_evaluation_needs_a_conclusion(at, supervisor):
    s = at(Stage.CLASSIFIED)
    for kwargs in ({"feasibility": "", "valuable": True}, {"feasibility": "feasible", "valuable": None}):
        with pytest.raises(ServiceError) as exc:
            services.evaluate_suggestion(s, actor=supervisor, **kwargs)
        assert exc.value.code == "conclusion_required"
    assert fresh(s).stage == Stage.CLASSIFIED


def test_forwarding_transfers_the_work_order_to_the_department(at, agent, engineering, technician):
    s = at(Stage.EVALUATED)
    services.forward_suggestion(s, actor=agent, note="请工程部评估改造方案", department_id=engineering.id)
    s = fresh(s)
    assert s.stage == Stage.FORWARDED and s.forwarded_to_department == engineering
    assert s.work_order.department == engineering
    transfer = WorkOrderEvent.objects.get(work_order=s.work_order, event_type="transferred")
    assert transfer.note == "请工程部评估改造方案"
    # The department now sees it in its queue.
    from kefu.tickets.selectors import work_orders_for

    assert work_orders_for(technician).filter(pk=s.work_order_id).exists()


def test_forwarding_needs_a_target_and_a_note(at, agent, engineering):
    s = at(Stage.EVALUATED)
    with pytest.raises(ServiceError) as exc:
        services.forward_suggestion(s, actor=agent, note="请评估")
    assert exc.value.code == "forward_target_required"
    with pytest.raises(ServiceError) as exc:
        services.forward_suggestion(s, actor=agent, note=" ", department_id=engineering.id)
    assert exc.value.code == "forward_note_required"
    assert fresh(s).stage == Stage.EVALUATED


# ---- SUG-04/05 decision and plan ----


def test_rejection_requires_reason(at, supervisor):
    s = at(Stage.FORWARDED)
    with pytest.raises(ServiceError) as exc:
        services.reject_suggestion(s, actor=supervisor, reason="  ")
    assert exc.value.code == "reason_required"
    assert fresh(s).decision == ""
    services.reject_suggestion(s, actor=supervisor, reason="与商场定位不符")
    s = fresh(s)
    assert (s.decision, s.decision_reason, s.decided_by) == ("rejected", "与商场定位不符", supervisor)
    assert s.decided_on == timezone.localdate()


@pytest.mark.parametrize(
    ("missing", "code"),
    [("plan", "plan_required"), ("plan_owner_id", "plan_owner_required"), ("plan_due_on", "plan_due_required")],
)
def test_adopted_suggestion_needs_implementation_plan_with_owner_and_due_date(at, supervisor, missing, code):
    s = at(Stage.FORWARDED)
    events = SuggestionEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        _adopt(s, supervisor, **{missing: "" if missing == "plan" else None})
    assert exc.value.code == code and exc.value.fields
    assert fresh(s).stage == Stage.FORWARDED and fresh(s).decision == ""
    assert SuggestionEvent.objects.count() == events


def test_the_database_refuses_an_adopted_suggestion_without_a_plan(at):
    s = at(Stage.FORWARDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=s.pk).update(decision="adopted", decision_reason="同意")


def test_plan_due_date_cannot_lie_in_the_past(at, supervisor):
    s = at(Stage.FORWARDED)
    with pytest.raises(ServiceError) as exc:
        _adopt(s, supervisor, plan_due_on=timezone.localdate() - timedelta(days=1))
    assert exc.value.code == "plan_due_in_past"


def test_plan_owner_must_be_staff_of_the_site(at, supervisor, outsider):
    s = at(Stage.FORWARDED)
    with pytest.raises(ServiceError) as exc:
        _adopt(s, supervisor, plan_owner_id=outsider.id)
    assert "plan_owner" in exc.value.fields


def test_an_agent_cannot_decide(at, agent):
    s = at(Stage.FORWARDED)
    for decide in (
        lambda: _adopt(s, agent),
        lambda: services.reject_suggestion(s, actor=agent, reason="不行"),
    ):
        with pytest.raises(ServiceError) as exc:
            decide()
        assert exc.value.code == "permission_denied" and exc.value.status == 403
    s2 = at(Stage.CLASSIFIED)
    with pytest.raises(ServiceError) as exc:
        services.evaluate_suggestion(s2, actor=agent, feasibility="feasible", valuable=True)
    assert exc.value.code == "permission_denied"
    assert fresh(s).decision == "" and fresh(s2).stage == Stage.CLASSIFIED


def test_other_site_suggestion_is_not_found(at, outsider, other_site):
    s = at(Stage.FORWARDED)
    boss = make_user(Role.MANAGER, sites=[other_site])
    for actor in (outsider, boss):
        with pytest.raises(ServiceError) as exc:
            services.reject_suggestion(s, actor=actor, reason="不行")
        assert exc.value.code == "not_found"


def test_progress_and_completion_are_recorded(at, agent):
    s = at(Stage.ADOPTED)
    services.record_progress(s, actor=agent, note="已完成选址")
    services.complete_implementation(s, actor=agent, result="母婴室已于本周开放")
    s = fresh(s)
    assert s.progress == "已完成选址" and s.stage == Stage.IMPLEMENTED and s.implemented_at is not None
    with pytest.raises(ServiceError):
        services.record_progress(s, actor=agent, note="再记一次")


# ---- SUG-06 feedback and closing ----


def test_feedback_to_proposer_must_thank_them(at, agent):
    s = at(Stage.REJECTED)
    with pytest.raises(ServiceError) as exc:
        services.give_feedback(s, actor=agent, message="您的建议未被采纳", channel="phone", thanked=False)
    assert exc.value.code == "feedback_must_thank"
    with pytest.raises(ServiceError) as exc:
        services.give_feedback(s, actor=agent, message="谢谢", channel="pigeon", thanked=True)
    assert exc.value.code == "feedback_channel_required"
    with pytest.raises(ServiceError) as exc:
        services.give_feedback(
            s, actor=agent, message="谢谢", channel="sms", thanked=True, given_at=timezone.now() + timedelta(hours=2)
        )
    assert exc.value.code == "feedback_in_future"
    assert fresh(s).feedback_at is None


def test_feedback_is_recorded_as_the_reply_to_the_customer(at, agent):
    s = at(Stage.REJECTED)
    services.give_feedback(s, actor=agent, message="感谢您的建议,因场地原因暂不采纳", channel="sms", thanked=True)
    s = fresh(s)
    assert s.feedback_channel == "sms" and s.feedback_at is not None
    reply = WorkOrderEvent.objects.get(work_order=s.work_order, event_type="replied")
    assert reply.note == "感谢您的建议,因场地原因暂不采纳"


def test_suggestion_close_requires_feedback_to_proposer(at, agent, supervisor):
    s = at(Stage.REJECTED)
    with pytest.raises(ServiceError) as exc:
        services.close_suggestion(s, actor=agent)
    assert exc.value.code == "feedback_before_close"
    # The generic actions are held to the same rule by the guards.
    order = fresh(s).work_order
    with pytest.raises(ServiceError) as exc:
        work_orders.resolve_work_order(order, actor=supervisor, resolution="已处理")
    assert exc.value.code == "feedback_before_close"
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_PROGRESS
    services.give_feedback(fresh(s), actor=agent, message="感谢您的建议", channel="phone", thanked=True)
    services.close_suggestion(fresh(s), actor=agent)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED


def test_generic_close_of_a_suggestion_without_its_record_is_refused(make_order, supervisor):
    order = make_order(type="suggestion", accept_now=True)
    order = work_orders.start_work_order(order, actor=supervisor)
    with pytest.raises(ServiceError) as exc:
        work_orders.resolve_work_order(order, actor=supervisor, resolution="已处理")
    assert exc.value.code == "feedback_before_close"


def test_adopted_suggestion_closes_only_when_implemented_or_with_reason(at, agent, supervisor):
    s = at(Stage.ADOPTED)
    services.give_feedback(s, actor=agent, message="感谢,已采纳,正在实施", channel="phone", thanked=True)
    order = fresh(s).work_order
    with pytest.raises(ServiceError) as exc:
        work_orders.resolve_work_order(order, actor=supervisor, resolution="已处理")
    assert exc.value.code == "use_suggestion_panel"
    with pytest.raises(ServiceError) as exc:
        services.close_suggestion(fresh(s), actor=agent)
    assert exc.value.code == "close_reason_required"
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_PROGRESS
    services.close_suggestion(fresh(s), actor=agent, reason="列入下季度改造计划,另行跟踪")
    s = fresh(s)
    assert s.close_reason and s.work_order.status == Status.CLOSED
    assert "列入下季度改造计划" in s.work_order.resolution


def test_implemented_suggestion_closes_through_the_generic_close_too(at, agent, supervisor):
    s = at(Stage.IMPLEMENTED)
    services.give_feedback(s, actor=agent, message="感谢您的建议,母婴室已开放", channel="phone", thanked=True)
    order = work_orders.resolve_work_order(fresh(s).work_order, actor=supervisor, resolution="已实施并反馈")
    work_orders.close_work_order(order, actor=supervisor)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED


def test_suggestion_workflow_writes_the_exact_event_sequence(record, agent, supervisor, categories, engineering):
    s = record()
    s = services.classify_suggestion(s, actor=agent, category_id=categories["服务"].id)
    s = services.evaluate_suggestion(s, actor=supervisor, feasibility="feasible", valuable=True)
    s = services.forward_suggestion(s, actor=agent, note="请研究", department_id=engineering.id)
    s = _adopt(s, supervisor)
    s = services.record_progress(s, actor=agent, note="已采购设备")
    s = services.complete_implementation(s, actor=agent, result="完成")
    s = services.give_feedback(s, actor=agent, message="感谢您,已实施", channel="phone", thanked=True)
    services.close_suggestion(s, actor=agent)
    assert list(SuggestionEvent.objects.filter(suggestion=s).values_list("event_type", flat=True)) == [
        "recorded",
        "classify",
        "evaluate",
        "forward",
        "adopt",
        "record_progress",
        "complete",
        "give_feedback",
        "close",
    ]
    assert list(WorkOrderEvent.objects.filter(work_order=s.work_order).values_list("event_type", flat=True)) == [
        "created",
        "status_accept",
        "status_start",
        "transferred",
        "replied",
        "status_resolve",
        "status_close",
    ]


def test_suggestion_events_are_append_only(at):
    s = at(Stage.CLASSIFIED)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SuggestionEvent.objects.filter(suggestion=s).update(note="涂改")


# ---- SUG-05 alert ----


def test_overdue_plan_reminds_the_owner_once_per_day(at, agent):
    from kefu.core.models import Notification

    s = at(Stage.ADOPTED, owner=agent)
    today = timezone.localdate()
    assert tasks.remind_overdue_plans(today) == 0
    later = s.plan_due_on + timedelta(days=1)
    assert tasks.remind_overdue_plans(later) == 1
    assert tasks.remind_overdue_plans(later) == 0
    assert Notification.objects.filter(recipient=agent, kind="suggestion_plan_overdue").count() == 1
    assert tasks.remind_overdue_plans(later + timedelta(days=1)) == 1
    services.complete_implementation(fresh(s), actor=agent, result="完成")
    assert tasks.remind_overdue_plans(later + timedelta(days=2)) == 0
