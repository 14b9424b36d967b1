"""Demo suggestions and inquiries, added to `load_demo` in its transaction (DEMO_DATA_LOADED).

Recorded through the real services, so each one carries the history a real day leaves behind: one suggestion at
every stage of its workflow at the mall, and inquiries answered, parked with a promise, and transferred.
"""

from __future__ import annotations

from datetime import timedelta

# content, category name, how far it got
SUGGESTIONS = [
    ("建议在地下停车场B2层增加电动车充电桩，现在经常排队。", "设施", "recorded"),
    ("母婴室的尿布台太少，周末要排队，建议增加一个。", "设施", "evaluated"),
    ("建议会员积分可以抵扣停车费。", "服务", "forwarded"),
    ("一楼服务台可以提供免费充电宝借用。", "服务", "implementing"),
    ("希望晚上商场关门时间能延后到22:30。", "其他", "rejected"),
    ("卫生间洗手液经常用完，建议增加巡查频次。", "环境", "closed"),
]

INQUIRIES = [
    ("请问商场几点开门？周末营业时间一样吗？", "answer", "商场每天10:00至22:00营业，周末相同。"),
    ("优品服饰的会员卡能在其他店铺用吗？", "park", "需与商户确认后回复。"),
    ("停车场的月卡怎么办理？", "transfer", "月卡由物业停车管理处办理。"),
]


def _category(site, name):
    from .models import SuggestionCategory
    from .services import site_categories_q

    found = SuggestionCategory.objects.filter(site_categories_q(site.id), name=name, is_active=True).first()
    return found or SuggestionCategory.objects.filter(site_categories_q(site.id), is_active=True).first()


def load_demo_suggestions(*, sites, users, rng, now, **_payload) -> None:
    from django.utils import timezone

    from kefu.accounts.models import Department
    from kefu.customers.models import Customer

    from . import inquiry_services, services

    site = sites["SC"]
    desk, supervisor, manager = users["frontdesk"], users["supervisor"], users["manager"]
    engineering = Department.objects.filter(site=site, name="工程部").first()
    today = timezone.localdate(now)
    # Proposers are archive customers: the demo's customer count is fixed.
    proposers = list(Customer.objects.filter(site=site).prefetch_related("phones").order_by("-id")[: len(SUGGESTIONS)])
    for (content, category_name, stage), proposer in zip(SUGGESTIONS, proposers, strict=False):
        s = services.record_suggestion(
            actor=desk,
            site_id=site.id,
            content=content,
            proposer_name=proposer.name,
            proposer_contact=proposer.phones.all()[0].national,
            customer_id=proposer.id,
        )
        if stage == "recorded":
            continue
        category = _category(site, category_name)
        if category is not None:
            s = services.classify_suggestion(s, actor=desk, category_id=category.id)
        s = services.evaluate_suggestion(
            s,
            actor=supervisor,
            feasibility="not_feasible" if stage == "rejected" else "feasible",
            valuable=stage != "rejected",
            evaluation="成本与客流测算后得出结论。",
        )
        if stage == "evaluated":
            continue
        s = services.forward_suggestion(
            s, actor=supervisor, note="请工程部评估实施条件。", department_id=engineering.id if engineering else None
        )
        if stage == "forwarded":
            continue
        if stage == "rejected":
            s = services.reject_suggestion(s, actor=manager, reason="营业时间由商场统一规定，暂不调整。")
            services.give_feedback(
                s, actor=desk, message="感谢您的建议，营业时间暂不调整。", channel="phone", thanked=True
            )
            continue
        s = services.adopt_suggestion(
            s,
            actor=manager,
            reason="投入小，顾客受益明显。",
            plan="采购并安装，投入使用前在服务台公示。",
            plan_owner_id=supervisor.id,
            plan_due_on=today + timedelta(days=30),
        )
        s = services.record_progress(s, actor=supervisor, note="已完成采购询价。")
        if stage == "closed":
            s = services.complete_implementation(s, actor=supervisor, result="已实施，保洁每两小时巡查补充。")
            s = services.give_feedback(
                s, actor=desk, message="您的建议已采纳并实施，感谢您的支持！", channel="phone", thanked=True
            )
            services.close_suggestion(s, actor=desk)
    for question, how, text in INQUIRIES:
        inquiry = inquiry_services.record_inquiry(
            actor=users["agent1"], site_id=site.id, question=question, asker_name="来电顾客"
        )
        order = inquiry.work_order
        if how == "answer":
            inquiry_services.answer_inquiry(order, actor=users["agent1"], answer=text, no_further_questions=True)
        elif how == "park":
            inquiry_services.park_inquiry(
                order, actor=users["agent1"], told_customer=text, promised_at=now + timedelta(hours=3)
            )
        elif engineering is not None:
            inquiry_services.transfer_inquiry(order, actor=users["agent1"], reason=text, department_id=engineering.id)
