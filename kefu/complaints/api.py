"""Complaint API under /api/v1/complaints/: intake, the case file, and one POST endpoint per workflow action.

Thin: look the row up in the caller's scope (another site's is a 404), check the shape, call one service.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.api import KefuAPIView, SiteFilterSerializer, error_responses

from . import serializers as s
from . import services, solution_services, task_services
from .selectors import case_file, get_complaint_for, get_proposal_for, get_task_for, latest_complaints_for, my_tasks

TAGS = ["complaints"]
ERRORS = error_responses(400, 401, 403, 404, 409)


def _detail(actor, pk, code=status.HTTP_200_OK) -> Response:
    complaint = get_complaint_for(actor, pk)
    return Response(s.complaint_data(complaint, case_file(complaint)), status=code)


class ComplaintListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="v1_complaints_list",
        parameters=[SiteFilterSerializer],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401)},
    )
    def get(self, request):
        """The latest complaints the caller may see, optionally of some sites (the ledger page has the full filters
        and the export)."""
        params = SiteFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = latest_complaints_for(request.user, site_ids=params.validated_data.get("site"))
        return Response(
            {"results": [{"id": c.pk, "number": c.work_order.number, "status": c.work_order.status,
                          "category": c.category, "complained_at": s._at(c.complained_at)} for c in rows]}
        )  # fmt: skip

    @extend_schema(tags=TAGS, request=s.IntakeSerializer, responses={201: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request):
        """投诉登记: every mandatory field is checked by the service; nothing is saved on a 400."""
        data = s.IntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        complaint = services.register_complaint(
            actor=request.user, site_id=v["site"], customer_id=v["customer"], channel=v["channel"],
            subject=v["subject"], description=v["description"], product=v["product"], category=v["category"],
            demand=v["demand"], complainant_name=v["complainant_name"], contact=v["contact"],
            apology_note=v["apology_note"], shop_id=v["shop"], staff_involved=v["staff_involved"],
            severity=v["severity"], priority=v["priority"], complained_at=v["complained_at"],
            taken_to_office=v["taken_to_office"], taken_to_office_at=v["taken_to_office_at"],
        )  # fmt: skip
        return _detail(request.user, complaint.pk, status.HTTP_201_CREATED)


class ComplaintDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: OpenApiTypes.OBJECT, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return _detail(request.user, pk)


class ComplaintActionView(KefuAPIView):
    """POST /complaints/{id}/<action>/: scope first, then shape, then the service."""

    input_serializer = None

    def perform(self, complaint, actor, data: dict):
        raise NotImplementedError

    def post(self, request, pk: int):
        complaint = get_complaint_for(request.user, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(complaint, request.user, data.validated_data)
        return _detail(request.user, pk)


def _action(serializer, summary):
    def decorate(cls):
        cls.input_serializer = serializer
        # Per subclass (extend_schema_view copies the inherited `post`): annotating the shared function documented
        # every action with the last one's body.
        return extend_schema_view(
            post=extend_schema(
                tags=TAGS, summary=summary, request=serializer, responses={200: OpenApiTypes.OBJECT, **ERRORS}
            )
        )(cls)

    return decorate


@_action(s.OfficeSerializer, "Walk-in: taken to the office area (带至办公区域)")
class OfficeView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        services.mark_taken_to_office(complaint, actor=actor, at=d["at"])


@_action(s.OnTheSpotSerializer, "Resolved on the spot, accepted by the customer")
class OnTheSpotView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        services.resolve_on_the_spot(
            complaint, actor=actor, resolution=d["resolution"], customer_accepted=d["customer_accepted"]
        )


@_action(s.InvestigationSerializer, "Start the investigation with the promised reply time")
class InvestigationView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        services.start_investigation(
            complaint, actor=actor, promised_reply_at=d["promised_reply_at"], told_customer=d["told_customer"]
        )


@_action(s.TaskInputSerializer, "Coordination task to a shop, department or floor manager")
class TaskCreateView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        task_services.assign_coordination_task(
            complaint, actor=actor, party=d["party"], owner_id=d["owner"], instruction=d["instruction"],
            due_at=d["due_at"], shop_id=d["shop"], department_id=d["department"],
        )  # fmt: skip


@_action(s.ProposalInputSerializer, "Propose a solution (two or more per round)")
class ProposalCreateView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        solution_services.propose_solution(complaint, actor=actor, text=d["text"])


@_action(s.ReplyInputSerializer, "Tell the customer the approved (and shop-confirmed) solution")
class ReplyView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        solution_services.reply_with_solution(
            complaint, actor=actor, body=d["body"], channel=d["channel"], apology_repeated=d["apology_repeated"]
        )


@_action(s.AnswerInputSerializer, "Record the customer's answer; a rejection opens a new round")
class AnswerView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        solution_services.record_customer_answer(complaint, actor=actor, accepted=d["accepted"], opinion=d["opinion"])


@_action(s.CompensationInputSerializer, "Record a compensation with amount and approver")
class CompensationView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        solution_services.record_compensation(
            complaint, actor=actor, kind=d["kind"], item=d["item"], amount=d["amount"], own_fault=d["own_fault"],
            approver_id=d["approver"],
        )  # fmt: skip


@_action(s.CloseInputSerializer, "Close an accepted complaint with root cause and preventive measure")
class CloseView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        services.close_complaint(
            complaint, actor=actor, root_cause=d["root_cause"], preventive_measure=d["preventive_measure"],
            liability=d["liability"], customer_response=d["customer_response"],
        )  # fmt: skip


@_action(s.CloseUnresolvedInputSerializer, "A manager closes the complaint as unresolved, with the reason")
class CloseUnresolvedView(ComplaintActionView):
    def perform(self, complaint, actor, d):
        services.close_unresolved(
            complaint, actor=actor, reason=d["reason"], root_cause=d["root_cause"],
            preventive_measure=d["preventive_measure"], customer_response=d["customer_response"],
            liability=d["liability"],
        )  # fmt: skip


class ProposalApproveView(KefuAPIView):
    @extend_schema(tags=TAGS, request=s.ApproveInputSerializer, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request, pk: int):
        """A supervisor or manager approves one proposal of the round."""
        proposal = get_proposal_for(request.user, pk)
        data = s.ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        solution_services.approve_proposal(proposal, actor=request.user, note=data.validated_data["note"])
        return _detail(request.user, proposal.complaint_id)


class ProposalShopConfirmView(KefuAPIView):
    @extend_schema(tags=TAGS, request=s.ShopConfirmInputSerializer, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request, pk: int):
        """The shop's responsible person confirms the approved solution (or staff record who did)."""
        proposal = get_proposal_for(request.user, pk)
        data = s.ShopConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        solution_services.confirm_by_shop(
            proposal,
            actor=request.user,
            confirmer_name=data.validated_data["confirmer_name"],
            shop_id=data.validated_data["shop"],
        )
        proposal.refresh_from_db()
        return Response(s.proposal_data(proposal))


class TaskListView(KefuAPIView):
    @extend_schema(
        tags=TAGS, operation_id="v1_complaints_tasks_list", responses={200: OpenApiTypes.OBJECT, **error_responses(401)}
    )
    def get(self, request):
        """My coordination tasks (a shop login: its shop's; department staff: their departments')."""
        rows = my_tasks(request.user).prefetch_related("attachments")[:200]
        return Response({"results": [s.task_data(t) for t in rows]})


class TaskDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: OpenApiTypes.OBJECT, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return Response(s.task_data(get_task_for(request.user, pk)))


class TaskRespondView(KefuAPIView):
    @extend_schema(tags=TAGS, request=s.TaskResponseSerializer, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request, pk: int):
        task = get_task_for(request.user, pk)
        data = s.TaskResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task_services.respond_to_task(task, actor=request.user, response=data.validated_data["response"])
        return Response(s.task_data(get_task_for(request.user, pk)))


class TaskAttachmentView(KefuAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS, request={"multipart/form-data": s.TaskFileSerializer}, responses={201: OpenApiTypes.OBJECT, **ERRORS}
    )
    def post(self, request, pk: int):
        task = get_task_for(request.user, pk)
        data = s.TaskFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task_services.add_task_attachment(task, actor=request.user, uploaded=data.validated_data["file"])
        return Response(s.task_data(get_task_for(request.user, pk)), status=status.HTTP_201_CREATED)
