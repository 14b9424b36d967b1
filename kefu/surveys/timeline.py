"""Contact timeline sources for the customer archive (kefu.core.extensions.customer_timeline).

The work-order source is registered here because customers sits below tickets and may not import it; surveys sits
above both. Follow-up visits register their own source in their app.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.accounts.selectors import site_ids_for
from kefu.core.extensions import TimelineEntry
from kefu.tickets.selectors import work_orders_for

from .models import Survey, SurveyStatus


def work_order_entries(customer, actor, limit: int) -> list[TimelineEntry]:
    rows = work_orders_for(actor).filter(customer=customer).order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=o.created_at,
            kind="work_order",
            title=f"{o.get_type_display()} · {o.subject}",
            detail=f"{o.number} · {o.get_channel_display()} · {o.get_status_display()}",
            url=reverse("tickets:detail", args=[o.pk]),
        )
        for o in rows
    ]


def survey_entries(customer, actor, limit: int) -> list[TimelineEntry]:
    rows = (
        Survey.objects.filter(customer=customer, site_id__in=site_ids_for(actor))
        .select_related("template")
        .order_by("-created_at", "-id")[:limit]
    )
    entries = []
    for s in rows:
        if s.status == SurveyStatus.ANSWERED:
            detail = pgettext("survey", "Answered") + (
                f" · {_('satisfaction')} {s.satisfaction}/5" if s.satisfaction else ""
            )
            at = s.answered_at
        else:
            detail, at = _("Sent, not answered yet"), s.created_at
        entries.append(
            TimelineEntry(
                at=at,
                kind="survey",
                title=f"{_('Satisfaction survey')} · {s.template.name}",
                detail=detail,
                url=reverse("surveys:survey", args=[s.pk]),
            )
        )
    return entries
