"""Customer archive API: list and search, create, retrieve, lookup by phone while typing, reveal a number.

Phone numbers leave the server masked (138****5678); the full number only through the logged reveal endpoint.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from kefu.accounts.api import SiteRefSerializer
from kefu.core.api import (
    IDEMPOTENCY_PARAMETER,
    KefuAPIView,
    error_responses,
    id_field,
    idempotent_create,
    line_field,
    text_field,
)
from kefu.core.errors import invalid
from kefu.core.phones import search_digits

from .models import CustomerKind, Tier
from .selectors import (
    get_customer_for,
    get_customer_phone_for,
    lookup_by_phone_prefix,
    search_customers,
)
from .services import add_customer_phone, create_customer, reveal_customer_phone, update_customer

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 10_000
MAX_PHONES = 10
MAX_TAGS = 20

# --- representations -----------------------------------------------------------------------------------------


class CustomerPhoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(source="masked", read_only=True, help_text="Masked, e.g. 138****5678.")
    kind = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)


class CustomerRefSerializer(serializers.Serializer):
    """A customer as embedded in a work order."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, read_only=True)
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True)


class CustomerSummarySerializer(CustomerRefSerializer):
    site = SiteRefSerializer(read_only=True)
    phones = CustomerPhoneSerializer(many=True, read_only=True)


class CustomerSerializer(CustomerSummarySerializer):
    tags = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, customer) -> list[str]:
        return sorted(t.name for t in customer.tags.all())


class CustomerDetailSerializer(CustomerSerializer):
    email = serializers.EmailField(read_only=True)
    address = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


# --- input shapes (business rules stay in the services) ------------------------------------------------------


def _phone_field(**kw):
    return line_field(30, **kw)


class CustomerCreateSerializer(serializers.Serializer):
    site = id_field()
    name = line_field(100)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL)
    phones = serializers.ListField(child=_phone_field(), max_length=MAX_PHONES)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    address = line_field(200, required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.C)
    tags = serializers.ListField(child=line_field(30), max_length=MAX_TAGS, required=False, default=list)
    notes = text_field(required=False, allow_blank=True, default="")


class CustomerUpdateSerializer(serializers.Serializer):
    name = line_field(100, required=False)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = line_field(200, required=False, allow_blank=True)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    tags = serializers.ListField(child=line_field(30), max_length=MAX_TAGS, required=False)
    notes = text_field(required=False, allow_blank=True)


class AddPhoneSerializer(serializers.Serializer):
    number = _phone_field()


class CustomerListQuerySerializer(serializers.Serializer):
    q = line_field(100, required=False, allow_blank=True, help_text="Name, or the first digits of a phone number.")
    site = id_field(required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    phone = line_field(30, required=False, allow_blank=True, help_text="Phone number prefix (≥ 3 digits).")
    cursor = serializers.CharField(max_length=20, required=False, allow_blank=True)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False, default=PAGE_SIZE)

    def validate_cursor(self, value):
        if value and not (value.isascii() and value.isdigit()):  # "¹".isdigit() is True, int("¹") fails
            raise serializers.ValidationError(_("Invalid cursor."))
        return int(value) if value else None


class LookupSerializer(serializers.Serializer):
    phone = line_field(30, help_text="What has been typed so far; at least 3 digits.")
    site = id_field(required=False)


class RevealSerializer(serializers.Serializer):
    reason = text_field(500, required=False, allow_blank=True, default="", help_text="Why the full number is needed.")


CustomerPage = inline_serializer(
    "CustomerPage",
    {
        "results": CustomerSerializer(many=True),
        "next_cursor": serializers.CharField(allow_null=True),
        "count": serializers.IntegerField(),
        "count_capped": serializers.BooleanField(),
    },
)
LookupResult = inline_serializer("CustomerLookupResult", {"results": CustomerSummarySerializer(many=True)})
RevealResult = inline_serializer(
    "PhoneReveal",
    {
        "phone_id": serializers.IntegerField(),
        "customer_id": serializers.IntegerField(),
        "number": serializers.CharField(),
    },
)


def _detail(customer) -> dict:
    return CustomerDetailSerializer(customer).data


# --- views -----------------------------------------------------------------------------------------------------


class CustomerListView(KefuAPIView):
    @extend_schema(
        tags=["customers"],
        operation_id="v1_customers_list",
        parameters=[CustomerListQuerySerializer],
        responses={200: CustomerPage, **error_responses(400, 401)},
    )
    def get(self, request):
        """Customers of the caller's sites, newest first, with phone numbers masked."""
        params = CustomerListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        qs = search_customers(request.user, p.get("q", ""), site_id=p.get("site")).prefetch_related("tags")
        if p.get("tier"):
            qs = qs.filter(tier=p["tier"])
        if p.get("phone"):
            digits = search_digits(p["phone"])
            if len(digits) < 3:
                raise invalid({"phone": _("Type at least 3 digits.")})
            qs = qs.filter(phones__national__startswith=digits).distinct()
        total = qs.order_by().values("id")[: COUNT_CAP + 1].count()
        if p.get("cursor"):
            qs = qs.filter(id__lt=p["cursor"])
        rows = list(qs.order_by("-id")[: p["page_size"] + 1])
        next_cursor = None
        if len(rows) > p["page_size"]:
            rows = rows[: p["page_size"]]
            next_cursor = str(rows[-1].id)
        return Response(
            {
                "results": CustomerSerializer(rows, many=True).data,
                "next_cursor": next_cursor,
                "count": min(total, COUNT_CAP),
                "count_capped": total > COUNT_CAP,
            }
        )

    @extend_schema(
        tags=["customers"],
        request=CustomerCreateSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: CustomerDetailSerializer, **error_responses(400, 401, 403, 404, 422)},
    )
    def post(self, request):
        """Create a customer archive with at least one phone number."""
        data = CustomerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def create():
            customer = create_customer(
                actor=request.user,
                site_id=v["site"],
                name=v["name"],
                phones=v["phones"],
                kind=v["kind"],
                email=v["email"],
                address=v["address"],
                tier=v["tier"],
                tags=v["tags"],
                notes=v["notes"],
            )
            return status.HTTP_201_CREATED, _detail(get_customer_for(request.user, customer.pk))

        return idempotent_create(request, scope="customers.create", action=create)


class CustomerDetailView(KefuAPIView):
    @extend_schema(tags=["customers"], responses={200: CustomerDetailSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return Response(_detail(get_customer_for(request.user, pk)))

    @extend_schema(
        tags=["customers"],
        request=CustomerUpdateSerializer,
        responses={200: CustomerDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        """Change archive fields; the change is recorded as an event with the old values."""
        customer = get_customer_for(request.user, pk)
        data = CustomerUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        tags = changes.pop("tags", None)
        update_customer(customer, actor=request.user, changes=changes, tags=tags)
        return Response(_detail(get_customer_for(request.user, pk)))


class CustomerPhoneAddView(KefuAPIView):
    @extend_schema(
        tags=["customers"],
        request=AddPhoneSerializer,
        responses={201: CustomerDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        customer = get_customer_for(request.user, pk)
        data = AddPhoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        add_customer_phone(customer, actor=request.user, number=data.validated_data["number"])
        return Response(_detail(get_customer_for(request.user, pk)), status=status.HTTP_201_CREATED)


class CustomerLookupView(KefuAPIView):
    """Find customers by the first digits of a phone number while the agent types (at most 10)."""

    def _lookup(self, request, source):
        data = LookupSerializer(data=source)
        data.is_valid(raise_exception=True)
        found = lookup_by_phone_prefix(
            request.user, data.validated_data["phone"], site_id=data.validated_data.get("site")
        )
        return Response({"results": CustomerSummarySerializer(found, many=True).data})

    @extend_schema(
        tags=["customers"], parameters=[LookupSerializer], responses={200: LookupResult, **error_responses(400, 401)}
    )
    def get(self, request):
        return self._lookup(request, request.query_params)

    @extend_schema(
        tags=["customers"], request=LookupSerializer, responses={200: LookupResult, **error_responses(400, 401)}
    )
    def post(self, request):
        return self._lookup(request, request.data)


class PhoneRevealView(KefuAPIView):
    @extend_schema(
        tags=["customers"],
        request=RevealSerializer,
        responses={200: RevealResult, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        """The full number, for roles that may see it; who, when, which and why is written to the access log."""
        phone = get_customer_phone_for(request.user, pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = reveal_customer_phone(phone, actor=request.user, reason=data.validated_data["reason"])
        response = Response({"phone_id": phone.pk, "customer_id": phone.customer_id, "number": number})
        response["Cache-Control"] = "no-store"
        return response
