"""Shapes of complaints in the API. Shape only: every rule is the services' and comes back as {code, message, fields}."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.tickets.models import Channel, Priority

from .ledger import mask_contact
from .models import CompensationKind, Liability, Party, Severity


def _opt_text(max_length=10_000):
    return text_field(max_length, required=False, allow_blank=True, default="")


def _opt_line(max_length):
    return line_field(max_length, required=False, allow_blank=True, default="")


class IntakeSerializer(serializers.Serializer):
    site = id_field()
    customer = id_field(required=False, allow_null=True, default=None, help_text="Omit to add the complainant.")
    complainant_name = _opt_line(100)
    contact = _opt_line(100)
    complained_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = _opt_line(30)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    subject = _opt_line(200)
    description = _opt_text()
    product = _opt_line(200)
    shop = id_field(required=False, allow_null=True, default=None)
    staff_involved = _opt_line(200)
    demand = _opt_text()
    apology_note = _opt_text(2000)
    taken_to_office = bool_field(required=False, default=False)
    taken_to_office_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OfficeSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OnTheSpotSerializer(serializers.Serializer):
    resolution = _opt_text()
    customer_accepted = bool_field(default=False)


class InvestigationSerializer(serializers.Serializer):
    promised_reply_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    told_customer = _opt_text()


class TaskInputSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=Party.choices)
    owner = id_field(required=False, allow_null=True, default=None)
    shop = id_field(required=False, allow_null=True, default=None)
    department = id_field(required=False, allow_null=True, default=None)
    instruction = _opt_text()
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ProposalInputSerializer(serializers.Serializer):
    text = _opt_text()


class ApproveInputSerializer(serializers.Serializer):
    note = _opt_text(2000)


class ShopConfirmInputSerializer(serializers.Serializer):
    confirmer_name = _opt_line(60)
    shop = id_field(
        required=False, allow_null=True, default=None, help_text="The involved shop; a shop login confirms its own."
    )


class ReplyInputSerializer(serializers.Serializer):
    body = _opt_text()
    channel = serializers.ChoiceField(choices=Channel.choices)
    apology_repeated = bool_field(default=False)


@extend_schema_serializer(component_name="ComplaintAnswerInput")  # unique among the apps' components
class AnswerInputSerializer(serializers.Serializer):
    accepted = bool_field()
    opinion = _opt_text()


class CompensationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CompensationKind.choices)
    item = _opt_line(200)
    amount = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, max_length=20)
    own_fault = bool_field(default=False)
    approver = id_field(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="ComplaintCloseInput")  # unique among the apps' components
class CloseInputSerializer(serializers.Serializer):
    root_cause = _opt_text()
    preventive_measure = _opt_text()
    liability = serializers.ChoiceField(choices=Liability.choices, default=Liability.UNDETERMINED)
    customer_response = _opt_text()


@extend_schema_serializer(component_name="ComplaintCloseUnresolvedInput")  # its base names another
class CloseUnresolvedInputSerializer(CloseInputSerializer):
    reason = _opt_text(2000)


class TaskResponseSerializer(serializers.Serializer):
    response = _opt_text()


class TaskFileSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- representations (plain dicts: the case file is read once by the selector) -------------------------------------


def _who(user):
    return None if user is None else {"id": user.pk, "name": user.name}


def _at(value):
    return serializers.DateTimeField().to_representation(value) if value else None


def proposal_data(p) -> dict:
    return {
        "id": p.pk, "number": p.number, "round": p.round, "text": p.text, "status": p.status,
        "proposed_by": _who(p.proposed_by), "proposed_at": _at(p.proposed_at),
        "approved_by": _who(p.approved_by), "approved_at": _at(p.approved_at), "approval_note": p.approval_note,
        "shop_confirmations": [
            {"shop": {"id": c.shop_id, "name": c.shop.name}, "confirmer_name": c.confirmer_name,
             "confirmed_by": _who(c.confirmed_by), "confirmed_at": _at(c.confirmed_at)}
            for c in p.shop_confirmations.all()
        ],
        "replied_at": _at(p.replied_at), "reply_channel": p.reply_channel,
    }  # fmt: skip


def task_data(t) -> dict:
    return {
        "id": t.pk, "complaint": t.complaint_id, "party": t.party, "shop": t.shop and {"id": t.shop_id, "name": t.shop.name},
        "department": t.department and {"id": t.department_id, "name": t.department.name}, "owner": _who(t.owner),
        "instruction": t.instruction, "due_at": _at(t.due_at), "status": t.status, "response": t.response,
        "responded_at": _at(t.responded_at),
        "attachments": [{"id": a.pk, "name": a.original_name, "size": a.size} for a in t.attachments.all()],
    }  # fmt: skip


def complaint_data(complaint, file: dict) -> dict:
    order = complaint.work_order
    return {
        "id": complaint.pk,
        "number": order.number,
        "status": order.status,
        "site": complaint.site_id,
        "complained_at": _at(complaint.complained_at),
        "complainant_name": complaint.complainant_name,
        "contact": mask_contact(complaint.contact),
        "channel": order.channel,
        "category": complaint.category,
        "severity": complaint.severity,
        "subject": order.subject,
        "description": order.description,
        "product": order.product,
        "shop": order.shop_id,
        "staff_involved": order.staff_involved,
        "demand": complaint.demand,
        "apology_note": complaint.apology_note,
        "taken_to_office_at": _at(complaint.taken_to_office_at),
        "path": complaint.path,
        "told_customer": complaint.told_customer,
        "promised_reply_at": _at(complaint.promised_reply_at),
        "round": complaint.round,
        "outcome": complaint.outcome,
        "root_cause": complaint.root_cause,
        "preventive_measure": complaint.preventive_measure,
        "liability": complaint.liability,
        "unresolved_reason": complaint.unresolved_reason,
        "proposals": [proposal_data(p) for p in file["proposals"]],
        "shops_to_confirm": [{"id": shop.pk, "name": shop.name} for shop in file["shops_to_confirm"]],
        "tasks": [task_data(t) for t in file["tasks"]],
        "answers": [
            {"round": a.round, "accepted": a.accepted, "opinion": a.opinion, "recorded_at": _at(a.recorded_at)}
            for a in file["answers"]
        ],
        "compensations": [
            {
                "kind": c.kind,
                "item": c.item,
                "amount": str(c.amount) if c.amount is not None else None,
                "own_fault": c.own_fault,
                "approved_by": _who(c.approved_by),
            }
            for c in file["compensations"]
        ],  # fmt: skip
    }
