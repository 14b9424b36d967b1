"""Demo repairs at the property project (WY) and the mall (SC), at every stage of the workflow.

Built with the real services (so history, notifications and SLA clocks are what a real day leaves behind).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.accounts.models import Department
from kefu.customers.models import Customer

from . import fieldwork
from .services import create_repair

# (fault, details, location fields, access, urgency, how far the work got, fee)
WY_REPAIRS = [
    (
        "主卫地漏返水",
        "业主来电：主卫地漏往上冒水，楼下天花有水渍。",
        {"building": "3栋", "unit": "2单元1502"},
        "owner_home",
        2,
        "confirmed",
        ("wechat", "50.00"),
    ),
    (
        "厨房水龙头滴水",
        "水龙头关不紧，一直滴水。",
        {"building": "5栋", "unit": "1单元301"},
        "appointment",
        3,
        "completed",
        ("free", None),
    ),
    (
        "入户门锁芯卡住",
        "钥匙插入后转不动，业主出门在即。",
        {"building": "1栋", "unit": "3单元802"},
        "owner_home",
        1,
        "on_site",
        None,
    ),
    (
        "阳台晾衣架绳断",
        "升降晾衣架一侧钢丝绳断裂。",
        {"building": "2栋", "unit": "1单元1101"},
        "key_security",
        3,
        "accepted",
        None,
    ),
    (
        "2号楼电梯异响",
        "巡查发现电梯运行时轿厢有明显异响。",
        {"location_kind": "public", "area": "2号楼电梯", "facility": "elevator", "unit": ""},
        "open",
        1,
        "dispatched",
        None,
    ),
    (
        "地下车库照明不亮",
        "B1车库东侧一排灯管不亮。",
        {"location_kind": "public", "area": "B1车库东侧", "facility": "lighting", "unit": ""},
        "open",
        2,
        "dispatched",
        None,
    ),
]
SC_REPAIRS = [
    (
        "店铺空调不制冷",
        "商户报修：店内空调出风不凉。",
        {"location_kind": "shop", "unit": ""},
        "appointment",
        2,
        "completed",
        ("monthly", "180.00"),
    ),
    (
        "三楼女卫生间水箱漏水",
        "保洁反映水箱一直流水。",
        {"location_kind": "public", "area": "三楼女卫生间", "facility": "water_leak", "unit": ""},
        "open",
        2,
        "on_site",
        None,
    ),
    (
        "一楼中庭地砖破裂",
        "中庭靠扶梯处两块地砖开裂，有绊倒风险。",
        {"location_kind": "public", "area": "一楼中庭", "facility": "floor_tile", "unit": ""},
        "open",
        1,
        "accepted",
        None,
    ),
    (
        "店铺门头灯箱不亮",
        "商户来电：门头灯箱晚上不亮。",
        {"location_kind": "shop", "unit": ""},
        "appointment",
        3,
        "dispatched",
        None,
    ),
]
STAGES = ["dispatched", "accepted", "on_site", "completed", "confirmed"]


def load_demo_repairs(*, sites, users, rng, now, **_):
    _load(sites.get("WY"), users.get("agent_wy"), users.get("tech_wy"), WY_REPAIRS, reporter="resident", rng=rng)
    _load(sites.get("SC"), users.get("frontdesk"), users.get("tech_sc"), SC_REPAIRS, reporter="merchant", rng=rng)


def _load(site, desk, tech, rows, *, reporter, rng):
    if site is None or desk is None or tech is None:
        return
    department = Department.objects.filter(site=site, name="工程部").first()
    customers = list(Customer.objects.filter(site=site).order_by("id")[: len(rows)])
    if department is None or len(customers) < len(rows):
        return
    shops = list(site.shops.order_by("number")[:4])
    for (fault, details, where, access, urgency, stage, fee), customer in zip(rows, customers, strict=True):
        fields = {"location_kind": "unit", **where}
        if fields["location_kind"] == "shop" and shops:
            fields["shop_id"] = rng.choice(shops).id
        if access == "appointment":
            start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=rng.randint(2, 20))
            fields.update(appointment_start=start, appointment_end=start + timedelta(hours=2))
        sheet = create_repair(
            actor=desk,
            site_id=site.id,
            customer_id=customer.id,
            fault=fault,
            description=details,
            reporter_type="other" if fields["location_kind"] == "public" else reporter,
            access=access,
            priority=urgency,
            contact_name=customer.name,
            department_id=department.id,
            dispatch_note="请带好工具，先电话联系" if fields["location_kind"] != "public" else "",
            **fields,
        )
        _advance(sheet, tech, STAGES.index(stage), fee, customer.name)


def _advance(sheet, tech, upto: int, fee, customer_name):
    if upto >= 1:
        sheet = fieldwork.accept_repair(sheet, actor=tech)
    if upto >= 2:
        sheet = fieldwork.record_arrival(sheet, actor=tech)
        fieldwork.add_part(sheet, actor=tech, name="密封圈", quantity="2", unit="个")
    if upto >= 3:
        settlement, amount = fee
        fieldwork.record_fee(
            sheet,
            actor=tech,
            chargeable=settlement != "free",
            amount=amount,
            settlement=settlement if settlement != "free" else "",
        )
        sheet = fieldwork.complete_repair(
            sheet, actor=tech, work_done="现场检查并更换损坏部件", result="测试正常，已清理现场", labour_minutes=40
        )
    if upto >= 4:
        fieldwork.confirm_by_customer(sheet, actor=tech, name=customer_name, confirmed_at=sheet.completed_at)
