"""Case files for the complaint orders the demo spine generated in bulk (演示投诉档案).

The spine's generator knows no complaint rules, so its complaint orders arrive without a case file: absent from
the ledger and showing "recorded without a case file". Each gets one consistent with how far its order got:
settled orders were resolved on the spot and accepted (closed ones with a root cause), open ones are being
investigated with a promised reply. Bulk-written in the demo's transaction, like the orders themselves.
"""

from __future__ import annotations

from datetime import timedelta

from .models import DEFAULT_CATEGORIES, Complaint, Liability, Outcome, Path

DEMANDS = ["要求道歉", "要求退货退款", "要求换货", "要求赔偿损失", "要求说明原因", "要求尽快处理"]
CAUSES = [
    ("商户未按规定执行退换货政策", "组织商户学习退换货规定并抽查执行", Liability.SHOP),
    ("员工服务用语不规范", "班组服务礼仪培训并纳入考核", Liability.OWN),
    ("促销价签未及时更新", "价签变更实行双人复核", Liability.SHOP),
    ("设施巡查频次不足", "增加巡查频次并登记巡查记录", Liability.OWN),
]
SETTLED = {"resolved", "closed"}


def backfill_case_files(*, rng, now, **_payload) -> int:
    from kefu.tickets.models import WorkOrder, WorkOrderType

    orders = (
        WorkOrder.objects.filter(type=WorkOrderType.COMPLAINT, complaint__isnull=True, customer__isnull=False)
        .select_related("customer")
        .prefetch_related("customer__phones")
        .order_by("id")
    )
    rows = []
    for order in orders.iterator(chunk_size=500):
        phones = list(order.customer.phones.all())
        settled, cancelled = order.status in SETTLED, order.status == "cancelled"
        path = Path.ON_THE_SPOT if settled else Path.UNDECIDED if cancelled else Path.INVESTIGATION
        cause, measure, liability = rng.choice(CAUSES) if order.status == "closed" else ("", "", Liability.UNDETERMINED)
        rows.append(
            Complaint(
                work_order=order,
                site_id=order.site_id,
                complained_at=order.created_at,
                complainant_name=order.customer.name,
                contact=phones[0].national if phones else "—",
                category=rng.choice(DEFAULT_CATEGORIES),
                demand=rng.choice(DEMANDS),
                apology_note="已向顾客致歉，表示理解其心情。",
                apology_by_id=order.created_by_id,
                apology_at=order.created_at,
                path=path,
                on_spot_resolution=(order.resolution or "当场协调处理，顾客表示接受。") if settled else "",
                told_customer="已告知顾客调查后答复。" if path == Path.INVESTIGATION else "",
                promised_reply_at=(
                    max(order.created_at, now) + timedelta(hours=rng.randint(2, 48))
                    if path == Path.INVESTIGATION
                    else None
                ),
                outcome=Outcome.ACCEPTED if settled else Outcome.OPEN,
                root_cause=cause,
                preventive_measure=measure,
                liability=liability,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=500)
    return len(rows)
