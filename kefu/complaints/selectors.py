"""Reads of complaints, scoped by the actor: another site's complaint, task or proposal is a 404."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from kefu.accounts.models import Role, Site
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import department_ids_for, site_ids_for
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.tickets.transitions import Status

from .models import (
    Complaint,
    ComplaintEvent,
    CoordinationTask,
    Proposal,
    ProposalStatus,
    ShopConfirmation,
    TaskStatus,
)


def complaints_for(actor) -> QuerySet[Complaint]:
    qs = Complaint.objects.filter(site_id__in=site_ids_for(actor))
    if not has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        qs = qs.filter(Q(work_order__assignee_id=actor.id) | Q(work_order__department_id__in=department_ids_for(actor)))
    return qs


def latest_complaints_for(actor, *, site_ids=None, limit: int = 100) -> list[Complaint]:
    """The API's list: newest first, optionally only some sites. A site the actor does not work at gives no rows
    (the filter narrows complaints_for, never widens it)."""
    qs = complaints_for(actor)
    if site_ids:
        qs = qs.filter(site_id__in=site_ids)
    return list(qs.select_related("work_order").order_by("-complained_at", "-work_order_id")[:limit])


def get_complaint_for(actor, pk) -> Complaint:
    try:
        return complaints_for(actor).select_related(
            "work_order", "work_order__site", "work_order__shop", "work_order__customer", "work_order__assignee",
            "apology_by",
        ).get(pk=int(pk))  # fmt: skip
    except (Complaint.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def case_file(complaint: Complaint) -> dict:
    """Everything of the case file for the panel, the notice and the API, in a fixed number of queries."""
    proposals = list(
        complaint.proposals.select_related("proposed_by", "approved_by", "replied_by")
        .prefetch_related(
            Prefetch("shop_confirmations", queryset=ShopConfirmation.objects.select_related("shop", "confirmed_by"))
        )
        .order_by("number")
    )
    tasks = list(
        complaint.tasks.select_related("owner", "shop", "department", "responded_by")
        .prefetch_related("attachments")
        .order_by("due_at", "id")
    )
    answers = list(complaint.answers.select_related("recorded_by", "proposal").order_by("recorded_at", "id"))
    compensations = list(complaint.compensations.select_related("approved_by", "recorded_by").order_by("id"))
    approved = next((p for p in proposals if p.round == complaint.round and p.status == ProposalStatus.APPROVED), None)
    # The same involved shops as rules.involved_shop_ids, from what is already loaded.
    involved = {t.shop_id: t.shop for t in tasks if t.shop_id}
    if complaint.work_order.shop_id:
        involved[complaint.work_order.shop_id] = complaint.work_order.shop
    done = {c.shop_id for c in approved.shop_confirmations.all()} if approved else set()
    return {
        "proposals": proposals,
        "current_proposals": [p for p in proposals if p.round == complaint.round],
        "approved": approved,
        "shops_to_confirm": sorted((s for pk, s in involved.items() if pk not in done), key=lambda s: (s.number, s.pk))
        if approved
        else [],  # fmt: skip
        "tasks": tasks,
        "answers": answers,
        "compensations": compensations,
    }


def events_for(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor").order_by("created_at", "id")


# --- coordination tasks -------------------------------------------------------------------------------------------


def tasks_for(actor, *, open_only: bool = False) -> QuerySet[CoordinationTask]:
    """Tasks the actor answers: his own, his shop's (shop logins), his departments'; desk roles see the site's."""
    qs = CoordinationTask.objects.filter(site_id__in=site_ids_for(actor))
    if actor.role == Role.SHOP:
        qs = qs.filter(Q(owner_id=actor.id) | Q(shop_id=actor.shop_id) if actor.shop_id else Q(owner_id=actor.id))
    elif not has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        qs = qs.filter(Q(owner_id=actor.id) | Q(department_id__in=department_ids_for(actor)))
    if open_only:
        qs = qs.filter(status=TaskStatus.OPEN)
    return qs.select_related("complaint__work_order", "shop", "department", "owner").order_by("status", "due_at", "id")


def my_tasks(actor, *, open_only: bool = False) -> QuerySet[CoordinationTask]:
    """The "my coordination tasks" page: for desk roles only what is theirs, not the whole site."""
    qs = tasks_for(actor, open_only=open_only)
    if actor.role != Role.SHOP and has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        qs = qs.filter(Q(owner_id=actor.id) | Q(department_id__in=department_ids_for(actor)))
    return qs


def get_task_for(actor, pk) -> CoordinationTask:
    try:
        return tasks_for(actor).prefetch_related("attachments").get(pk=int(pk))
    except (CoordinationTask.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def get_task_attachment_for(actor, pk):
    from .models import TaskAttachment

    try:
        row = TaskAttachment.objects.select_related("task").get(pk=int(pk))
    except (TaskAttachment.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None
    if (
        not tasks_for(actor).filter(pk=row.task_id).exists()
        and not complaints_for(actor).filter(pk=row.task.complaint_id).exists()
    ):
        raise not_found()
    return row


# --- proposals ------------------------------------------------------------------------------------------------------


def _involves_shop(shop_id: int) -> Q:
    """A proposal's complaint is about this shop, or a coordination task of it went to this shop."""
    tasks = CoordinationTask.objects.filter(complaint_id=OuterRef("complaint_id"), shop_id=shop_id)
    return Q(complaint__work_order__shop_id=shop_id) | Q(Exists(tasks))


def get_proposal_for(actor, pk) -> Proposal:
    """Desk roles through the complaint; a shop login only for complaints its shop is involved in."""
    qs = Proposal.objects.select_related("complaint__work_order").filter(complaint__site_id__in=site_ids_for(actor))
    if actor.role == Role.SHOP:
        qs = qs.filter(_involves_shop(actor.shop_id)) if actor.shop_id else qs.none()
    else:
        qs = qs.filter(complaint__in=complaints_for(actor))
    try:
        return qs.get(pk=int(pk))
    except (Proposal.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def confirmations_for_shop(actor) -> list[Proposal]:
    """Approved solutions waiting for this shop's own confirmation (the shop login's to-do list); another
    involved shop's confirmation does not take it off, nor does it show this shop what others still owe."""
    if actor.role != Role.SHOP or not actor.shop_id:
        return []
    confirmed = ShopConfirmation.objects.filter(proposal_id=OuterRef("pk"), shop_id=actor.shop_id)
    return list(
        Proposal.objects.filter(
            _involves_shop(actor.shop_id),
            complaint__site_id__in=site_ids_for(actor),
            status=ProposalStatus.APPROVED,
            complaint__outcome="",
            complaint__path="investigation",
        )
        .exclude(Exists(confirmed))
        .select_related("complaint__work_order", "approved_by")
        .order_by("approved_at")
    )


# --- the ledger (用户投诉台帐) -----------------------------------------------------------------------------------


LEDGER_STATUSES = [
    ("open", Status.IN_PROGRESS.label),
    ("resolved", Status.RESOLVED.label),
    ("closed", Status.CLOSED.label),
]


def _local_day_start(day, tz_name: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name))


def _period(site_ids, date_from, date_to) -> Q:
    """Days as each site's staff count them: a site in another time zone starts its day at its own midnight."""
    zones = dict(Site.objects.filter(pk__in=site_ids).values_list("id", "time_zone"))
    period = Q(pk__in=[])
    for site_id, tz in zones.items():
        q = Q(site_id=site_id)
        if date_from:
            q &= Q(complained_at__gte=_local_day_start(date_from, tz))
        if date_to:
            q &= Q(complained_at__lt=_local_day_start(date_to + timedelta(days=1), tz))
        period |= q
    return period


def ledger_for(actor, filters: dict) -> QuerySet[Complaint]:
    """Complaints for the ledger page and its export: period (local days), site, category, status, shop."""
    if not has_capability(actor, Capability.VIEW_COMPLAINT_LEDGER):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    site_ids = site_ids_for(actor)
    qs = Complaint.objects.filter(site_id__in=site_ids)
    if filters.get("site"):
        qs = qs.filter(site_id=filters["site"])
    if filters.get("date_from") or filters.get("date_to"):
        qs = qs.filter(_period(site_ids, filters.get("date_from"), filters.get("date_to")))
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("shop"):
        qs = qs.filter(work_order__shop_id=filters["shop"])
    status = filters.get("status")
    if status == "open":
        qs = qs.exclude(work_order__status__in=[Status.RESOLVED, Status.CLOSED, Status.CANCELLED])
    elif status in ("resolved", "closed", "cancelled"):
        qs = qs.filter(work_order__status=status)
    return qs.order_by("-complained_at", "-work_order_id")


def ledger_page(qs: QuerySet[Complaint], *, limit: int = 200) -> list[Complaint]:
    return list(
        qs.select_related("work_order", "work_order__shop", "site").prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.filter(status__in=["approved", "accepted"]))
        )[:limit]
    )
