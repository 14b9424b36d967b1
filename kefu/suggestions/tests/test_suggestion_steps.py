"""The step order of a suggestion: every allowed step succeeds, every other one is refused and writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.suggestions import services, transitions
from kefu.suggestions.models import SuggestionEvent
from kefu.suggestions.transitions import Stage, Step
from kefu.tickets.models import WorkOrderEvent

from .conftest import fresh


def _runners(agent, supervisor, categories):
    due = timezone.localdate() + timedelta(days=10)
    return {
        Step.CLASSIFY: lambda s: services.classify_suggestion(s, actor=agent, category_id=categories["环境"].id),
        Step.EVALUATE: lambda s: services.evaluate_suggestion(
            s, actor=supervisor, feasibility="partly", valuable=True, evaluation="需协调物业"
        ),
        Step.FORWARD: lambda s: services.forward_suggestion(s, actor=agent, note="请领导批示", leader_id=supervisor.id),
        Step.ADOPT: lambda s: services.adopt_suggestion(
            s, actor=supervisor, reason="同意", plan="分两期实施", plan_owner_id=agent.id, plan_due_on=due
        ),
        Step.REJECT: lambda s: services.reject_suggestion(s, actor=supervisor, reason="成本过高"),
        Step.RECORD_PROGRESS: lambda s: services.record_progress(s, actor=agent, note="一期完工"),
        Step.COMPLETE: lambda s: services.complete_implementation(s, actor=agent, result="全部完成"),
        Step.GIVE_FEEDBACK: lambda s: services.give_feedback(
            s, actor=agent, message="感谢您的建议,已采纳并实施", channel="phone", thanked=True
        ),
        Step.CLOSE: lambda s: services.close_suggestion(
            services.give_feedback(s, actor=agent, message="感谢您的建议", channel="phone", thanked=True),
            actor=agent,
            reason="转入年度计划",
        ),
    }


CASES = [(stage, step) for stage in Stage for step in Step]


@pytest.mark.parametrize(("stage", "step"), CASES, ids=[f"{a.value}-{b.value}" for a, b in CASES])
def test_step_table_allows_exactly_the_listed_steps(stage, step, at, agent, supervisor, categories):
    s = at(stage)
    assert s.stage == stage
    run = _runners(agent, supervisor, categories)[step]
    if transitions.is_allowed(stage, step):
        run(s)
        after = fresh(s)
        assert after.stage == transitions.target(stage, step)
        assert SuggestionEvent.objects.filter(suggestion=s, event_type=step.value).exists()
    else:
        events = SuggestionEvent.objects.filter(suggestion=s).count()
        order_events = WorkOrderEvent.objects.filter(work_order=s.work_order).count()
        with pytest.raises(ServiceError) as exc:
            run(s)
        assert exc.value.code in {"step_not_allowed", "evaluation_required", "forward_required"}
        assert exc.value.status == 409
        assert fresh(s).stage == stage
        assert SuggestionEvent.objects.filter(suggestion=s).count() == events
        assert WorkOrderEvent.objects.filter(work_order=s.work_order).count() == order_events


def test_every_step_has_a_row_in_the_table():
    assert set(transitions.STEPS) == set(Step)
    for sources, to in transitions.STEPS.values():
        assert sources <= set(Stage)
        assert to is None or to in Stage


def test_suggestion_cannot_be_decided_before_feasibility_evaluation(at, supervisor, agent):
    for stage in (Stage.RECORDED, Stage.CLASSIFIED):
        s = at(stage)
        for decide in (
            lambda s=s: services.reject_suggestion(s, actor=supervisor, reason="不可行"),
            lambda s=s: services.adopt_suggestion(
                s,
                actor=supervisor,
                reason="同意",
                plan="方案",
                plan_owner_id=agent.id,
                plan_due_on=timezone.localdate() + timedelta(days=5),
            ),
        ):
            with pytest.raises(ServiceError) as exc:
                decide()
            assert exc.value.code == "evaluation_required"
        assert fresh(s).decision == ""


def test_adopting_requires_forwarding_to_leadership_or_department(at, supervisor, agent):
    s = at(Stage.EVALUATED)
    with pytest.raises(ServiceError) as exc:
        services.adopt_suggestion(
            s,
            actor=supervisor,
            reason="同意",
            plan="方案",
            plan_owner_id=agent.id,
            plan_due_on=timezone.localdate() + timedelta(days=5),
        )
    assert exc.value.code == "forward_required"
    # An unfeasible suggestion may be turned down by the desk without going further.
    services.reject_suggestion(s, actor=supervisor, reason="不具备条件")
    assert fresh(s).stage == Stage.REJECTED


def test_steps_on_a_cancelled_work_order_are_refused(at, agent, supervisor, categories):
    from kefu.tickets.services import cancel_work_order

    s = at(Stage.CLASSIFIED)
    cancel_work_order(s.work_order, actor=agent, reason="重复登记")
    with pytest.raises(ServiceError) as exc:
        services.evaluate_suggestion(fresh(s), actor=supervisor, feasibility="feasible", valuable=True)
    assert exc.value.code == "order_not_open"
