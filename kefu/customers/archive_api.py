"""API of the archive's second cut: credit rating, enterprise contacts, qualification documents, xlsx export.

The same services as the web pages (archive.py, exports.py); contact numbers leave masked, the full number only
through the logged reveal endpoint; an unmasked export needs the reveal capability and is logged like any export.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.api import KefuAPIView, bool_field, error_responses, line_field, text_field
from kefu.core.errors import not_found

from . import archive, exports, selectors
from .models import CreditRating, DocumentType, Tier

TAGS = ["customers"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- representations -----------------------------------------------------------------------------------------


class CreditSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    credit_rating = serializers.ChoiceField(choices=CreditRating.choices, read_only=True)
    credit_reason = serializers.CharField(read_only=True)
    credit_rated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    phone = serializers.CharField(source="masked", read_only=True, help_text="Masked, e.g. 138****5678.")
    address = serializers.CharField(read_only=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    doc_type = serializers.ChoiceField(choices=DocumentType.choices, read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)


ContactList = inline_serializer("EnterpriseContactList", {"results": ContactSerializer(many=True)})
DocumentList = inline_serializer("CustomerDocumentList", {"results": DocumentSerializer(many=True)})
ContactReveal = inline_serializer(
    "ContactPhoneReveal",
    {
        "contact_id": serializers.IntegerField(),
        "customer_id": serializers.IntegerField(),
        "number": serializers.CharField(),
    },
)

# --- input shapes (the rules stay in the services) -----------------------------------------------------------


class CreditInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=CreditRating.choices)
    reason = line_field(200, help_text="Why this rating; required.")


class ContactInputSerializer(serializers.Serializer):
    name = line_field(50)
    title = line_field(50, required=False, allow_blank=True, default="")
    phone = line_field(30)
    address = line_field(200, required=False, allow_blank=True, default="")


class DocumentInputSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    file = serializers.FileField(help_text="PDF, JPEG or PNG; the type is checked from the content.")


class RevealInputSerializer(serializers.Serializer):
    reason = text_field(500, required=False, allow_blank=True, default="", help_text="Why the full number is needed.")


class ExportInputSerializer(serializers.Serializer):
    q = line_field(100, required=False, allow_blank=True, default="")
    site = serializers.IntegerField(min_value=1, max_value=2**53, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    tag = line_field(30, required=False, allow_blank=True, default="")
    key_only = bool_field(required=False, default=False)
    unmasked = bool_field(
        required=False, default=False, help_text="Full numbers, email and address; needs the reveal right; logged."
    )


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


# --- views -----------------------------------------------------------------------------------------------------


class CreditView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=CreditInputSerializer,
        responses={200: CreditSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        """Record a credit rating (信用度评估) with its reason; the previous one stays in the history."""
        customer = selectors.get_customer_for(request.user, pk)
        data = CreditInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        customer = archive.rate_customer_credit(customer, actor=request.user, rating=v["rating"], reason=v["reason"])
        return Response(CreditSerializer(customer).data)


class ContactListView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: ContactList, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """The enterprise's active contacts, numbers masked."""
        customer = selectors.get_customer_for(request.user, pk)
        return Response({"results": ContactSerializer(selectors.contacts_for(customer), many=True).data})

    @extend_schema(
        tags=TAGS,
        request=ContactInputSerializer,
        responses={201: ContactSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        customer = selectors.get_customer_for(request.user, pk)
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = archive.add_enterprise_contact(customer, actor=request.user, **data.validated_data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, request=None, responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, pk: int):
        """The contact leaves the list; the row stays so the history keeps naming them."""
        contact = selectors.get_contact_for(request.user, pk)
        if not contact.is_active:
            raise not_found()
        archive.remove_enterprise_contact(contact, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactRevealView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=RevealInputSerializer,
        responses={200: ContactReveal, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        """The contact's full number, for roles that may see it; written to the access log."""
        contact = selectors.get_contact_for(request.user, pk)
        data = RevealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = archive.reveal_contact_phone(contact, actor=request.user, reason=data.validated_data["reason"])
        return _no_store(Response({"contact_id": contact.pk, "customer_id": contact.customer_id, "number": number}))


class DocumentListView(KefuAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, responses={200: DocumentList, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        customer = selectors.get_customer_for(request.user, pk)
        documents = selectors.documents_or_refuse(request.user, customer)
        return Response({"results": DocumentSerializer(documents, many=True).data})

    @extend_schema(
        tags=TAGS,
        summary="Upload a qualification document (multipart fields `doc_type`, `file`; PDF, JPEG, PNG)",
        request={"multipart/form-data": DocumentInputSerializer},
        responses={201: DocumentSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, pk: int):
        customer = selectors.get_customer_for(request.user, pk)
        data = DocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = archive.add_customer_document(
            customer, actor=request.user, doc_type=v["doc_type"], uploaded=v["file"]
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        """The file, to the roles that may read the archive's documents."""
        document = selectors.get_document_for(request.user, pk)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise not_found() from None
        response = FileResponse(
            handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return _no_store(response)


class ExportView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=ExportInputSerializer,
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **error_responses(400, 401, 403)},
    )
    def post(self, request):
        """The archive rows the caller may see as xlsx, masked unless `unmasked`; every export is logged (CRM-06)."""
        data = ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        unmasked = v.pop("unmasked")
        filters = exports.clean_export_filters(v)
        content, rows = exports.export_customers(actor=request.user, filters=filters, unmasked=unmasked)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="customers-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
        response["X-Export-Rows"] = str(rows)
        return _no_store(response)
