"""Revisit plans by tier (seed 001 VIP客户管理, TIER-04…TIER-08): definitions, roles, generation, regeneration.

A year's plan for a customer is a fixed template per tier (periods do not depend on the customer), so generation
computes each tier's template once and lets the database join it with the customers: one INSERT … SELECT per
batch of customer ids, skipping entries already present (the partial unique index), never one ORM save per visit.
"""

from __future__ import annotations

import calendar
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from django.conf import settings as settings_module
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.accounts.permissions import Capability
from kefu.accounts.selectors import get_site_for
from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.customers.models import Customer, CustomerKind, Tier

from . import defaults, holidays
from .errors import FollowUpError
from .models import (
    FollowUp,
    FollowUpEvent,
    InfoItem,
    Occasion,
    OnDissatisfied,
    PlanRole,
    PlanScope,
    PlanYear,
    RevisitSettings,
    RoleAssignment,
    Source,
    TierDefinition,
    VisitStatus,
)
from .services import clean_text, local_date, require, require_site, staff_at

TIER_LIMITS = {
    "account_manager_per_month": (0, 4),
    "department_manager_per_month": (0, 4),
    "leadership_every_months": (0, 12),
    "company_head_per_year": (0, 4),
}


# ---- configuration ----------------------------------------------------------------------------------------------


def tier_definitions(site) -> dict[str, TierDefinition]:
    """The site's A/B/C definitions; the seed's defaults are created the first time they are needed."""
    found = {d.tier: d for d in TierDefinition.objects.filter(site=site)}
    for tier in Tier.values:
        if tier not in found:
            found[tier], _ = TierDefinition.objects.get_or_create(site=site, tier=tier, defaults=defaults.TIERS[tier])
    return found


def revisit_settings(site) -> RevisitSettings:
    row, _ = RevisitSettings.objects.get_or_create(
        site=site, defaults={"scope": PlanScope.ENTERPRISE, "holidays": list(holidays.DEFAULT_HOLIDAYS)}
    )
    return row


# Who holds a role when nobody was assigned: the closest staff role at the site.
_DEFAULT_ROLE_ORDER = {
    PlanRole.ACCOUNT_MANAGER: (Role.SUPERVISOR, Role.AGENT, Role.MANAGER),
    PlanRole.DEPARTMENT_MANAGER: (Role.MANAGER, Role.SUPERVISOR),
    PlanRole.LEADERSHIP: (Role.MANAGER, Role.ADMIN, Role.SUPERVISOR),
    PlanRole.COMPANY_HEAD: (Role.ADMIN, Role.MANAGER),
}


def role_holders(site) -> dict[str, User | None]:
    assigned = {
        a.role: a.user for a in RoleAssignment.objects.filter(site=site, user__is_active=True).select_related("user")
    }
    staff = list(User.objects.filter(sites=site, is_active=True, is_system=False).order_by("id"))
    holders = {}
    for role, fallbacks in _DEFAULT_ROLE_ORDER.items():
        holder = assigned.get(role)
        for staff_role in fallbacks:
            if holder is None:
                holder = next((u for u in staff if u.role == staff_role), None)
        holders[role] = holder
    return holders


@transaction.atomic
def assign_role(site, role: str, *, actor, user_id) -> RoleAssignment:
    require(actor, Capability.MANAGE_FOLLOW_UP_RULES)
    require_site(actor, site.id)
    if role not in PlanRole.values:
        raise invalid({"role": CoreError.INVALID_INPUT.message})
    user = staff_at(site.id, user_id)
    row = RoleAssignment.objects.select_for_update().filter(site=site, role=role).first()
    old = row.user_id if row else None
    if row is None:
        row = RoleAssignment.objects.create(site=site, role=role, user=user)
    elif row.user_id != user.pk:
        row.user = user
        row.save(update_fields=["user"])
    else:
        return row
    FollowUpEvent.objects.create(
        site=site, actor=actor, event_type=f"role_assigned:{role}", old={"user": old}, new={"user": user.pk}
    )
    return row


@transaction.atomic
def update_tier_definition(site, tier: str, *, actor, **values) -> TierDefinition:
    require(actor, Capability.MANAGE_FOLLOW_UP_RULES)
    require_site(actor, site.id)
    if tier not in Tier.values:
        raise invalid({"tier": CoreError.INVALID_INPUT.message})
    definition = TierDefinition.objects.select_for_update().get(pk=tier_definitions(site)[tier].pk)
    errors = {}
    for field, (low, high) in TIER_LIMITS.items():
        value = values.get(field, getattr(definition, field))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[field] = [str(FollowUpError.VALUE_OUT_OF_RANGE.message)]
    items = values.get("information_items", definition.information_items)
    if not isinstance(items, list | tuple) or any(i not in InfoItem.values for i in items):
        errors["information_items"] = [str(CoreError.INVALID_INPUT.message)]
    if errors:
        raise invalid(errors)
    if "criteria" in values:
        values["criteria"] = clean_text(values["criteria"], "criteria", max_length=500)
    values["information_items"] = sorted(set(items), key=InfoItem.values.index)
    old, new = {}, {}
    for field in (*TIER_LIMITS, "criteria", "holiday_visits", "information_items"):
        if field in values and getattr(definition, field) != values[field]:
            old[field], new[field] = getattr(definition, field), values[field]
            setattr(definition, field, values[field])
    if new:
        definition.save()
        FollowUpEvent.objects.create(site=site, actor=actor, event_type=f"tier_changed:{tier}", old=old, new=new)
    return definition


@transaction.atomic
def update_revisit_settings(site, *, actor, scope: str, holiday_codes) -> RevisitSettings:
    require(actor, Capability.MANAGE_FOLLOW_UP_RULES)
    require_site(actor, site.id)
    if scope not in PlanScope.values:
        raise invalid({"scope": CoreError.INVALID_INPUT.message})
    codes = list(holiday_codes or [])
    if any(c not in holidays.HOLIDAYS for c in codes):
        error = FollowUpError.UNKNOWN_HOLIDAY
        raise ServiceError(error, fields={"holidays": [error.message]})
    row = RevisitSettings.objects.select_for_update().get(pk=revisit_settings(site).pk)
    codes = [c for c in holidays.HOLIDAYS if c in codes]
    old = {"scope": row.scope, "holidays": row.holidays}
    if old == {"scope": scope, "holidays": codes}:
        return row
    row.scope, row.holidays = scope, codes
    row.save(update_fields=["scope", "holidays"])
    FollowUpEvent.objects.create(
        site=site, actor=actor, event_type="settings_changed", old=old, new={"scope": scope, "holidays": codes}
    )
    return row


# ---- the plan template ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    role: str
    occasion: str
    planned_on: date  # start of the due period (the entry's identity with role and occasion)
    due_on: date
    holiday: str = ""


def _split(first: date, last: date, parts: int) -> list[tuple[date, date]]:
    """`parts` consecutive periods covering first..last (2 per month: 1st–15th, 16th–end)."""
    span = (last - first).days + 1
    cuts = [first.toordinal() + span * i // parts for i in range(parts + 1)]
    return [(date.fromordinal(cuts[i]), date.fromordinal(cuts[i + 1] - 1)) for i in range(parts)]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first_month: int, length: int) -> tuple[date, date]:
    last_month = min(12, first_month + length - 1)
    return date(year, first_month, 1), _month_end(year, last_month)


def tier_template(definition: TierDefinition, year: int, holiday_visits) -> list[Entry]:
    entries: list[Entry] = []
    for month in range(1, 13):
        first, last = date(year, month, 1), _month_end(year, month)
        for role, per_month in (
            (PlanRole.ACCOUNT_MANAGER, definition.account_manager_per_month),
            (PlanRole.DEPARTMENT_MANAGER, definition.department_manager_per_month),
        ):
            if per_month:
                entries += [Entry(role, Occasion.REGULAR, a, b) for a, b in _split(first, last, per_month)]
    every = definition.leadership_every_months
    if every:
        for month in range(1, 13, every):
            entries.append(Entry(PlanRole.LEADERSHIP, Occasion.REGULAR, *_months(year, month, every)))
    per_year = definition.company_head_per_year
    if per_year:
        length = 12 // per_year
        for month in range(1, 13, length):
            entries.append(Entry(PlanRole.COMPANY_HEAD, Occasion.REGULAR, *_months(year, month, length)))
    if definition.holiday_visits:
        seen = set()
        for visit in holiday_visits:
            if visit.visit_on not in seen:  # two festivals with no workday between them share one visit
                seen.add(visit.visit_on)
                entries.append(
                    Entry(
                        PlanRole.ACCOUNT_MANAGER,
                        Occasion.HOLIDAY,
                        visit.visit_on,
                        max(visit.visit_on, visit.last_day),
                        ",".join(visit.codes),
                    )
                )
    return entries


# ---- generation -------------------------------------------------------------------------------------------------

_COLUMNS = (
    "site_id", "customer_id", "source", "role", "occasion", "holiday", "tier", "method", "assignee_id",
    "planned_on", "due_on", "status", "attempts", "max_attempts", "retry_after_hours", "on_dissatisfied",
    "overdue", "created_at", "work_order_id", "next_attempt_at", "completed_at",
)  # fmt: skip
# Customers per INSERT … SELECT: each statement sorts at most this many customers' entries (a few 100,000 rows).
CUSTOMER_BATCH = 5_000


def _plan_sql(n_entries: int, scoped_to_enterprises: bool, *, skip_planned: bool) -> str:
    """One statement that writes the template entries of every customer in an id range, joined on the tier.

    The template travels as a small VALUES list; the customers never leave the database. With `skip_planned`,
    entries already planned are skipped by the partial unique index (INSERT OR IGNORE / ON CONFLICT DO NOTHING),
    so a rerun adds nothing; without it a planned entry is an IntegrityError, and the plain insert is faster
    (PostgreSQL's speculative insertion costs a sixth of the write; SQLite's OR IGNORE costs nothing).
    """
    pg = connection.vendor == "postgresql"
    verb = "INSERT OR IGNORE" if skip_planned and not pg else "INSERT"
    on_conflict = " ON CONFLICT DO NOTHING" if skip_planned and pg else ""
    day = "%s::date" if pg else "%s"
    row = f"(%s, %s, %s, %s, %s, %s, %s, {day}, {day})"
    values = ", ".join([row] * n_entries)
    customers = Customer._meta.db_table
    target = f"{FollowUp._meta.db_table} ({', '.join(_COLUMNS)})"
    kind = " AND c.kind = %s" if scoped_to_enterprises else ""
    # VALUES columns are column1… in both SQLite and PostgreSQL: seq, tier, role, occasion, holiday, method,
    # assignee_id, planned_on, due_on. (A WITH clause in front would hide the row count from Python's sqlite3.)
    return (
        f"{verb} INTO {target} "
        "SELECT c.site_id, c.id, %s, t.column3, t.column4, t.column5, t.column2, t.column6, t.column7, "
        "t.column8, t.column9, %s, 0, 1, 24, %s, %s, %s, NULL, NULL, NULL "
        f"FROM {customers} c JOIN (VALUES {values}) t ON t.column2 = c.tier "
        f"WHERE c.site_id = %s AND c.id >= %s AND c.id <= %s{kind} "
        f"ORDER BY c.id, t.column1{on_conflict}"
    )


def _any_planned(site_id: int, first_id: int, last_id: int, start: date) -> bool:
    """Whether a customer in the id range already has a live plan entry from `start` on (fu_plan_entry_unique)."""
    return (
        FollowUp.objects.filter(
            site_id=site_id,
            customer_id__gte=first_id,
            customer_id__lte=last_id,
            source=Source.PLAN,
            planned_on__gte=start,
        )
        .exclude(status=VisitStatus.CANCELLED)
        .exists()
    )


def _scope(site, settings: RevisitSettings):
    qs = Customer.objects.filter(site=site)
    return qs.filter(kind=CustomerKind.ENTERPRISE) if settings.scope == PlanScope.ENTERPRISE else qs


def _generate(site, year: int, customer_ids: list[int], *, start: date, now) -> tuple[int, list[str]]:
    """Write the plan entries of `year` due on or after `start` for the given customers of the site's scope."""
    settings = revisit_settings(site)
    definitions = tier_definitions(site)
    holders = role_holders(site)
    visits, warnings = holidays.holiday_visits(year, settings.holidays)
    template: list = []
    for tier, definition in sorted(definitions.items()):
        for e in tier_template(definition, year, visits):
            if e.due_on < start:
                continue
            if holders[e.role] is None:
                error = FollowUpError.NO_ASSIGNEE
                raise ServiceError(error, fields={"role": [error.message]})
            template.append(
                (len(template), tier, e.role, e.occasion, e.holiday, defaults.ROLE_METHODS[e.role],
                 holders[e.role].pk, e.planned_on, e.due_on)
            )  # fmt: skip
    if not template or not customer_ids:
        return 0, warnings
    enterprise_only = settings.scope == PlanScope.ENTERPRISE
    plain = _plan_sql(len(template), enterprise_only, skip_planned=False)
    skipping = _plan_sql(len(template), enterprise_only, skip_planned=True)
    ops = connection.ops
    head = [v for e in template for v in (*e[:7], ops.adapt_datefield_value(e[7]), ops.adapt_datefield_value(e[8]))]
    tail = [Source.PLAN, VisitStatus.OPEN, OnDissatisfied.RECORD_ONLY, False, ops.adapt_datetimefield_value(now)]
    ids = sorted(customer_ids)
    batches = []
    for i in range(0, len(ids), CUSTOMER_BATCH):
        chunk = ids[i : i + CUSTOMER_BATCH]
        params = [*tail, *head, site.id, chunk[0], chunk[-1]]
        if enterprise_only:
            params.append(CustomerKind.ENTERPRISE)
        batches.append((chunk[0], chunk[-1], params))
    first_planned = min(e[7] for e in template)

    def write(batch) -> int:
        return _write_batch(site.id, first_planned, plain, skipping, *batch)

    workers = min(settings_module.KEFU_PLAN_WORKERS, len(batches))
    if connection.vendor != "postgresql" or connection.in_atomic_block or workers < 2:
        with transaction.atomic(savepoint=False):  # a savepoint on SQLite would copy every page it touches
            return sum(write(b) for b in batches), warnings
    # A whole site's year (4 million rows at 100,000 customers) is CPU-bound in the database server, one core per
    # connection: outside a transaction the batches are spread over several connections, each committing its
    # own. A rerun after a failure adds only what is missing.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_in_own_connection(write), batches)), warnings


def _in_own_connection(fn):
    def run(*args):
        try:
            with transaction.atomic():
                return fn(*args)
        finally:
            connection.close()  # the thread's own connection

    return run


def _write_batch(site_id: int, first_planned: date, plain: str, skipping: str, first_id, last_id, params) -> int:
    with connection.cursor() as cursor:
        # On PostgreSQL a batch with nothing planned yet (the usual first generation) takes the plain insert; a
        # concurrent writer that plans one of its customers meanwhile makes it fail, and the batch is redone
        # skipping. SQLite has one writer at a time, and a savepoint there would copy every page it touches.
        if connection.vendor == "postgresql" and not _any_planned(site_id, first_id, last_id, first_planned):
            try:
                with transaction.atomic():
                    cursor.execute(plain, params)
                return cursor.rowcount
            except IntegrityError:
                pass
        cursor.execute(skipping, params)
        return cursor.rowcount


def generate_revisit_plans(site_id: int, *, actor, year: int, now=None) -> dict:
    """Plan `year` for every customer in the site's scope: from today on (this year) or the whole next year.

    Called inside a transaction, everything happens in it. Called outside one on PostgreSQL, the visits are
    written in batches that commit on their own (see `_generate`) and the plan year and its history event follow
    in one last transaction: a failure half-way leaves whole batches, and generating again completes them.
    """
    require(actor, Capability.MANAGE_FOLLOW_UP_RULES)
    site = get_site_for(actor, site_id)
    now = now or timezone.now()
    today = local_date(site, now)
    if not isinstance(year, int) or not today.year <= year <= today.year + 1:
        error = FollowUpError.YEAR_OUT_OF_RANGE
        raise ServiceError(error, fields={"year": [error.message]})
    start = max(date(year, 1, 1), today)
    customer_ids = list(_scope(site, revisit_settings(site)).values_list("id", flat=True))
    written, warnings = _generate(site, year, customer_ids, start=start, now=now)
    with transaction.atomic():
        PlanYear.objects.update_or_create(site=site, year=year, defaults={"generated_at": now, "warnings": warnings})
        FollowUpEvent.objects.create(
            site=site,
            actor=actor,
            event_type="plans_generated",
            new={"year": year, "visits": written, "warnings": warnings},
        )
    return {"year": year, "visits": written, "warnings": warnings}


def regenerate_for_customer(customer: Customer, *, actor, now=None) -> dict:
    """A tier change: open plan visits still ahead are cancelled and the new tier's plan written from today on;
    visits done (or already overdue) stay as they are. Runs inside the tier change's transaction."""
    site = customer.site
    now = now or timezone.now()
    today = local_date(site, now)
    future = FollowUp.objects.filter(customer=customer, source=Source.PLAN, status=VisitStatus.OPEN, due_on__gte=today)
    cancelled = future.update(status=VisitStatus.CANCELLED, completed_at=now)
    written = 0
    in_scope = _scope(site, revisit_settings(site)).filter(pk=customer.pk).exists()
    years = PlanYear.objects.filter(site=site, year__gte=today.year).values_list("year", flat=True)
    if in_scope:
        for year in sorted(years):
            start = max(date(year, 1, 1), today)
            n, _warnings = _generate(site, year, [customer.pk], start=start, now=now)
            written += n
    FollowUpEvent.objects.create(
        site=site,
        customer=customer,
        actor=actor,
        event_type="plan_regenerated",
        new={"tier": customer.tier, "cancelled": cancelled, "planned": written},
    )
    return {"cancelled": cancelled, "planned": written}
