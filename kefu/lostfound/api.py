"""Lost & found API under /api/v1/lostfound/: thin views over the selectors and services."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.api import KefuAPIView, error_responses
from kefu.core.errors import not_found

from . import disposal_services, person_services, selectors, services
from .serializers import (
    BroadcastInputSerializer,
    ClaimInputSerializer,
    DisposeInputSerializer,
    FoundInputSerializer,
    FoundItemDetailSerializer,
    FoundItemPage,
    FoundItemSerializer,
    HandoverInputSerializer,
    ItemQuerySerializer,
    LinkInputSerializer,
    LostPersonInputSerializer,
    LostPersonSerializer,
    PhotoInputSerializer,
    PolicyInputSerializer,
    PolicySerializer,
    RegisterInputSerializer,
    RevealedSerializer,
    RevealInputSerializer,
)

TAGS = ["lost and found"]
LIST_LIMIT = 100


def _item_body(actor, pk) -> dict:
    item = selectors.get_item_for(actor, pk)
    item.chain = list(selectors.custody_chain(item))
    item.photo_rows = list(item.photos.all())
    item.claim_row = selectors.claim_of(item)
    item.disposal_rows = list(item.disposals.select_related("decided_by"))
    return FoundItemDetailSerializer(item).data


def _person_body(actor, order_id) -> dict:
    report = selectors.get_lost_person_for(actor, order_id)
    report.broadcast_rows = list(selectors.broadcasts_of(report))
    return LostPersonSerializer(report).data


def _input(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class ItemListView(KefuAPIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_lostfound_items_list",
        parameters=[ItemQuerySerializer],
        responses={200: FoundItemPage, **error_responses(400, 401)},
    )
    def get(self, request):
        """Found items of the caller's sites, newest first; `q` is a Chinese substring search (all terms)."""
        params = ItemQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = list(
            selectors.search_items(request.user, p["q"], status=p["status"], site_id=p["site"])[: LIST_LIMIT + 1]
        )
        return Response(
            {"results": FoundItemSerializer(rows[:LIST_LIMIT], many=True).data, "truncated": len(rows) > LIST_LIMIT}
        )

    @extend_schema(
        tags=TAGS,
        request={"application/json": RegisterInputSerializer, "multipart/form-data": RegisterInputSerializer},
        responses={201: FoundItemDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        """Register a found item (optionally with a photo, multipart). Step 1 of its custody chain is written too."""
        v = _input(RegisterInputSerializer, request)
        item = services.register_found_item(
            actor=request.user,
            site_id=v["site"],
            what=v["what"],
            category=v["category"],
            description=v["description"],
            found_place=v["found_place"],
            found_at=v["found_at"],
            finder_name=v["finder_name"],
            finder_contact=v["finder_contact"],
            received_by=v["received_by"],
            received_place=v["received_place"],
            storage_place=v["storage_place"],
            work_order_id=v["work_order"],
            photo=v["photo"],
        )
        return Response(_item_body(request.user, item.pk), status=status.HTTP_201_CREATED)


class ItemDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: FoundItemDetailSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return Response(_item_body(request.user, pk))


class ItemActionView(KefuAPIView):
    input_serializer = None

    def perform(self, item, actor, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        item = selectors.get_item_for(request.user, pk)  # scope first: another site's item is a 404
        data = _input(self.input_serializer, request)
        result = self.perform(item, request.user, data)
        if isinstance(result, Response):
            return result
        return Response(_item_body(request.user, pk))


def _action(input_serializer, summary, codes=(400, 401, 403, 404, 409), response=FoundItemDetailSerializer):
    def decorate(cls):
        cls.input_serializer = input_serializer
        # extend_schema_view gives each subclass its own copy of the inherited `post`: decorating `cls.post` itself
        # annotated the one shared function, so every action was documented with the last one's body.
        return extend_schema_view(
            post=extend_schema(
                tags=TAGS,
                summary=summary,
                request=input_serializer,
                responses={200: response, **error_responses(*codes)},
            )
        )(cls)

    return decorate


@_action(HandoverInputSerializer, "Hand over (交接): from the current holder to the next; else 409 not_from_holder")
class HandoverView(ItemActionView):
    def perform(self, item, actor, d):
        services.hand_over_item(
            item,
            actor=actor,
            from_holder=d["from_holder"],
            to_holder=d["to_holder"],
            place=d["place"],
            handed_at=d["handed_at"],
            storage_place=d["storage_place"],
            note=d["note"],
        )


@_action(ClaimInputSerializer, "Claim (认领): identity document checked, masked number kept, signed")
class ClaimView(ItemActionView):
    def perform(self, item, actor, d):
        services.claim_item(
            item,
            actor=actor,
            claimant_name=d["claimant_name"],
            claimant_phone=d["claimant_phone"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            identity_checked=d["identity_checked"],
            signature_name=d["signature_name"],
            signature_png=d["signature_image"],
            proof=d["proof"],
            place=d["place"],
        )


@_action(DisposeInputSerializer, "Record the disposal decision of an item flagged as unclaimed (leads only)")
class DisposeView(ItemActionView):
    def perform(self, item, actor, d):
        disposal_services.decide_disposal(
            item, actor=actor, decision=d["decision"], reason=d["reason"], recipient=d["recipient"]
        )


@_action(LinkInputSerializer, "Match the item to a loss report (open lost & found work order of the same site)")
class LinkView(ItemActionView):
    def perform(self, item, actor, d):
        services.link_item_to_loss_report(item, actor=actor, work_order_id=d["work_order"])


@_action(RevealInputSerializer, "The finder's full contact (logged with the reason)", response=RevealedSerializer)
class RevealView(ItemActionView):
    def perform(self, item, actor, d):
        return Response({"finder_contact": services.reveal_finder_contact(item, actor=actor, reason=d["reason"])})


class PhotoUploadView(ItemActionView):
    parser_classes = [MultiPartParser, FormParser]
    input_serializer = PhotoInputSerializer

    @extend_schema(
        tags=TAGS,
        summary="Add a photo (multipart field `photo`; JPEG, PNG, GIF or WebP, checked by content)",
        request={"multipart/form-data": PhotoInputSerializer},
        responses={200: FoundItemDetailSerializer, **error_responses(400, 401, 403, 404, 413)},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, item, actor, d):
        services.add_item_photo(item, actor=actor, uploaded=d["photo"])


class PhotoDownloadView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk: int):
        photo = selectors.get_photo_for(request.user, pk)
        try:
            handle = photo.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise not_found() from None
        response = FileResponse(handle, content_type=photo.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PolicyView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Set a site's days until unclaimed items are flagged for disposal (leads only)",
        request=PolicyInputSerializer,
        responses={200: PolicySerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        v = _input(PolicyInputSerializer, request)
        policy = disposal_services.set_unclaimed_days(actor=request.user, site_id=v["site"], days=v["days"])
        return Response(PolicySerializer(policy).data)


class LostPersonListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Report a lost person (走失): an urgent lost & found work order; leads are alerted",
        request=LostPersonInputSerializer,
        responses={201: LostPersonSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        v = _input(LostPersonInputSerializer, request)
        report = person_services.report_lost_person(
            actor=request.user,
            site_id=v["site"],
            customer_id=v["customer"],
            reporter_name=v["reporter_name"],
            reporter_phone=v["reporter_phone"],
            companion_relation=v["companion_relation"],
            person_name=v["person_name"],
            gender=v["gender"],
            age=v["age"],
            appearance=v["appearance"],
            last_seen_place=v["last_seen_place"],
            last_seen_at=v["last_seen_at"],
        )
        return Response(_person_body(request.user, report.work_order_id), status=status.HTTP_201_CREATED)


class LostPersonDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: LostPersonSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """A lost-person report by its work order's id, with its broadcasts."""
        return Response(_person_body(request.user, pk))


class BroadcastView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Record a broadcast (广播 / 对讲 …) for a lost person",
        request=BroadcastInputSerializer,
        responses={201: LostPersonSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        report = selectors.get_lost_person_for(request.user, pk)
        v = _input(BroadcastInputSerializer, request)
        person_services.record_broadcast(
            report, actor=request.user, body=v["text"], channel=v["channel"], broadcast_at=v["broadcast_at"]
        )
        return Response(_person_body(request.user, pk), status=status.HTTP_201_CREATED)


class FoundView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Record that the person was found (and with whom); resolves the work order",
        request=FoundInputSerializer,
        responses={200: LostPersonSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        report = selectors.get_lost_person_for(request.user, pk)
        v = _input(FoundInputSerializer, request)
        person_services.record_person_found(
            report,
            actor=request.user,
            outcome=v["outcome"],
            handed_to=v["handed_to"],
            found_place=v["found_place"],
            found_at=v["found_at"],
            note=v["note"],
        )
        return Response(_person_body(request.user, pk))
