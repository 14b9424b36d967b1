"""Fixtures of the surveys tests: a questionnaire built by the real service, orders closed by the real workflow."""

from __future__ import annotations

import pytest

from kefu.surveys import services
from kefu.surveys.models import QuestionKind
from kefu.tickets import services as tickets

QUESTIONS = [
    {"kind": QuestionKind.SCALE, "text": "总体满意度", "is_satisfaction": True},
    {"kind": QuestionKind.SINGLE, "text": "问题是否解决", "options": ["已解决", "未解决"]},
    {"kind": QuestionKind.MULTIPLE, "text": "需改进之处", "options": ["速度", "态度", "结果"], "required": False},
    {"kind": QuestionKind.TEXT, "text": "其他意见", "required": False},
]


@pytest.fixture
def template(site, manager):
    return services.create_template(actor=manager, site_id=site.id, name="服务满意度调查", questions=QUESTIONS)


@pytest.fixture
def close_order(make_order, agent):
    def _close(**kw):
        order = make_order(**kw)
        order = tickets.accept_work_order(order, actor=agent)
        order = tickets.start_work_order(order, actor=agent)
        order = tickets.resolve_work_order(order, actor=agent, resolution="已处理")
        return tickets.close_work_order(order, actor=agent, customer_response="已告知客户")

    return _close


@pytest.fixture
def repair_rule(site, manager, template):
    return services.set_closure_rule(
        actor=manager, site_id=site.id, work_order_type="repair", template_id=template.id, enabled=True
    )


def answer_values(survey, score="5", solved="已解决"):
    questions = list(survey.template.questions.order_by("position"))
    return {f"q{questions[0].pk}": score, f"q{questions[1].pk}": solved}
