"""总台退换货 (AS-12, AS-13, AS-14): the shop confirms first, then the receipt is checked against the return rules,
a refund is approved, and only then does the cashier execute it. One function per step, each with its event."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Role, User
from kefu.accounts.permissions import Capability
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.notifications import notify

from . import access, warranty
from .errors import AfterSalesError
from .inputs import a_date, amount, choice, text
from .models import AfterSalesCase, CaseKind, ReturnKind, ReturnOrigin, ReturnRequest, ReturnStatus, Stage

DESK_RETURN_KINDS = frozenset({CaseKind.EXCHANGE, CaseKind.RETURN, CaseKind.REFUND})


def _notify_shop(ret: ReturnRequest) -> None:
    order = ret.case.work_order
    url = reverse("aftersales:pending_returns")
    for person in User.objects.filter(role=Role.SHOP, shop_id=order.shop_id, is_active=True):
        notify(
            person,
            kind="aftersales_shop_confirmation",
            title=_("Return/exchange to confirm: %(number)s") % {"number": order.number},
            body=f"{ret.case.product_name} {ret.case.model} · {ret.get_kind_display()}",
            url=url,
        )


def open_return(case: AfterSalesCase, *, actor, kind: str, origin: str, refund_amount=None) -> ReturnRequest:
    """Start the return/exchange; the caller holds the case lock and has checked the actor and the stage."""
    kind = choice(kind, ReturnKind.choices, "kind")
    money = amount(refund_amount, "refund_amount") if kind == ReturnKind.RETURN else None
    # At a mall the shop decides whether the desk may take the goods back; without a shop (web shop) nobody is asked.
    status = ReturnStatus.AWAITING_SHOP if case.work_order.shop_id else ReturnStatus.AWAITING_RECEIPT
    ret = ReturnRequest.objects.create(
        case=case, kind=kind, origin=origin, status=status, refund_amount=money, opened_by=actor
    )
    case.stage = Stage.RETURNING
    access.save(case, ["stage"])
    access.event(
        case, actor, "return_opened", new={"kind": kind, "origin": origin, "refund_amount": money, "status": status}
    )
    if status == ReturnStatus.AWAITING_SHOP:
        _notify_shop(ret)
    return ret


@transaction.atomic
def open_desk_return(case: AfterSalesCase, *, actor, kind: str, refund_amount=None) -> ReturnRequest:
    """A customer at the front desk asks to return or exchange what was bought (not a warranty remedy)."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    if case.kind not in DESK_RETURN_KINDS:
        raise ServiceError(AfterSalesError.RETURN_NOT_ALLOWED)
    access.require_stage(case, Stage.DECIDED)
    access.begin_handling(case, actor)
    return open_return(case, actor=actor, kind=kind, origin=ReturnOrigin.DESK, refund_amount=refund_amount)


def _lock_return(ret: ReturnRequest) -> tuple[AfterSalesCase, ReturnRequest]:
    # Fixed order: the case first, then its return (the same order every service takes).
    case = access.lock(ret.case)
    return case, ReturnRequest.objects.select_for_update().get(pk=ret.pk)


def _require_status(ret: ReturnRequest, status: str) -> None:
    if ret.status != status:
        raise ServiceError(AfterSalesError.RETURN_WRONG_STATUS)


def _refuse(case, ret, actor, *, reason: str, alternative: str, step: str) -> None:
    ret.status = ReturnStatus.REFUSED
    ret.refusal_reason = reason[:300]
    ret.alternative = alternative
    case.stage = Stage.DONE
    access.save(case, ["stage"])
    access.event(case, actor, "return_refused", new={"step": step, "alternative": alternative}, note=ret.refusal_reason)


def _explained(reason: str, alternative: str) -> tuple[str, str]:
    reason = text(reason, "reason", max_length=300)
    alternative = text(alternative, "alternative", max_length=300)
    if not reason or not alternative:
        raise ServiceError(
            AfterSalesError.REFUSAL_EXPLAINED,
            fields={
                k: [AfterSalesError.REFUSAL_EXPLAINED.message]
                for k, v in (("reason", reason), ("alternative", alternative))
                if not v
            },
        )
    return reason, alternative


@transaction.atomic
def confirm_by_shop(
    ret: ReturnRequest, *, actor, agreed: bool, shop_person: str = "", reason: str = "", alternative: str = ""
) -> ReturnRequest:
    """与商铺进行确认 (AS-12): a shop user of that shop answers itself, or the desk records who at the shop said so."""
    case, ret = _lock_return(ret)
    order = case.work_order
    if getattr(actor, "role", None) == Role.SHOP:
        if not actor.shop_id or actor.shop_id != order.shop_id:
            raise not_found()  # another shop's returns do not exist for a shop user
        shop_person = actor.name
    else:
        access.require_works_on(actor, case)
        shop_person = text(shop_person, "shop_person", max_length=60, required=AfterSalesError.SHOP_PERSON_REQUIRED)
    access.require_open(case)
    _require_status(ret, ReturnStatus.AWAITING_SHOP)
    if not isinstance(agreed, bool):
        raise invalid({"agreed": CoreError.INVALID_INPUT.message})
    if not agreed:
        reason, alternative = _explained(reason, alternative)
    ret.shop_agreed = agreed
    ret.shop_person = shop_person
    ret.shop_confirmed_by = actor
    ret.shop_confirmed_at = timezone.now()
    fields = ["shop_agreed", "shop_person", "shop_confirmed_by", "shop_confirmed_at", "status"]
    access.event(
        case, actor, "shop_confirmed", new={"agreed": agreed, "shop_person": shop_person, "shop": order.shop_id}
    )
    if agreed:
        ret.status = ReturnStatus.AWAITING_RECEIPT
    else:
        _refuse(case, ret, actor, reason=reason, alternative=alternative, step="shop")
        fields += ["refusal_reason", "alternative"]
    ret.save(update_fields=fields)
    return ret


@transaction.atomic
def check_receipt(
    ret: ReturnRequest,
    *,
    actor,
    receipt_present: bool,
    receipt_number: str = "",
    receipt_on=None,
    goods_intact: bool = True,
    alternative: str = "",
) -> ReturnRequest:
    """检查票据是否符合退换要求 (AS-13), by the rule snapshot of the case: the same rules for every customer.

    A failed check is a refusal, which must say what else was offered to the customer (AS-14)."""
    case, ret = _lock_return(ret)
    access.require_works_on(actor, case)
    access.require_open(case)
    _require_status(ret, ReturnStatus.AWAITING_RECEIPT)
    receipt_number = text(receipt_number, "receipt_number", max_length=60)
    if receipt_present and not receipt_number:
        raise invalid({"receipt_number": CoreError.INVALID_INPUT.message})
    receipt_on = a_date(receipt_on, "receipt_on") if receipt_present and receipt_on not in (None, "") else None
    site = case.work_order.site
    findings = warranty.receipt_findings(
        case.rule_snapshot,
        kind=ret.kind,
        origin=ret.origin,
        purchased_on=case.purchased_on,
        on=warranty.local_date(ret.opened_at, site.time_zone),
        receipt_present=bool(receipt_present),
        receipt_on=receipt_on,
        goods_intact=bool(goods_intact),
    )
    if findings:
        _reason, alternative = _explained(" ".join(findings)[:300], alternative)
    ret.receipt_number = receipt_number
    ret.receipt_on = receipt_on
    ret.receipt_passed = not findings
    ret.receipt_findings = findings
    ret.receipt_checked_by = actor
    ret.receipt_checked_at = timezone.now()
    fields = ["receipt_number", "receipt_on", "receipt_passed", "receipt_findings", "receipt_checked_by"]
    fields += ["receipt_checked_at", "status"]
    access.event(
        case,
        actor,
        "receipt_checked",
        new={"passed": not findings, "receipt_number": receipt_number},
        note=" ".join(findings),
    )
    if findings:
        _refuse(case, ret, actor, reason=" ".join(findings), alternative=alternative, step="receipt")
        fields += ["refusal_reason", "alternative"]
    else:
        ret.status = (
            ReturnStatus.AWAITING_CASHIER if ret.kind == ReturnKind.EXCHANGE else ReturnStatus.AWAITING_APPROVAL
        )
    ret.save(update_fields=fields)
    return ret


@transaction.atomic
def approve_refund(ret: ReturnRequest, *, actor, note: str = "") -> ReturnRequest:
    """A refund leaves the till only with a manager's approval of the amount."""
    case, ret = _lock_return(ret)
    access.require_site(actor, case)
    access.require(actor, Capability.APPROVE_REFUND)
    access.require_open(case)
    _require_status(ret, ReturnStatus.AWAITING_APPROVAL)
    note = text(note, "note", max_length=300)
    ret.approved_by = actor
    ret.approved_at = timezone.now()
    ret.status = ReturnStatus.AWAITING_CASHIER
    ret.save(update_fields=["approved_by", "approved_at", "status"])
    access.event(case, actor, "refund_approved", new={"refund_amount": ret.refund_amount}, note=note)
    return ret


@transaction.atomic
def record_cashier(ret: ReturnRequest, *, actor, note: str = "") -> ReturnRequest:
    """退换货办理主要操作在收银员: the cashier's execution, last and only after every check."""
    case, ret = _lock_return(ret)
    access.require_site(actor, case)
    access.require(actor, Capability.RECORD_CASHIER)
    access.require_open(case)
    _require_status(ret, ReturnStatus.AWAITING_CASHIER)
    ret.cashier_note = text(note, "note", max_length=300)
    ret.cashier_by = actor
    ret.cashier_at = timezone.now()
    ret.status = ReturnStatus.COMPLETED
    ret.save(update_fields=["cashier_note", "cashier_by", "cashier_at", "status"])
    case.stage = Stage.DONE
    access.save(case, ["stage"])
    access.event(
        case, actor, "cashier_done", new={"kind": ret.kind, "refund_amount": ret.refund_amount}, note=ret.cashier_note
    )
    return ret
