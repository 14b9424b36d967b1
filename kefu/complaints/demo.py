"""Demo complaints (演示投诉), added to `load_demo` in its transaction (DEMO_DATA_LOADED).

Eight complaints at the mall, each driven through the real services as far as its stage, so the panel, the
ledger, the notice and the histories show what a real week leaves behind: settled on the spot, investigated
with coordination tasks, waiting for approval or for the shop, replied and rejected (round 2), closed with a
root cause, and closed unresolved by the manager.
"""

from __future__ import annotations

from datetime import timedelta

# subject, product, category, demand, channel, with shop?, stage
COMPLAINTS = [
    ("试衣间镜子碎裂无人处理", "试衣间", "环境设施", "尽快修好,避免划伤顾客", "walk_in", False, "on_the_spot"),
    ("收银员态度冷淡,找零时把钱扔在台面上", "收银服务", "服务态度", "要求道歉", "walk_in", True, "closed_on_spot"),
    ("买的保温杯一天后就不保温", "不锈钢保温杯", "商品质量", "要求换一个新的", "phone", True, "tasks"),
    ("促销价与结账价不一致,多收了30元", "促销商品", "价格", "退还差价", "phone", True, "awaiting_approval"),
    ("网购的运动鞋尺码发错,换货被拒", "运动鞋", "退换货", "按原订单换成42码", "online", True, "awaiting_shop"),
    ("儿童餐里吃出头发", "儿童套餐", "商品质量", "退款并赔偿", "phone", True, "rejected"),
    ("地下车库出口排队半小时", "停车服务", "环境设施", "改善出口管理", "phone", False, "closed"),
    ("电梯突然停顿,孩子受到惊吓", "观光电梯", "安全", "书面说明原因并赔偿", "walk_in", False, "unresolved"),
]


def load_demo_complaints(*, sites, users, rng, now, **_payload) -> None:
    from django.utils import timezone

    from kefu.accounts.models import Department
    from kefu.customers.models import Customer

    site = sites.get("SC")
    needed = ("frontdesk", "agent1", "supervisor", "manager", "tech_sc")
    if site is None or any(name not in users for name in needed):
        return
    shop_user = users.get("shop1")
    shop = shop_user.shop if shop_user is not None else None
    engineering = Department.objects.filter(site=site, name="工程部").first()
    # The newest archive entries: the after-sales and repair demos take the oldest ones.
    customers = list(Customer.objects.filter(site=site).prefetch_related("phones").order_by("-id")[: len(COMPLAINTS)])
    if len(customers) < len(COMPLAINTS) or engineering is None:
        return
    now = max(now, timezone.now())
    for i, (row, customer) in enumerate(zip(COMPLAINTS, customers, strict=True)):
        _drive(row, customer, users, site, shop if row[5] else None, shop_user, engineering, now, hours_ago=3 * i + 1)


def _drive(row, customer, users, site, shop, shop_user, engineering, now, *, hours_ago):
    from . import services, solution_services, task_services

    subject, product, category, demand, channel, _with_shop, stage = row
    desk = users["frontdesk"] if channel == "walk_in" else users["agent1"]
    supervisor, manager = users["supervisor"], users["manager"]
    phone = next(iter(customer.phones.all()), None)
    complaint = services.register_complaint(
        actor=desk, site_id=site.id, customer_id=customer.id, channel=channel, subject=subject, product=product,
        category=category, demand=demand, complainant_name=customer.name,
        contact=phone.national if phone else "13800000000", shop_id=shop.id if shop else None,
        apology_note="已向顾客致歉,表示理解其心情,并承诺尽快核实处理。", complained_at=now - timedelta(hours=hours_ago),
        taken_to_office=channel == "walk_in",
    )  # fmt: skip
    if stage in ("on_the_spot", "closed_on_spot"):
        complaint = services.resolve_on_the_spot(
            complaint, actor=desk, resolution="当场致歉并处理,顾客表示满意。", customer_accepted=True
        )
        if stage == "closed_on_spot":
            services.close_complaint(
                complaint, actor=desk, root_cause="收银员交接班时情绪急躁,服务用语不规范",
                preventive_measure="收银岗复训服务礼仪,班前会抽查", liability="shop" if shop else "own",
            )  # fmt: skip
        return
    complaint = services.start_investigation(
        complaint,
        actor=desk,
        promised_reply_at=now + timedelta(hours=24),
        told_customer="已告知顾客明天同一时间前答复。",
    )
    if stage == "tasks":
        if shop_user is not None and shop is not None:
            task_services.assign_coordination_task(
                complaint, actor=desk, party="shop", owner_id=shop_user.id, shop_id=shop.id,
                instruction="请说明该批保温杯的质检情况并提供进货单。", due_at=now + timedelta(hours=6),
            )  # fmt: skip
        task = task_services.assign_coordination_task(
            complaint, actor=desk, party="floor_manager", owner_id=supervisor.id,
            instruction="请楼管调取当日监控,核实购买时间。", due_at=now + timedelta(hours=4),
        )  # fmt: skip
        task_services.respond_to_task(task, actor=supervisor, response="监控显示顾客于前一天下午在该店购买。")
        return
    first = solution_services.propose_solution(complaint, actor=desk, text="全额退款并书面致歉")
    solution_services.propose_solution(complaint, actor=desk, text="更换同款新品并赠送小礼品")
    if stage == "awaiting_approval":
        return
    solution_services.approve_proposal(first, actor=supervisor, note="同意,按规定退款")
    if stage == "awaiting_shop":
        return
    if shop is not None:
        _confirm(first, shop_user, desk)
    solution_services.reply_with_solution(
        complaint, actor=desk, body="经核实,同意全额退款,再次向您致歉。", channel="phone", apology_repeated=True
    )
    if stage == "rejected":
        solution_services.record_customer_answer(
            complaint, actor=desk, accepted=False, opinion="只退款不够,还要求赔偿精神损失"
        )
        solution_services.propose_solution(complaint, actor=desk, text="退款并赠送100元餐饮券")
        return
    if stage == "unresolved":
        solution_services.record_customer_answer(complaint, actor=desk, accepted=False, opinion="要求赔偿一万元")
        services.close_unresolved(
            complaint, actor=manager, reason="顾客要求远超规定标准,多次协商未果", root_cause="电梯安全回路误触发停梯",
            preventive_measure="维保单位加密巡检,轿厢张贴停梯安抚说明", customer_response="已书面说明原因并告知可向消协申诉",
            liability="third_party",
        )  # fmt: skip
        return
    solution_services.record_compensation(
        complaint, actor=desk, kind="compensation", item="停车券", amount="20.00", approver_id=supervisor.id
    )
    solution_services.record_customer_answer(complaint, actor=desk, accepted=True)
    services.close_complaint(
        complaint, actor=supervisor, root_cause="高峰时段出口只开一条车道", preventive_measure="周末高峰增开临时出口并派专人疏导",
        liability="own",
    )  # fmt: skip


def _confirm(proposal, shop_user, desk):
    from . import solution_services

    if shop_user is not None:
        solution_services.confirm_by_shop(proposal, actor=shop_user)
    else:
        solution_services.confirm_by_shop(proposal, actor=desk, confirmer_name="商户负责人(电话确认)")
