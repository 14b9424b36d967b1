"""After-sales actions on a case: intake, eligibility, override, repair path, shipments, repair record, remedy,
customer notification and hand-over. One function each, one transaction each, one history event each."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.accounts.permissions import Capability
from kefu.accounts.selectors import get_site_for
from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.tickets import services as tickets
from kefu.tickets.models import Channel, WorkOrderType

from . import access, warranty
from .errors import AfterSalesError
from .inputs import a_date, amount, choice, required_text, text
from .models import (
    AfterSalesCase,
    CaseKind,
    Direction,
    Eligibility,
    NotifyMethod,
    Path,
    Remedy,
    RepairOutcome,
    RepairRecord,
    ReturnKind,
    ReturnOrigin,
    Shipment,
    Stage,
    WarrantyRule,
)
from .return_services import open_return


def _today(site) -> object:
    return warranty.local_date(timezone.now(), site.time_zone)


def _rule(site, rule_id) -> WarrantyRule:
    try:
        return WarrantyRule.objects.get(pk=int(rule_id), site=site, is_active=True)
    except (WarrantyRule.DoesNotExist, TypeError, ValueError):
        raise ServiceError(
            AfterSalesError.RULE_REQUIRED, fields={"rule": [AfterSalesError.RULE_REQUIRED.message]}
        ) from None


def create_after_sales_case(
    *,
    actor,
    site_id: int,
    rule_id: int,
    product_name: str,
    model: str,
    purchased_on,
    problem: str,
    channel: str = Channel.WALK_IN,
    kind: str = CaseKind.REPAIR,
    customer_id: int | None = None,
    customer_name: str = "",
    customer_phone: str = "",
    serial_number: str = "",
    purchase_place: str = "",
    order_number: str = "",
    receipt_present: bool = False,
    shop_id: int | None = None,
    photos=(),
) -> AfterSalesCase:
    """售后登记 (AS-01, AS-02): an after_sales work order, its case, the first eligibility check, the photos."""
    access.require(actor, Capability.CREATE_WORK_ORDER)
    site = get_site_for(actor, site_id)
    kind = choice(kind, CaseKind.choices, "kind")
    rule = _rule(site, rule_id)
    fields = {
        "product_name": required_text(product_name, "product_name", max_length=100),
        "model": required_text(model, "model", max_length=60),
        "serial_number": text(serial_number, "serial_number", max_length=60),
        "purchase_place": text(purchase_place, "purchase_place", max_length=100),
        "order_number": text(order_number, "order_number", max_length=60),
    }
    problem = required_text(problem, "problem", max_length=5000)
    purchased_on = a_date(purchased_on, "purchased_on")
    if purchased_on > _today(site):
        raise ServiceError(
            AfterSalesError.PURCHASE_IN_FUTURE, fields={"purchased_on": [AfterSalesError.PURCHASE_IN_FUTURE.message]}
        )
    order_fields = dict(
        site_id=site.id,
        type=WorkOrderType.AFTER_SALES,
        channel=channel,
        subject=f"{fields['product_name']} {fields['model']} · {CaseKind(kind).label}"[:200],
        description=problem,
        product=f"{fields['product_name']} {fields['model']}"[:200],
        shop_id=shop_id,
        accept_now=channel in tickets.LIVE_CHANNELS,
    )
    with transaction.atomic():
        if customer_id or not (customer_name or customer_phone):
            order = tickets.create_work_order(actor=actor, customer_id=customer_id, **order_fields)
        else:
            order = tickets.create_work_order_with_new_customer(
                actor=actor, customer_name=customer_name, customer_phone=customer_phone, **order_fields
            )
        case = AfterSalesCase.objects.create(
            work_order=order,
            kind=kind,
            rule=rule,
            purchased_on=purchased_on,
            receipt_present=bool(receipt_present),
            **fields,
        )
        access.event(
            case,
            actor,
            "registered",
            new={
                "kind": kind,
                "rule": rule.pk,
                "purchased_on": purchased_on,
                **fields,
                "receipt_present": bool(receipt_present),
            },
        )
        _decide(case, actor, rule, exclusions_found=[])
        for photo in photos:
            tickets.add_attachment(order, actor=actor, uploaded=photo)
    return case


def _decide(case: AfterSalesCase, actor, rule: WarrantyRule, *, exclusions_found: list[str]) -> None:
    snapshot = rule.snapshot()
    # The request date, not the day someone gets round to checking: a customer who came in time stays in time.
    on = warranty.local_date(case.work_order.created_at, case.work_order.site.time_zone)
    decision = warranty.decide(snapshot, purchased_on=case.purchased_on, on=on, exclusions_found=exclusions_found)
    old = {"eligibility": case.decided_eligibility}
    case.decided_eligibility = decision.eligibility
    case.eligibility_reason = decision.reason[:300]
    case.warranty_until = decision.warranty_until
    case.decided_on = on
    case.rule_snapshot = snapshot
    case.exclusions_found = exclusions_found
    case.stage = Stage.DECIDED
    access.save(
        case,
        [
            "decided_eligibility",
            "eligibility_reason",
            "warranty_until",
            "decided_on",
            "rule_snapshot",
            "exclusions_found",
            "stage",
        ],
    )
    access.event(
        case,
        actor,
        "eligibility_checked",
        old=old,
        new={"eligibility": decision.eligibility, "rule_version": rule.version, "exclusions": exclusions_found},
        note=case.eligibility_reason,
    )


@transaction.atomic
def check_eligibility(case: AfterSalesCase, *, actor, exclusions_found=()) -> AfterSalesCase:
    """确定是否符合售后服务范围 (AS-03) against the category's current rule; re-checkable until a path is chosen."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.REGISTERED, Stage.DECIDED)
    rule = case.rule
    found = [str(x).strip() for x in exclusions_found if str(x).strip()]
    unknown = [x for x in found if x not in rule.exclusion_list]
    if unknown:
        raise ServiceError(
            AfterSalesError.UNKNOWN_EXCLUSION, fields={"exclusions_found": [AfterSalesError.UNKNOWN_EXCLUSION.message]}
        )
    _decide(case, actor, rule, exclusions_found=list(dict.fromkeys(found)))
    return case


@transaction.atomic
def override_eligibility(case: AfterSalesCase, *, actor, eligibility: str, reason: str) -> AfterSalesCase:
    """A manager's override, kept beside the rule's decision with who, when and why."""
    case = access.lock(case)
    access.require_site(actor, case)
    access.require(actor, Capability.OVERRIDE_WARRANTY)
    access.require_open(case)
    access.require_stage(case, Stage.DECIDED, Stage.REPAIRING, Stage.UNREPAIRABLE)
    reason = text(reason, "reason", max_length=300, required=AfterSalesError.OVERRIDE_REASON_REQUIRED)
    if eligibility not in (Eligibility.IN_WARRANTY, Eligibility.OUT_OF_WARRANTY, Eligibility.NOT_COVERED):
        raise invalid({"eligibility": CoreError.INVALID_INPUT.message})
    if eligibility == case.eligibility:
        raise ServiceError(
            AfterSalesError.OVERRIDE_SAME, fields={"eligibility": [AfterSalesError.OVERRIDE_SAME.message]}
        )
    old = {"eligibility": case.eligibility}
    case.override_eligibility = eligibility
    case.override_reason = reason
    case.overridden_by = actor
    case.overridden_at = timezone.now()
    access.save(case, ["override_eligibility", "override_reason", "overridden_by", "overridden_at"])
    access.event(case, actor, "eligibility_overridden", old=old, new={"eligibility": eligibility}, note=reason)
    return case


@transaction.atomic
def choose_repair_path(
    case: AfterSalesCase, *, actor, path: str, department_id: int | None = None, note: str = ""
) -> AfterSalesCase:
    """上门 (dispatch: the order is transferred to the department) or 寄修 (AS-04)."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.DECIDED)
    path = choice(path, [(Path.ON_SITE, ""), (Path.MAIL_IN, "")], "path")
    if case.eligibility == Eligibility.NOT_COVERED:
        raise ServiceError(AfterSalesError.NOT_COVERED)
    note = text(note, "note", max_length=1000)
    access.begin_handling(case, actor)
    if path == Path.ON_SITE:
        if not department_id:
            raise ServiceError(
                AfterSalesError.DEPARTMENT_REQUIRED,
                fields={"department": [AfterSalesError.DEPARTMENT_REQUIRED.message]},
            )
        reason = note or str(Path.ON_SITE.label)
        tickets.transfer_work_order(case.work_order, actor=actor, reason=reason, department_id=department_id)
    case.path = path
    case.stage = Stage.REPAIRING
    access.save(case, ["path", "stage"])
    access.event(case, actor, "path_chosen", new={"path": path, "department": department_id}, note=note)
    return case


def _mail_in(case):
    if case.path != Path.MAIL_IN:
        raise ServiceError(AfterSalesError.NOT_MAIL_IN)


def _shipment(case, actor, direction, carrier, tracking_number, on) -> Shipment:
    carrier = required_text(carrier, "carrier", max_length=60)
    tracking_number = required_text(tracking_number, "tracking_number", max_length=60)
    on = a_date(on, "on")
    if on > _today(case.work_order.site) or on < case.purchased_on:
        raise invalid({"on": CoreError.INVALID_INPUT.message})
    if case.shipments.filter(direction=direction).exists():
        raise ServiceError(AfterSalesError.SHIPMENT_EXISTS)
    shipment = Shipment.objects.create(
        case=case, direction=direction, carrier=carrier, tracking_number=tracking_number, on=on, recorded_by=actor
    )
    access.event(
        case, actor, f"shipment_{direction}", new={"carrier": carrier, "tracking_number": tracking_number, "on": on}
    )
    return shipment


@transaction.atomic
def record_inbound_shipment(
    case: AfterSalesCase, *, actor, carrier: str, tracking_number: str, received_on
) -> Shipment:
    """寄修: the parcel from the customer arrived (company, tracking number, day received)."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    _mail_in(case)
    access.require_stage(case, Stage.REPAIRING)
    return _shipment(case, actor, Direction.INBOUND, carrier, tracking_number, received_on)


@transaction.atomic
def record_outbound_shipment(
    case: AfterSalesCase, *, actor, carrier: str, tracking_number: str, shipped_on
) -> Shipment:
    """寄修: the product goes back to the customer; only once it is ready to go back."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    _mail_in(case)
    access.require_stage(case, Stage.HANDOVER)
    if not case.shipments.filter(direction=Direction.INBOUND).exists():
        raise ServiceError(AfterSalesError.INBOUND_MISSING)
    return _shipment(case, actor, Direction.OUTBOUND, carrier, tracking_number, shipped_on)


def _finish_repair(case, actor, now) -> None:
    """On site the product never left the customer; by mail it must still go back (notify, then hand over)."""
    if case.path == Path.ON_SITE:
        case.stage = Stage.DONE
        case.handed_over_at = now
    else:
        case.stage = Stage.HANDOVER


@transaction.atomic
def record_repair(
    case: AfterSalesCase,
    *,
    actor,
    outcome: str,
    fault_cause: str,
    repair_method: str,
    technician_id: int | None = None,
) -> RepairRecord:
    """维修记录 (AS-05): technician, the cause analysed, what was done; repaired or unrepairable."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.REPAIRING)
    outcome = choice(outcome, RepairOutcome.choices, "outcome")
    fault_cause = required_text(fault_cause, "fault_cause", max_length=2000)
    repair_method = required_text(repair_method, "repair_method", max_length=2000)
    technician = actor
    if technician_id:
        technician = User.objects.filter(
            pk=technician_id, sites=case.work_order.site_id, is_active=True, is_system=False
        ).first()
        if technician is None:
            raise invalid({"technician": CoreError.NOT_FOUND.message})
    if case.path == Path.MAIL_IN and not case.shipments.filter(direction=Direction.INBOUND).exists():
        raise ServiceError(AfterSalesError.INBOUND_MISSING)
    record = RepairRecord.objects.create(
        case=case,
        technician=technician,
        fault_cause=fault_cause,
        repair_method=repair_method,
        outcome=outcome,
        paid=case.eligibility != Eligibility.IN_WARRANTY,
        recorded_by=actor,
    )
    fields = ["stage"]
    if outcome == RepairOutcome.REPAIRED:
        _finish_repair(case, actor, record.recorded_at)
        fields.append("handed_over_at")
    else:
        case.stage = Stage.UNREPAIRABLE
    access.save(case, fields)
    access.event(
        case,
        actor,
        f"repair_{outcome}",
        new={"record": record.pk, "technician": technician.pk, "paid": record.paid},
        note=f"{fault_cause}\n{repair_method}",
    )
    return record


def offered_remedies(case: AfterSalesCase) -> list[str]:
    return warranty.offered_remedies(case.eligibility, case.rule_snapshot or {})


@transaction.atomic
def choose_remedy(case: AfterSalesCase, *, actor, remedy: str, quote_amount=None, refund_amount=None) -> AfterSalesCase:
    """无法修复 (AS-07): in warranty exchange or refund as the rule snapshot allows; otherwise paid repair or hand back."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.UNREPAIRABLE)
    remedy = choice(remedy, Remedy.choices, "remedy")
    if remedy not in offered_remedies(case):
        raise ServiceError(
            AfterSalesError.REMEDY_NOT_OFFERED, fields={"remedy": [AfterSalesError.REMEDY_NOT_OFFERED.message]}
        )
    fields = ["remedy", "stage"]
    new = {"remedy": remedy}
    case.remedy = remedy
    if remedy == Remedy.PAID_REPAIR:
        if quote_amount in (None, ""):
            raise ServiceError(
                AfterSalesError.QUOTE_REQUIRED, fields={"quote_amount": [AfterSalesError.QUOTE_REQUIRED.message]}
            )
        case.quote_amount = amount(quote_amount, "quote_amount")
        new["quote_amount"] = case.quote_amount
        fields.append("quote_amount")
        case.stage = Stage.REPAIRING  # the customer accepted the quote: the repair goes on, as a paid one
    elif remedy == Remedy.RETURN_PRODUCT:
        _finish_repair(case, actor, timezone.now())
        fields.append("handed_over_at")
    access.save(case, fields)
    access.event(case, actor, "remedy_chosen", new=new)
    if remedy in (Remedy.EXCHANGE, Remedy.REFUND):
        kind = ReturnKind.EXCHANGE if remedy == Remedy.EXCHANGE else ReturnKind.RETURN
        open_return(case, actor=actor, kind=kind, origin=ReturnOrigin.WARRANTY, refund_amount=refund_amount)
    return case


@transaction.atomic
def notify_customer(case: AfterSalesCase, *, actor, method: str, note: str = "") -> AfterSalesCase:
    """通知客户取货或寄送结果 (AS-06); a shipment notice needs the outbound tracking number."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.HANDOVER)
    method = choice(method, NotifyMethod.choices, "method")
    note = text(note, "note", max_length=300)
    if method == NotifyMethod.SHIPMENT and not case.shipments.filter(direction=Direction.OUTBOUND).exists():
        raise ServiceError(AfterSalesError.OUTBOUND_MISSING)
    case.notified_at = timezone.now()
    case.notify_method = method
    case.notify_note = note
    access.save(case, ["notified_at", "notify_method", "notify_note"])
    access.event(case, actor, "customer_notified", new={"method": method}, note=note)
    return case


@transaction.atomic
def record_handover(case: AfterSalesCase, *, actor, note: str = "") -> AfterSalesCase:
    """The customer picked the product up, or the parcel was delivered: the case is done (AS-06)."""
    case = access.lock(case)
    access.require_works_on(actor, case)
    access.require_open(case)
    access.require_stage(case, Stage.HANDOVER)
    if case.notified_at is None:
        raise ServiceError(AfterSalesError.NOT_NOTIFIED)
    note = text(note, "note", max_length=300)
    case.handed_over_at = timezone.now()
    case.stage = Stage.DONE
    access.save(case, ["handed_over_at", "stage"])
    access.event(case, actor, "handed_over", note=note)
    return case


def may_resolve(case: AfterSalesCase | None) -> bool:
    """The generic 已解决 waits for the after-sales steps; a case outside the service scope only needs the answer."""
    if case is None:
        return True
    return case.stage == Stage.DONE or (case.stage == Stage.DECIDED and case.eligibility == Eligibility.NOT_COVERED)
