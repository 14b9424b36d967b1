"""The complaint panel on the work-order detail page (registered through kefu.core.extensions)."""

from __future__ import annotations

from kefu.accounts.models import Role
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import departments_for, shops_for, staff_for
from kefu.core.errors import ServiceError
from kefu.tickets.selectors import works_on

from . import forms, rules
from .models import Complaint, Outcome, Path
from .selectors import case_file, complaints_for


def option_lists(actor, site_id) -> dict:
    # has_capability reads the flags below: deferring them costs three queries per colleague.
    staff = list(
        staff_for(actor, site_id=site_id).only(
            "id", "display_name", "username", "role", "is_active", "is_superuser", "is_system"
        )
    )
    from kefu.accounts.models import User

    shop_people = User.objects.filter(role=Role.SHOP, is_active=True, shop__site_id=site_id).select_related("shop")
    return {
        "shops": [(s.id, str(s)) for s in shops_for(actor, site_id=site_id)],
        "departments": [(d.id, d.name) for d in departments_for(actor).filter(site_id=site_id)],
        "owners": [(u.id, u.name) for u in staff if u.role != Role.SHOP]
        + [(u.id, f"{u.name} · {u.shop}") for u in shop_people],
        "approvers": [(u.id, u.name) for u in staff if has_capability(u, Capability.APPROVE_SOLUTION)],
    }


def panel_context(complaint: Complaint, actor, *, failed=None) -> dict:
    order = complaint.work_order
    lists = option_lists(actor, complaint.site_id)
    works = works_on(actor, order)
    is_open = complaint.outcome == Outcome.OPEN and order.status not in ("closed", "cancelled")
    block = rules.reply_block(complaint)
    built = {
        "on_the_spot": forms.OnTheSpotForm(),
        "investigate": forms.InvestigateForm(),
        "office": forms.OfficeForm(),
        "task": forms.TaskForm(shops=lists["shops"], departments=lists["departments"], owners=lists["owners"],
                               initial={"shop": order.shop_id}),
        "proposal": forms.ProposalForm(),
        "reply": forms.ReplyForm(),
        "answer": forms.AnswerForm(),
        "compensation": forms.CompensationForm(approvers=lists["approvers"]),
        "close": forms.CloseForm(),
        "close_unresolved": forms.CloseUnresolvedForm(),
        "approve": forms.ApproveForm(),
        "shop_confirm": forms.ShopConfirmForm(),
    }  # fmt: skip
    if failed:
        built[failed[0]] = failed[1]
    file = case_file(complaint)
    return {
        "complaint": complaint,
        "order": order,
        "file": file,
        "forms": built,
        "failed_action": failed[0] if failed else None,
        "works": works,
        "is_open": is_open,
        "undecided": is_open and not complaint.path,
        "investigating": is_open and complaint.path == Path.INVESTIGATION,
        "reply_block": block.message if block else "",
        "can_reply": is_open and complaint.path == Path.INVESTIGATION and block is None and works,
        "awaiting_answer": bool(file["approved"] and file["approved"].replied_at) and is_open,
        "can_approve": has_capability(actor, Capability.APPROVE_SOLUTION),
        "can_close": complaint.outcome == Outcome.ACCEPTED
        and order.status == "resolved"
        and has_capability(actor, Capability.CLOSE_WORK_ORDER),
        "can_close_unresolved": is_open and has_capability(actor, Capability.CLOSE_UNRESOLVED),
        "enough_proposals": len(file["current_proposals"]) >= 2,
    }


def order_panel(order, request):
    actor = request.user
    # The page holds the order (with its shop): only the complaint row is read, in the actor's scope.
    complaint = complaints_for(actor).select_related("apology_by").filter(pk=order.pk).first()
    if complaint is None:
        return {"complaint": None, "order": order, "can_register": has_capability(actor, Capability.CREATE_WORK_ORDER)}
    complaint.work_order = order
    try:
        # A failed panel form comes back with its errors (the view re-renders the work-order page).
        return panel_context(complaint, actor, failed=getattr(request, "complaint_failed", None))
    except ServiceError:
        return None
