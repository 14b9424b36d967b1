"""Coordination tasks (协调): the complaint handler asks a shop, its manager or principal, a floor manager or a
department for its account of the facts or an action, with an owner and a due time; they answer with text
and files (CMP-09, CMP-12's "every coordination contact is logged")."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Department, Role, Shop, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import department_ids_for, site_ids_for
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.notifications import notify
from kefu.tickets.attachments import classify

from . import rules
from .errors import ComplaintError
from .models import Complaint, CoordinationTask, Party, TaskAttachment, TaskStatus
from .services import event, lock, require_investigation, require_works_on, text
from .solution_services import ask_shops_to_confirm

SHOP_PARTIES = frozenset({Party.SHOP, Party.STORE_MANAGER, Party.MERCHANT_PRINCIPAL})


def task_url(task: CoordinationTask) -> str:
    return f"/complaints/tasks/{task.pk}/"


def _fail(error: ComplaintError, field: str):
    return ServiceError(error, fields={field: [error.message]})


def _owner(complaint: Complaint, owner_id, shop: Shop | None, department: Department | None = None) -> User:
    try:
        owner = User.objects.get(pk=int(owner_id), is_active=True, is_system=False)
    except (User.DoesNotExist, TypeError, ValueError):
        raise _fail(ComplaintError.TASK_OWNER_REQUIRED, "owner") from None
    if owner.role == Role.SHOP:
        # A shop login answers only for its own shop.
        if shop is None or owner.shop_id != shop.pk:
            raise _fail(ComplaintError.TASK_OWNER_NOT_OF_SHOP, "owner")
        return owner
    if not owner.sites.filter(pk=complaint.site_id).exists():
        raise _fail(ComplaintError.TASK_OWNER_REQUIRED, "owner")
    if (
        department is not None
        and not has_capability(owner, Capability.APPROVE_SOLUTION)
        and not owner.departments.filter(pk=department.pk).exists()
    ):
        # The department answers through its own people; a complaint lead may take the task on its behalf.
        raise _fail(ComplaintError.TASK_OWNER_NOT_OF_DEPARTMENT, "owner")
    return owner


@transaction.atomic
def assign_coordination_task(
    complaint: Complaint,
    *,
    actor,
    party: str,
    owner_id,
    instruction: str,
    due_at,
    shop_id=None,
    department_id=None,
    now=None,
) -> CoordinationTask:
    now = now or timezone.now()
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_investigation(complaint)
    if party not in Party.values:
        raise invalid({"party": CoreError.INVALID_INPUT.message})
    shop = department = None
    involved_before = rules.involved_shop_ids(complaint)
    if party in SHOP_PARTIES:
        shop_id = shop_id or complaint.work_order.shop_id
        shop = Shop.objects.filter(pk=shop_id, site_id=complaint.site_id).first() if shop_id else None
        if shop is None:
            raise _fail(ComplaintError.TASK_SHOP_REQUIRED, "shop")
    elif party == Party.DEPARTMENT:
        department = (
            Department.objects.filter(pk=department_id, site_id=complaint.site_id).first() if department_id else None
        )
        if department is None:
            raise _fail(ComplaintError.TASK_DEPARTMENT_REQUIRED, "department")
    if not owner_id:
        raise _fail(ComplaintError.TASK_OWNER_REQUIRED, "owner")
    owner = _owner(complaint, owner_id, shop, department)
    instruction = text(instruction, "instruction", ComplaintError.TASK_INSTRUCTION_REQUIRED)
    if due_at is None or due_at <= now:
        raise _fail(ComplaintError.TASK_DUE_REQUIRED, "due_at")
    task = CoordinationTask.objects.create(
        complaint=complaint, site_id=complaint.site_id, party=party, shop=shop, department=department, owner=owner,
        instruction=instruction, due_at=due_at, created_by=actor,
    )  # fmt: skip
    event(
        complaint,
        actor,
        "task_assigned",
        new={"task": task.pk, "party": party, "owner": owner.pk, "shop": shop and shop.pk,
             "department": department and department.pk, "due_at": due_at},
        note=instruction,
    )  # fmt: skip
    title = _("Coordination task for complaint %(number)s") % {"number": complaint.work_order.number}
    notify(owner, kind="complaint_task", title=title, body=instruction, url=task_url(task))
    approved = rules.current_approved(complaint)
    if shop is not None and approved is not None and shop.pk not in involved_before:
        # Drawn in after the approval: this shop must confirm too before the reply, so it is asked now.
        ask_shops_to_confirm(complaint, approved, {shop.pk})
    return task


def can_answer(actor, task: CoordinationTask) -> bool:
    """The owner, the shop's own login, the department's members; desk staff may record an answer taken by phone."""
    if task.site_id not in site_ids_for(actor):
        return False
    if task.owner_id == actor.id:
        return True
    if actor.role == Role.SHOP:
        return task.shop_id is not None and actor.shop_id == task.shop_id
    if task.department_id and task.department_id in department_ids_for(actor):
        return True
    return has_capability(actor, Capability.WORK_ALL_SITE_ORDERS)


def _require_answerer(actor, task: CoordinationTask) -> None:
    if task.site_id not in site_ids_for(actor):
        raise not_found()
    if not can_answer(actor, task):
        raise ServiceError(ComplaintError.NOT_YOUR_TASK)


@transaction.atomic
def respond_to_task(task: CoordinationTask, *, actor, response: str) -> CoordinationTask:
    complaint = lock(task.complaint_id)
    task = CoordinationTask.objects.select_for_update().get(pk=task.pk)
    _require_answerer(actor, task)
    if task.status != TaskStatus.OPEN:
        raise ServiceError(ComplaintError.TASK_ALREADY_RESPONDED)
    task.response = text(response, "response", ComplaintError.TASK_RESPONSE_REQUIRED)
    task.status, task.responded_by, task.responded_at = TaskStatus.RESPONDED, actor, timezone.now()
    task.save(update_fields=["response", "status", "responded_by", "responded_at"])
    event(complaint, actor, "task_responded", new={"task": task.pk}, note=task.response)
    assignee = complaint.work_order.assignee
    if assignee is not None and assignee.pk != actor.pk:
        title = _("Coordination task answered on complaint %(number)s") % {"number": complaint.work_order.number}
        notify(
            assignee,
            kind="complaint_task_answered",
            title=title,
            body=task.response,
            url=f"/work-orders/{complaint.pk}/",
        )
    return task


@transaction.atomic
def add_task_attachment(task: CoordinationTask, *, actor, uploaded) -> TaskAttachment:
    """A photo, statement or receipt for the task; checked by extension and first bytes like work-order files."""
    complaint = lock(task.complaint_id)
    _require_answerer(actor, task)
    size = getattr(uploaded, "size", 0) or 0
    if size <= 0:
        raise invalid({"file": _("The file is empty.")})
    if size > settings.KEFU_ATTACHMENT_MAX_BYTES:
        raise invalid({"file": _("The file is too large.")})
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    kind = classify(uploaded.name, head)
    if kind is None:
        raise invalid({"file": _("This file type is not allowed. Use images, PDF, Office documents or text.")})
    extension, content_type = kind
    row = TaskAttachment(
        task=task, token=secrets.token_hex(16), extension=extension,
        original_name=os.path.basename(uploaded.name)[:200], content_type=content_type, size=size, uploaded_by=actor,
    )  # fmt: skip
    row.file.save(row.token + extension, uploaded, save=False)
    try:
        row.save()
        event(complaint, actor, "task_file_added", new={"task": task.pk, "name": row.original_name, "size": size})
    except Exception:
        row.file.delete(save=False)
        raise
    return row
