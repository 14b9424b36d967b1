"""Demo lost & found at the mall (SC): found items at each stage, a loss report and a resolved lost child.

Built with the real services (fired on DEMO_DATA_LOADED inside the demo transaction), so custody chains,
claims, flags and histories are what a real day at the service desk leaves behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.customers.models import Customer
from kefu.tickets import services as tickets

from . import person_services, services, tasks


def load(*, sites, users, rng, now, **_):
    site, desk, lead = sites.get("SC"), users.get("frontdesk"), users.get("supervisor")
    if site is None or desk is None or lead is None:
        return
    customers = list(Customer.objects.filter(site=site).prefetch_related("phones").order_by("-id")[:3])
    if len(customers) < 3:
        return
    _claimed_wallet(site, desk, customers[0])
    umbrella = _umbrella_handed_over_twice(site, desk)
    _loss_report(site, desk, customers[1], umbrella)
    _overdue_phone(site, desk, now)
    _lost_child(site, desk, lead, customers[2])


def _claimed_wallet(site, desk, owner):
    item = services.register_found_item(
        actor=desk,
        site_id=site.id,
        what="黑色皮质钱包",
        category="wallet",
        description="黑色皮质短款钱包，内有银行卡两张、会员卡一张、现金若干",
        found_place="三楼女洗手间洗手台",
        found_at=timezone.now() - timedelta(hours=3),
        finder_name="保洁员王阿姨",
        finder_contact="13912345678",
        storage_place="服务台失物柜 A-01",
    )
    phone = owner.phones.first()
    services.claim_item(
        item,
        actor=desk,
        claimant_name=owner.name,
        claimant_phone=phone.national if phone else "",
        id_type="resident_id",
        id_number="0426",  # the desk typed only the last four characters of the card it checked
        identity_checked=True,
        signature_name=owner.name,
        proof="失主说出钱包内会员卡上的姓名和卡号后四位",
    )


def _umbrella_handed_over_twice(site, desk):
    item = services.register_found_item(
        actor=desk,
        site_id=site.id,
        what="蓝色折叠伞",
        category="clothing",
        description="深蓝色三折自动伞，伞柄有白色挂绳",
        found_place="一楼东门休息区座椅",
        found_at=timezone.now() - timedelta(hours=6),
        finder_name="顾客（未留名）",
    )
    item = services.hand_over_item(
        item,
        actor=desk,
        from_holder=desk.name,
        to_holder="服务台失物柜",
        place="一楼服务台",
        storage_place="服务台失物柜 B-02",
    )
    return services.hand_over_item(
        item,
        actor=desk,
        from_holder="服务台失物柜",
        to_holder="保安部夜班值班室",
        place="一楼服务台",
        storage_place="保安部值班室储物柜",
        note="闭店后移交保安部保管",
    )


def _loss_report(site, desk, customer, item):
    """The owner called: an open loss report, already matched to the umbrella waiting at security."""
    order = tickets.create_work_order(
        actor=desk,
        site_id=site.id,
        type="lost_found",
        channel="phone",
        subject="顾客来电：遗失蓝色折叠伞",
        customer_id=customer.id,
        description="顾客下午在一楼东门休息区坐过，离开时忘带雨伞，深蓝色三折伞。",
        location="一楼东门休息区",
        accept_now=True,
    )
    services.link_item_to_loss_report(item, actor=desk, work_order_id=order.pk)


def _overdue_phone(site, desk, now):
    """Found long ago and never claimed: the scheduled job flags it and the leads are told to decide."""
    services.register_found_item(
        actor=desk,
        site_id=site.id,
        what="白色手机",
        category="electronics",
        description="白色华为手机，屏幕右上角有裂纹，已关机",
        found_place="地下停车场B2电梯厅",
        found_at=now - timedelta(days=40),
        finder_name="保安郑刚",
        storage_place="服务台保险柜",
    )
    tasks.flag_overdue_items(now=max(now, timezone.now()))


def _lost_child(site, desk, lead, reporter):
    report = person_services.report_lost_person(
        actor=desk,
        site_id=site.id,
        customer_id=reporter.id,
        person_name="乐乐",
        gender="male",
        age="约5岁",
        appearance="男孩，身高约110厘米，穿红色外套、蓝色牛仔裤，背小熊书包",
        last_seen_place="三楼儿童乐园入口",
        last_seen_at=timezone.now() - timedelta(minutes=12),
        companion_relation="母亲",
    )
    person_services.record_broadcast(report, actor=desk, channel="pa", body="乐乐小朋友，请到一楼服务台，妈妈在等你。")
    person_services.record_broadcast(
        report, actor=lead, channel="radio", body="各岗位注意：红色外套男孩约5岁，背小熊书包，见到请带至服务台。"
    )
    person_services.record_person_found(
        report, actor=lead, outcome="guardian", handed_to=f"{reporter.name}（母亲）", found_place="二楼玩具店"
    )
