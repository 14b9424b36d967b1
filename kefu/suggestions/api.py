"""Suggestion and inquiry API, mounted at /api/v1/suggestions/. Parse, call one selector or service, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from kefu.core.api import IDEMPOTENCY_PARAMETER, KefuAPIView, error_responses, expected_version, idempotent_create
from kefu.tickets.selectors import get_work_order_for

from . import inquiry_services, selectors, services
from . import serializers as s

TAGS = ["suggestions"]
INQUIRY_TAGS = ["inquiries"]


def _detail(suggestion) -> dict:
    return s.SuggestionDetailSerializer(suggestion).data


def _reload(actor, pk) -> dict:
    return _detail(selectors.get_suggestion_for(actor, pk))


class SuggestionListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[s.ListQuerySerializer],
        responses={200: s.SuggestionSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        """Suggestions of your sites, newest first (at most 50), filtered by site, stage, category, period, text."""
        params = s.ListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = selectors.suggestion_list(
            request.user,
            selectors.ListFilters(
                site_id=p["site"],
                stage=p["stage"],
                category_id=p["category"],
                date_from=p["date_from"],
                date_to=p["date_to"],
                q=p["q"],
            ),
        )
        return Response(s.SuggestionSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.SuggestionCreateSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: s.SuggestionDetailSerializer, **error_responses(400, 401, 403, 404, 422)},
    )
    def post(self, request):
        """Record a suggestion (登记): content, proposer and contact; the work order is created with it."""
        data = s.SuggestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def create():
            suggestion = services.record_suggestion(
                actor=request.user,
                site_id=v["site"],
                content=v["content"],
                proposer_name=v["proposer_name"],
                proposer_contact=v["proposer_contact"],
                channel=v["channel"],
                customer_id=v["customer"],
                category_id=v["category"],
                solicited=v["solicited"],
                subject=v["subject"],
            )
            return status.HTTP_201_CREATED, _reload(request.user, suggestion.pk)

        return idempotent_create(request, scope="suggestions.create", action=create)


class SuggestionDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: s.SuggestionDetailSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """One suggestion with its step history."""
        return Response(_reload(request.user, pk))


class SuggestionStepView(KefuAPIView):
    """POST /suggestions/{id}/<step>/: scope first (another site's suggestion is a 404), parse, one service."""

    input_serializer = s.NoteInputSerializer

    def perform(self, suggestion, actor, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        suggestion = selectors.get_suggestion_for(request.user, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(suggestion, request.user, data.validated_data)
        # Re-read without scope narrowing surprises: a forward may leave the actor's department queue.
        return Response(_detail(selectors.suggestion_of_order(suggestion.work_order)))


def _step(input_serializer, summary: str):
    def decorate(cls):
        cls.input_serializer = input_serializer
        return extend_schema_view(
            post=extend_schema(
                tags=TAGS,
                summary=summary,
                description="A step the stage table does not allow now answers 409 (step_not_allowed, "
                "evaluation_required, forward_required); nothing is written.",
                request=input_serializer,
                responses={200: s.SuggestionDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
            )
        )(cls)

    return decorate


@_step(s.ClassifyInputSerializer, "Classify (分类) by the site's category list")
class ClassifyView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.classify_suggestion(suggestion, actor=actor, category_id=v["category"])


@_step(s.EvaluateInputSerializer, "Feasibility and value evaluation (supervisor, manager)")
class EvaluateView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.evaluate_suggestion(
            suggestion,
            actor=actor,
            feasibility=v["feasibility"],
            valuable=v["valuable"],
            evaluation=v["evaluation"],
            evaluator_id=v["evaluator"],
        )


@_step(s.ForwardInputSerializer, "Forward to the leadership and/or a department (transfers the work order)")
class ForwardView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.forward_suggestion(
            suggestion, actor=actor, note=v["note"], department_id=v["department"], leader_id=v["leader"]
        )


@_step(s.AdoptInputSerializer, "Adopt, with the implementation plan, its owner and due date (supervisor, manager)")
class AdoptView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.adopt_suggestion(
            suggestion,
            actor=actor,
            reason=v["reason"],
            plan=v["plan"],
            plan_owner_id=v["plan_owner"],
            plan_due_on=v["plan_due_on"],
            decided_on=v["decided_on"],
        )


@_step(s.DecideInputSerializer, "Do not adopt, with the reason (supervisor, manager)")
class RejectView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.reject_suggestion(suggestion, actor=actor, reason=v["reason"], decided_on=v["decided_on"])


@_step(s.NoteInputSerializer, "Record implementation progress")
class ProgressView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.record_progress(suggestion, actor=actor, note=v["note"])


@_step(s.ResultInputSerializer, "Implementation completed")
class CompleteView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.complete_implementation(suggestion, actor=actor, result=v["result"])


@_step(s.FeedbackInputSerializer, "Feedback to the proposer (with thanks); recorded as the reply to the customer")
class FeedbackView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.give_feedback(
            suggestion,
            actor=actor,
            message=v["message"],
            channel=v["channel"],
            thanked=v["thanked"],
            given_at=v["given_at"],
        )


@_step(s.CloseInputSerializer, "Resolve and close the work order (needs the feedback to the proposer)")
class CloseView(SuggestionStepView):
    def perform(self, suggestion, actor, v):
        services.close_suggestion(suggestion, actor=actor, reason=v["reason"])


class StatisticsView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[s.StatisticsQuerySerializer],
        responses={200: s.StatisticsSerializer, **error_responses(400, 401)},
    )
    def get(self, request):
        """Counts by category, month, department and stage, with the adoption rate, for a period (site days)."""
        params = s.StatisticsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        stats = selectors.suggestion_statistics(
            request.user, site_id=p["site"], date_from=p["date_from"], date_to=p["date_to"]
        )
        return Response(s.StatisticsSerializer(stats).data)


class CategoryListView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: s.CategorySerializer(many=True), **error_responses(401)})
    def get(self, request):
        """The categories your sites offer (shared defaults have site_id null)."""
        return Response(s.CategorySerializer(selectors.categories_for(request.user), many=True).data)


# ---- inquiries ----


def _inquiry(order) -> dict:
    return s.InquirySerializer(selectors.inquiry_of_order(order)).data


class InquiryCreateView(KefuAPIView):
    @extend_schema(
        tags=INQUIRY_TAGS,
        request=s.InquiryCreateSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: s.InquirySerializer, **error_responses(400, 401, 403, 404, 422)},
    )
    def post(self, request):
        """Record an inquiry (anonymous allowed); with `answer` it is answered and resolved at once."""
        data = s.InquiryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def create():
            inquiry = inquiry_services.record_inquiry(
                actor=request.user,
                site_id=v["site"],
                question=v["question"],
                channel=v["channel"],
                customer_id=v["customer"],
                asker_name=v["asker_name"],
                asker_contact=v["asker_contact"],
                subject=v["subject"],
                answer=v["answer"],
                answer_script_key=v["answer_script_key"],
                no_further_questions=v["no_further_questions"],
            )
            return status.HTTP_201_CREATED, _inquiry(inquiry.work_order)

        return idempotent_create(request, scope="inquiries.create", action=create)


class InquiryActionView(KefuAPIView):
    input_serializer = s.AnswerInputSerializer

    def perform(self, order, actor, data, version):
        raise NotImplementedError

    def post(self, request, pk: int):
        order = get_work_order_for(request.user, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = expected_version(request, data.validated_data.get("version"))
        self.perform(order, request.user, data.validated_data, version)
        return Response(_inquiry(order))


def _inquiry_action(input_serializer, summary: str):
    def decorate(cls):
        cls.input_serializer = input_serializer
        return extend_schema_view(
            post=extend_schema(
                tags=INQUIRY_TAGS,
                summary=summary,
                request=input_serializer,
                parameters=[OpenApiParameter("If-Match", str, "header", description='The version, e.g. "3".')],
                responses={200: s.InquirySerializer, **error_responses(400, 401, 403, 404, 409)},
            )
        )(cls)

    return decorate


@_inquiry_action(s.AnswerInputSerializer, "Answer (解答): reply to the customer and resolve, in one action")
class AnswerView(InquiryActionView):
    def perform(self, order, actor, v, version):
        inquiry_services.answer_inquiry(
            order,
            actor=actor,
            answer=v["answer"],
            answer_script_key=v["answer_script_key"],
            no_further_questions=v["no_further_questions"],
            expected_version=version,
        )


@_inquiry_action(s.ParkInputSerializer, "Can't answer now (暂无法答复): park with the promised reply time")
class ParkView(InquiryActionView):
    def perform(self, order, actor, v, version):
        inquiry_services.park_inquiry(
            order,
            actor=actor,
            told_customer=v["told_customer"],
            promised_at=v["promised_at"],
            reason=v["reason"],
            expected_version=version,
        )


@_inquiry_action(s.TransferInputSerializer, "Transfer (转接) to the department or colleague who can answer")
class TransferView(InquiryActionView):
    def perform(self, order, actor, v, version):
        inquiry_services.transfer_inquiry(
            order,
            actor=actor,
            reason=v["reason"],
            department_id=v["department"],
            assignee_id=v["assignee"],
            expected_version=version,
        )
