"""The panel's steps: which service each form calls, with which keywords. One table for the web views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Role
from kefu.accounts.selectors import departments_for, staff_for

from . import return_services as R
from . import services as S
from .models import ReturnRequest


def _ret(case):
    return ReturnRequest.objects.get(case=case)


@dataclass(frozen=True)
class Step:
    call: Callable  # (case, actor, data) -> object
    done: object

    def run(self, case, actor, data):
        return self.call(case, actor, data)

    def options(self, case, actor) -> dict:
        return step_options(case, actor)


def step_options(case, actor) -> dict:
    """The choices a step form validates against (the same lists the panel offered)."""
    site_id = case.work_order.site_id
    return {
        "staff": [(u.id, u.name) for u in staff_for(actor, site_id=site_id).only("id", "display_name", "username")],
        "departments": [(d.id, d.name) for d in departments_for(actor).filter(site_id=site_id)],
        "remedies": S.offered_remedies(case) if case.rule_snapshot else [],
        "exclusions": case.rule.exclusion_list,
        "by_shop": getattr(actor, "role", None) == Role.SHOP,
    }


STEPS: dict[str, Step] = {
    "recheck": Step(
        lambda c, a, d: S.check_eligibility(c, actor=a, exclusions_found=d["exclusions_found"]),
        _("Eligibility checked."),
    ),
    "override": Step(
        lambda c, a, d: S.override_eligibility(c, actor=a, eligibility=d["eligibility"], reason=d["reason"]),
        _("Eligibility overridden."),
    ),
    "path": Step(
        lambda c, a, d: S.choose_repair_path(c, actor=a, path=d["path"], department_id=d["department"], note=d["note"]),
        _("Repair path recorded."),
    ),
    "desk_return": Step(
        lambda c, a, d: R.open_desk_return(c, actor=a, kind=d["kind"], refund_amount=d["refund_amount"]),
        _("Return / exchange opened."),
    ),
    "inbound": Step(
        lambda c, a, d: S.record_inbound_shipment(
            c, actor=a, carrier=d["carrier"], tracking_number=d["tracking_number"], received_on=d["on"]
        ),
        _("Parcel recorded."),
    ),
    "repair": Step(
        lambda c, a, d: S.record_repair(
            c,
            actor=a,
            outcome=d["outcome"],
            fault_cause=d["fault_cause"],
            repair_method=d["repair_method"],
            technician_id=d["technician"],
        ),
        _("Repair recorded."),
    ),
    "remedy": Step(
        lambda c, a, d: S.choose_remedy(
            c, actor=a, remedy=d["remedy"], quote_amount=d["quote_amount"], refund_amount=d["refund_amount"]
        ),
        _("Remedy recorded."),
    ),
    "outbound": Step(
        lambda c, a, d: S.record_outbound_shipment(
            c, actor=a, carrier=d["carrier"], tracking_number=d["tracking_number"], shipped_on=d["on"]
        ),
        _("Shipment recorded."),
    ),
    "notify": Step(
        lambda c, a, d: S.notify_customer(c, actor=a, method=d["method"], note=d["note"]), _("Notification recorded.")
    ),
    "handover": Step(lambda c, a, d: S.record_handover(c, actor=a, note=d["note"]), _("Hand-over recorded.")),
    "shop_confirm": Step(
        lambda c, a, d: R.confirm_by_shop(
            _ret(c),
            actor=a,
            agreed=d["agreed"],
            shop_person=d.get("shop_person", ""),
            reason=d["reason"],
            alternative=d["alternative"],
        ),
        _("The shop's answer is recorded."),
    ),
    "receipt": Step(
        lambda c, a, d: R.check_receipt(
            _ret(c),
            actor=a,
            receipt_present=d["receipt_present"],
            receipt_number=d["receipt_number"],
            receipt_on=d["receipt_on"],
            goods_intact=d["goods_intact"],
            alternative=d["alternative"],
        ),
        _("Receipt check recorded."),
    ),
    "approve": Step(lambda c, a, d: R.approve_refund(_ret(c), actor=a, note=d["note"]), _("Refund approved.")),
    "cashier": Step(lambda c, a, d: R.record_cashier(_ret(c), actor=a, note=d["note"]), _("Cashier step recorded.")),
}
