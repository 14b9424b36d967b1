"""Demo data (演示数据): warranty rules for a few categories at each demo site, and a handful of cases."""

from __future__ import annotations

from datetime import timedelta

RULES = [
    # category, warranty days, covered, exclusions, exchange, refund, return days, exchange days
    (
        "家电",
        365,
        "整机一年保修：电机、压缩机、主板等性能故障",
        "人为损坏\n进水受潮\n私自拆修\n使用非原装配件",
        True,
        True,
        7,
        15,
    ),
    (
        "手机数码",
        365,
        "主板、屏幕显示、电池（非人为）性能故障",
        "屏幕碎裂\n进水\n私自拆修\n刷机导致故障",
        True,
        False,
        7,
        15,
    ),
    ("服装鞋帽", 90, "开胶、断线、脱色等质量问题", "穿着磨损\n洗涤不当\n人为损坏", True, True, 7, 15),
    ("钟表眼镜", 730, "机芯走时故障", "表壳表带磨损\n进水（非防水款）\n人为损坏", True, False, 7, 15),
]

CASES = [
    # username, category, product, model, serial, days since purchase, problem, kind, channel
    (
        "frontdesk",
        "家电",
        "美的空调",
        "KFR-35GW",
        "MD2026A0193",
        120,
        "制冷效果差，开机半小时仍无冷风。",
        "repair",
        "walk_in",
    ),
    ("agent1", "手机数码", "华为手机", "Mate 60", "HW60X88231", 40, "充电时机身发烫，电量掉得快。", "repair", "phone"),
    ("frontdesk", "服装鞋帽", "运动鞋", "AirRun 42码", "", 5, "鞋底开胶，顾客要求换货。", "exchange", "walk_in"),
    ("agent1", "家电", "电饭煲", "IH-40F", "SP40F2231", 400, "加热不工作，指示灯不亮。", "repair", "phone"),
]


def load(*, sites, users, rng, now, **_):
    from kefu.customers.models import Customer

    from . import return_services, rule_services, services, warranty
    from .models import WarrantyRule

    admin = users["admin"]
    for code in ("SC", "WY", "DS"):
        for category, days, covered, exclusions, exchange, refund, ret, exch in RULES:
            rule_services.create_warranty_rule(
                actor=admin,
                site_id=sites[code].id,
                category=category,
                warranty_days=days,
                covered=covered,
                exclusions=exclusions,
                allow_exchange=exchange,
                allow_refund=refund,
                return_days=ret,
                exchange_days=exch,
            )
    site = sites["SC"]
    rules = {r.category: r for r in WarrantyRule.objects.filter(site=site)}
    customers = list(Customer.objects.filter(site=site).order_by("id")[: len(CASES)])
    shop = users["shop1"].shop if "shop1" in users else None
    today = warranty.local_date(now, site.time_zone)
    cases = []
    for i, (username, category, product, model, serial, age, problem, kind, channel) in enumerate(CASES):
        at_shop = shop is not None and kind == "exchange"
        cases.append(
            services.create_after_sales_case(
                actor=users[username],
                site_id=site.id,
                rule_id=rules[category].id,
                product_name=product,
                model=model,
                serial_number=serial,
                purchased_on=today - timedelta(days=age),
                purchase_place=str(shop) if at_shop else "锦华广场",
                order_number=f"XP{today:%Y%m%d}{i:03d}",
                receipt_present=True,
                problem=problem,
                kind=kind,
                channel=channel,
                customer_id=customers[i].id if i < len(customers) else None,
                customer_name="" if i < len(customers) else "演示客户",
                customer_phone="" if i < len(customers) else f"1390000{i:04d}",
                shop_id=shop.id if at_shop else None,
            )
        )
    desk = users["frontdesk"]
    # A mail-in repair whose parcel has arrived, and a shoe exchange waiting for the shop's answer.
    services.choose_repair_path(cases[1], actor=desk, path="mail_in", note="顾客同意寄修")
    services.record_inbound_shipment(
        cases[1], actor=desk, carrier="顺丰速运", tracking_number="SF1402231987", received_on=today
    )
    return_services.open_desk_return(cases[2], actor=desk, kind="exchange")
