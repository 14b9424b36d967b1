"""Demo reference data and people: sites, departments, shops, staff and the customer archive.

Rows are written with bulk_create (one transaction, owned by the caller); where a service would also write
a history event (customer_created), the same event is written here so the archive reads as if it had been
typed in at the desk.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from kefu.accounts.models import Department, Role, Shop, Site, User
from kefu.core.phones import parse_phone
from kefu.customers.models import Customer, CustomerEvent, CustomerKind, CustomerPhone, CustomerTag

from . import content as C

DEMO_PASSWORD = "kefu-demo-2026"
ALL = ("SC", "WY", "DS")

# username, name, role, title (shown in the login table), sites, departments (by name, in each of its sites), ext
STAFF = [
    ("admin", "系统管理员", Role.ADMIN, "系统管理员", ALL, (C.SERVICE_CENTER,), "8000"),
    ("agent1", "李婷", Role.AGENT, "客服专员", ("SC",), (C.SERVICE_CENTER,), "8101"),
    ("agent2", "王磊", Role.AGENT, "客服专员", ("SC", "DS"), (C.SERVICE_CENTER,), "8102"),
    ("frontdesk", "赵敏", Role.AGENT, "服务台接待", ("SC",), (C.SERVICE_CENTER,), "8103"),
    ("agent_wy", "陈静", Role.AGENT, "物业客服专员", ("WY",), (C.SERVICE_CENTER,), "8201"),
    ("agent_ds", "刘洋", Role.AGENT, "在线客服", ("DS",), (C.SERVICE_CENTER,), "8301"),
    ("supervisor", "张慧", Role.SUPERVISOR, "客服主管", ALL, (C.SERVICE_CENTER,), "8001"),
    ("manager", "周建国", Role.MANAGER, "客服经理", ALL, (C.SERVICE_CENTER,), "8002"),
    ("tech_sc", "孙志强", Role.TECHNICIAN, "工程部技术员", ("SC",), (C.ENGINEERING,), "8401"),
    ("tech_wy", "吴海", Role.TECHNICIAN, "工程部维修工", ("WY",), (C.ENGINEERING,), "8402"),
    ("security", "郑刚", Role.TECHNICIAN, "保安部领班", ("SC", "WY"), (C.SECURITY,), "8501"),
    ("finance", "黄丽", Role.FINANCE, "财务专员", ALL, (C.FINANCE,), "8601"),
    # The responsible person of the first demo shop (see attach_shop_staff).
    ("shop1", "钱芳", Role.SHOP, "商户负责人", ("SC",), (), "8701"),
]
FRONT_DESK = {"frontdesk"}  # take walk-ins at the service desk (接待岗)
CUSTOMERS_PER_SITE = {"SC": 0.45, "WY": 0.38, "DS": 0.17}


def create_sites() -> dict[str, Site]:
    Site.objects.bulk_create([Site(**spec) for spec in C.SITES])
    return {s.code: s for s in Site.objects.filter(code__in=[spec["code"] for spec in C.SITES])}


def create_departments(sites: dict[str, Site]) -> dict[tuple[str, str], Department]:
    Department.objects.bulk_create(
        [
            Department(site=site, name=name, is_service_center=name == C.SERVICE_CENTER)
            for site in sites.values()
            for name in C.DEPARTMENTS
        ]
    )
    return {(d.site.code, d.name): d for d in Department.objects.filter(site__in=sites.values()).select_related("site")}


def create_shops(site: Site, rng: random.Random, phones: set[str]) -> list[Shop]:
    Shop.objects.bulk_create(
        [
            Shop(
                site=site,
                number=number,
                name=name,
                floor=floor,
                area=area,
                principal=principal,
                contact_phone=unique_phone(rng, phones, landline=rng.random() < 0.3),
            )
            for number, name, floor, area, principal in C.SHOPS
        ]
    )
    return list(Shop.objects.filter(site=site).order_by("number"))


def create_staff(sites, departments, rng: random.Random, phones: set[str]) -> tuple[dict[str, User], list]:
    """The twelve demo logins; an account that already exists keeps its password and is only given the sites."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing twelve times would cost seconds
    existing = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in STAFF])}
    new_users = []
    for username, name, role, _title, _sites, _depts, ext in STAFF:
        if username in existing:
            continue
        new_users.append(
            User(
                username=username,
                display_name=name,
                role=role,
                password=password,
                phone=unique_phone(rng, phones),
                extension=ext,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
                email=f"{username}@kefu.example.cn",
            )
        )
    User.objects.bulk_create(new_users)
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in STAFF])}
    site_links, dept_links, table = [], [], []
    for username, _name, _role, title, codes, dept_names, _ext in STAFF:
        user = users[username]
        for code in codes:
            site_links.append(User.sites.through(user_id=user.pk, site_id=sites[code].pk))
            for dept in dept_names:
                dept_links.append(User.departments.through(user_id=user.pk, department_id=departments[code, dept].pk))
        table.append((username, user.display_name, user.role, title, "/".join(codes), username not in existing))
    User.sites.through.objects.bulk_create(site_links, ignore_conflicts=True)
    User.departments.through.objects.bulk_create(dept_links, ignore_conflicts=True)
    return users, table


def attach_shop_staff(users: dict[str, User], shop: Shop) -> None:
    """Shop logins speak for one shop: coordination tasks and return confirmations reach them there."""
    for user in users.values():
        if user.role == Role.SHOP and user.shop_id is None:
            user.shop = shop
            user.save(update_fields=["shop"])


def unique_phone(rng: random.Random, taken: set[str], *, landline: bool = False) -> str:
    """A valid, never repeated Chinese number (checked by the same parser the desk uses)."""
    while True:
        if landline:
            area = rng.choice(C.LANDLINE_PREFIXES)
            digits = 8 if len(area) == 3 else 7
            raw = area + str(rng.randint(2, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        else:
            raw = rng.choice(C.MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        phone = parse_phone(raw)
        if phone and phone.national not in taken:
            taken.add(phone.national)
            return phone.national


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(C.GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return rng.choice(C.SURNAMES) + given


def property_unit(rng: random.Random) -> str:
    return f"{rng.choice(C.BUILDINGS)}{rng.randint(1, 3)} 单元 {rng.randint(2, 28)}{rng.randint(1, 4):02d} 室"


def create_customers(sites, desk_by_site, total: int, rng: random.Random, phones: set[str], now: datetime):
    """`total` customers spread over the sites; a quarter of the property site's are enterprises (tenants)."""
    tags = {}
    for code, site in sites.items():
        names = C.TAGS[site.kind]
        CustomerTag.objects.bulk_create([CustomerTag(site=site, name=n) for n in names])
        tags[code] = list(CustomerTag.objects.filter(site=site).order_by("id"))
    counts = {code: int(total * share) for code, share in CUSTOMERS_PER_SITE.items()}
    counts["SC"] += total - sum(counts.values())

    rows, phone_rows, units = [], [], []
    enterprises = iter(rng.sample(C.ENTERPRISES, len(C.ENTERPRISES)))
    for code, count in counts.items():
        site = sites[code]
        for _ in range(count):
            kind, unit = CustomerKind.INDIVIDUAL, ""
            if site.kind == "property":
                unit = property_unit(rng)
                is_enterprise = rng.random() < 0.25
                name = next(enterprises, None) if is_enterprise else None
                if name:
                    kind = CustomerKind.ENTERPRISE
                address = f"{site.name.removesuffix('物业服务中心')} {unit}"
            else:
                name = None
                address = (
                    f"上海市浦东新区{rng.choice(C.STREETS)} {rng.randint(1, 999)} 号" if rng.random() < 0.6 else ""
                )
            name = name or person_name(rng)
            tier = rng.choices("ABC", weights=(1, 3, 6))[0]
            created = now - timedelta(days=rng.uniform(95, 900))
            email = f"{rng.randint(10**7, 10**10)}@{rng.choice(C.EMAIL_DOMAINS)}" if rng.random() < 0.35 else ""
            rows.append(
                Customer(
                    site=site,
                    kind=kind,
                    name=name,
                    email=email,
                    address=address,
                    tier=tier,
                    notes="重点维护客户,每季度回访一次。" if tier == "A" else "",
                    created_at=created,
                    updated_at=created,
                )
            )
            numbers = [unique_phone(rng, phones, landline=kind == CustomerKind.ENTERPRISE)]
            if rng.random() < 0.2:
                numbers.append(unique_phone(rng, phones, landline=rng.random() < 0.5))
            phone_rows.append(numbers)
            units.append(unit)
    Customer.objects.bulk_create(rows, batch_size=500)

    phones_out, tag_links, events = [], [], []
    for customer, numbers in zip(rows, phone_rows, strict=True):
        for i, national in enumerate(numbers):
            parsed = parse_phone(national)
            phones_out.append(
                CustomerPhone(
                    customer=customer,
                    site=customer.site,
                    national=parsed.national,
                    e164=parsed.e164,
                    kind=parsed.kind,
                    is_primary=i == 0,
                )
            )
        site_tags = tags[customer.site.code]
        chosen = rng.sample(site_tags, rng.choice((0, 0, 1, 1, 2)))
        if customer.kind == CustomerKind.ENTERPRISE:
            chosen = [t for t in site_tags if t.name == "企业客户"] or chosen
        tag_links += [Customer.tags.through(customer_id=customer.pk, customertag_id=t.pk) for t in chosen]
        events.append(
            CustomerEvent(
                customer=customer,
                actor=rng.choice(desk_by_site[customer.site.code]),
                event_type="customer_created",
                created_at=customer.created_at,
                new={
                    "name": customer.name,
                    "kind": customer.kind,
                    "email": customer.email,
                    "address": customer.address,
                    "tier": customer.tier,
                    "notes": customer.notes,
                    "phones": numbers,
                },
            )
        )
    CustomerPhone.objects.bulk_create(phones_out, batch_size=500)
    Customer.tags.through.objects.bulk_create(tag_links, batch_size=500)
    CustomerEvent.objects.bulk_create(events, batch_size=500)
    return rows, units
