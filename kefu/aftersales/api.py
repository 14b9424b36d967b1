"""After-sales API under /api/v1/aftersales/: warranty rules, cases (keyed by their work order's id) and one POST
per step, and the shop's pending returns. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kefu.core.api import KefuAPIView, SiteFilterSerializer, error_responses
from kefu.core.errors import CoreError, invalid, not_found

from . import return_services as R
from . import rule_services, selectors
from . import serializers as z
from . import services as S

TAGS = ["after-sales"]


def _case(actor, pk) -> Response:
    case = selectors.get_case_for(actor, pk)
    return Response(z.CaseSerializer(case).data)


class RuleListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[SiteFilterSerializer],
        responses={200: z.RuleSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        """Warranty rules of the caller's sites, or of some of them (`site`)."""
        params = SiteFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rules = selectors.rules_for(request.user, site_ids=params.validated_data.get("site"))
        return Response(z.RuleSerializer(rules, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=z.RuleInputSerializer,
        responses={201: z.RuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        """A new category rule (manager: manage_warranty_rules)."""
        data = z.RuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("site") is None:
            raise invalid({"site": CoreError.INVALID_INPUT.message})
        rule = rule_services.create_warranty_rule(
            actor=request.user, site_id=data.validated_data.get("site"), **data.values()
        )
        return Response(z.RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: z.RuleSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return Response(z.RuleSerializer(selectors.get_rule_for(request.user, pk)).data)

    @extend_schema(
        tags=TAGS,
        request=z.RuleInputSerializer,
        responses={200: z.RuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        """Change the rule: a new version; cases keep the version they were decided on."""
        rule = selectors.get_rule_for(request.user, pk)
        data = z.RuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rule_services.update_warranty_rule(rule, actor=request.user, **data.values())
        return Response(z.RuleSerializer(rule).data)


class CaseCreateView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=z.CaseCreateSerializer,
        responses={201: z.CaseSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        """售后登记: an after_sales work order with its case; eligibility is checked at once. Photos: POST them to
        /api/v1/work-orders/{id}/attachments/."""
        data = z.CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = S.create_after_sales_case(
            actor=request.user,
            site_id=v["site"],
            rule_id=v["rule"],
            customer_id=v["customer"],
            customer_name=v["customer_name"],
            customer_phone=v["customer_phone"],
            kind=v["kind"],
            channel=v["channel"],
            product_name=v["product_name"],
            model=v["model"],
            serial_number=v["serial_number"],
            purchased_on=v["purchased_on"],
            purchase_place=v["purchase_place"],
            order_number=v["order_number"],
            receipt_present=v["receipt_present"],
            shop_id=v["shop"],
            problem=v["problem"],
        )
        return Response(z.CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: z.CaseSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """The case of work order {id}: eligibility with reason and rule snapshot, path, records, return."""
        return _case(request.user, pk)


def _ret(case):
    ret = getattr(case, "return_request", None)
    if ret is None:
        raise not_found()
    return ret


# step -> (input serializer, call(case, actor, data), summary)
STEPS = {
    "eligibility": (z.EligibilityInput, lambda c, a, d: S.check_eligibility(c, actor=a, **d), "Re-check eligibility"),
    "override": (z.OverrideInput, lambda c, a, d: S.override_eligibility(c, actor=a, **d), "Override (manager)"),
    "path": (
        z.PathInput,
        lambda c, a, d: S.choose_repair_path(c, actor=a, path=d["path"], department_id=d["department"], note=d["note"]),
        "Choose on-site (dispatch) or mail-in",
    ),
    "inbound": (
        z.ShipmentInput,
        lambda c, a, d: S.record_inbound_shipment(
            c, actor=a, carrier=d["carrier"], tracking_number=d["tracking_number"], received_on=d["on"]
        ),
        "Mail-in: parcel received",
    ),
    "repair": (
        z.RepairInput,
        lambda c, a, d: S.record_repair(
            c,
            actor=a,
            outcome=d["outcome"],
            technician_id=d["technician"],
            fault_cause=d["fault_cause"],
            repair_method=d["repair_method"],
        ),
        "Repair record",
    ),
    "remedy": (z.RemedyInput, lambda c, a, d: S.choose_remedy(c, actor=a, **d), "Remedy of an unrepairable product"),
    "outbound": (
        z.ShipmentInput,
        lambda c, a, d: S.record_outbound_shipment(
            c, actor=a, carrier=d["carrier"], tracking_number=d["tracking_number"], shipped_on=d["on"]
        ),
        "Mail-in: shipped back",
    ),
    "notify": (z.NotifyInput, lambda c, a, d: S.notify_customer(c, actor=a, **d), "Customer notified"),
    "handover": (z.NoteInput, lambda c, a, d: S.record_handover(c, actor=a, **d), "Picked up / delivered"),
    "return": (z.DeskReturnInput, lambda c, a, d: R.open_desk_return(c, actor=a, **d), "Open a desk return/exchange"),
    "shop-confirmation": (
        z.ShopConfirmInput,
        lambda c, a, d: R.confirm_by_shop(_ret(c), actor=a, **d),
        "Shop's confirmation (staff record it)",
    ),
    "receipt-check": (z.ReceiptInput, lambda c, a, d: R.check_receipt(_ret(c), actor=a, **d), "Receipt check"),
    "refund-approval": (z.NoteInput, lambda c, a, d: R.approve_refund(_ret(c), actor=a, **d), "Approve the refund"),
    "cashier": (z.NoteInput, lambda c, a, d: R.record_cashier(_ret(c), actor=a, **d), "Cashier step"),
}


def step_view(name: str):
    serializer, call, summary = STEPS[name]

    class StepView(KefuAPIView):
        @extend_schema(
            tags=TAGS,
            summary=summary,
            operation_id=f"v1_aftersales_case_{name.replace('-', '_')}",
            request=serializer,
            responses={200: z.CaseSerializer, **error_responses(400, 401, 403, 404, 409)},
        )
        def post(self, request, pk: int):
            case = selectors.get_case_for(request.user, pk)  # scope first: another site's case is a 404
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            call(case, request.user, dict(data.validated_data))
            return _case(request.user, pk)

    StepView.__name__ = f"Step_{name.replace('-', '_')}"
    return StepView.as_view()


class PendingReturnsView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: z.ReturnSerializer(many=True), **error_responses(401)})
    def get(self, request):
        """待确认退换货: a shop user gets its own shop's; staff those of their sites."""
        return Response(z.ReturnSerializer(selectors.returns_awaiting_shop_for(request.user), many=True).data)


class ShopConfirmView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=z.ShopConfirmInput,
        responses={200: z.ReturnSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        """The shop user's own answer to return {id}."""
        ret = selectors.get_return_for(request.user, pk)
        data = z.ShopConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        ret = R.confirm_by_shop(ret, actor=request.user, **data.validated_data)
        return Response(z.ReturnSerializer(ret).data)
