"""Demo data (DEMO_DATA_LOADED): a default questionnaire per site, closure rules, and answered surveys."""

from __future__ import annotations

from datetime import timedelta

from kefu.tickets.models import WorkOrder

from . import answers, links, sending, services
from .models import QuestionKind

QUESTIONS = [
    {"kind": QuestionKind.SCALE, "text": "您对本次服务的总体满意度如何？", "is_satisfaction": True},
    {"kind": QuestionKind.SCALE, "text": "客服人员的服务态度如何？"},
    {
        "kind": QuestionKind.SINGLE,
        "text": "您的问题是否已经解决？",
        "options": ["已解决", "部分解决", "未解决"],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": "您觉得我们哪些方面还需改进？",
        "options": ["响应速度", "处理结果", "服务态度", "沟通及时性"],
        "required": False,
    },
    {"kind": QuestionKind.TEXT, "text": "还有什么想对我们说的吗？", "required": False},
]
COMMENTS = ["处理很及时，谢谢！", "希望下次能更快回复。", "维修师傅很专业。", "", "", ""]
CLOSURE_TYPES = ("complaint", "repair", "after_sales", "special_service")
PER_SITE = 30


def load(*, sites, users, rng, now, **_payload):
    admin = users["admin"]
    for site in sites.values():
        template = services.create_template(
            actor=admin,
            site_id=site.pk,
            name="服务满意度调查",
            intro="感谢您的支持，回答只需一分钟。",
            questions=QUESTIONS,
        )
        for work_order_type in CLOSURE_TYPES:
            services.set_closure_rule(
                actor=admin, site_id=site.pk, work_order_type=work_order_type, template_id=template.pk, enabled=True
            )
        closed = list(
            WorkOrder.objects.filter(site=site, status="closed", customer__isnull=False)
            .select_related("customer__site", "assignee")
            .order_by("-closed_at")[:PER_SITE]
        )
        for order in closed:
            sent_at = order.closed_at or now
            survey = sending.create_survey(
                actor=admin,
                customer=order.customer,
                template=template,
                link_valid_days=14,
                work_order=order,
                agent=order.assignee,
                now=sent_at,
                email=False,
            )
            if rng.random() < 0.3:
                continue  # not every customer answers
            score = rng.choices(["5", "4", "3", "2", "1"], weights=[45, 30, 12, 8, 5])[0]
            values = {
                f"q{q.pk}": v
                for q, v in zip(
                    answers.questions_of(survey),
                    [
                        score,
                        rng.choice(["5", "4", "3"]),
                        rng.choice(["已解决", "已解决", "部分解决"]),
                        [],
                        rng.choice(COMMENTS),
                    ],
                    strict=True,
                )
            }
            answered_at = min(sent_at + timedelta(hours=rng.randint(1, 48)), now)
            answers.submit_answers(links.token_for(survey.key), answers=values, now=answered_at)
