"""Guards on the generic work-order actions for suggestions: the generic UI and API cannot bypass the workflow."""

from __future__ import annotations

from kefu.tickets.models import WorkOrderType

from .models import Suggestion
from .services import closing_refusal


def refuse_unfinished_suggestion(*, work_order, actor, **_payload) -> None:
    """WORK_ORDER_RESOLVING / WORK_ORDER_CLOSING: the proposer must have had the feedback, and an adopted
    suggestion must be implemented or closed with a reason from its panel."""
    if work_order.type != WorkOrderType.SUGGESTION:
        return
    refusal = closing_refusal(Suggestion.objects.filter(work_order_id=work_order.pk).first())
    if refusal is not None:
        raise refusal
