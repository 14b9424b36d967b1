"""The after-sales panel on the work-order detail page (registered in apps.py)."""

from __future__ import annotations

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import departments_for, staff_for
from kefu.tickets.selectors import works_on

from . import forms, selectors, services
from .models import Direction, Eligibility, Path, ReturnStatus, Stage


def order_panel(order, request) -> dict | None:
    case = selectors.case_for_order(order)
    if case is None:
        return None
    actor = request.user
    history = selectors.case_history(case)
    ret = history["return_request"]
    works = works_on(actor, order) and order.status not in ("resolved", "closed", "cancelled")
    can = {
        "recheck": works and case.stage in (Stage.REGISTERED, Stage.DECIDED),
        "override": has_capability(actor, Capability.OVERRIDE_WARRANTY)
        and case.stage in (Stage.DECIDED, Stage.REPAIRING, Stage.UNREPAIRABLE),
        "path": works and case.stage == Stage.DECIDED and case.eligibility != Eligibility.NOT_COVERED,
        "desk_return": works and case.stage == Stage.DECIDED and case.kind in ("exchange", "return", "refund"),
        "inbound": works
        and case.path == Path.MAIL_IN
        and case.stage == Stage.REPAIRING
        and Direction.INBOUND not in history["shipments"],
        "repair": works
        and case.stage == Stage.REPAIRING
        and (case.path != Path.MAIL_IN or Direction.INBOUND in history["shipments"]),
        "remedy": works and case.stage == Stage.UNREPAIRABLE,
        "outbound": works
        and case.path == Path.MAIL_IN
        and case.stage == Stage.HANDOVER
        and Direction.OUTBOUND not in history["shipments"],
        "notify": works and case.stage == Stage.HANDOVER,
        "handover": works and case.stage == Stage.HANDOVER and case.notified_at is not None,
        "shop_confirm": works and ret is not None and ret.status == ReturnStatus.AWAITING_SHOP,
        "receipt": works and ret is not None and ret.status == ReturnStatus.AWAITING_RECEIPT,
        "approve": ret is not None
        and ret.status == ReturnStatus.AWAITING_APPROVAL
        and has_capability(actor, Capability.APPROVE_REFUND),
        "cashier": ret is not None
        and ret.status == ReturnStatus.AWAITING_CASHIER
        and has_capability(actor, Capability.RECORD_CASHIER),
    }
    staff = []
    departments = []
    if can["repair"] or can["path"]:
        staff = [(u.id, u.name) for u in staff_for(actor, site_id=order.site_id).only("id", "display_name", "username")]
        departments = [(d.id, d.name) for d in departments_for(actor).filter(site_id=order.site_id)]
    remedies = services.offered_remedies(case) if can["remedy"] else []
    form_set = forms.panel_forms(
        case,
        can,
        staff=staff,
        departments=departments,
        remedies=remedies,
        data=getattr(request, "_aftersales_failed", None),
    )
    return {
        "order": order,
        "case": case,
        "ret": ret,
        "repairs": history["repairs"],
        "shipments": history["shipments"],
        "events": history["events"],
        "earlier": selectors.earlier_cases_of_serial(case),
        "forms": form_set,
        "snapshot": case.rule_snapshot or {},
    }
