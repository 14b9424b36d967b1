"""Panels the surveys app adds to the work-order page (the link to send) and the customer page (churn badge)."""

from __future__ import annotations

from kefu.accounts.permissions import Capability, has_capability

from . import links, selectors


def order_panel(order, request):
    survey = selectors.survey_for_order(request.user, order)
    if survey is None:
        return None
    return {"survey": survey, "link": links.link_for(survey)}


def customer_panel(customer, request):
    actor = request.user
    if not (has_capability(actor, Capability.PERFORM_FOLLOW_UP) or has_capability(actor, Capability.VIEW_SATISFACTION)):
        return None
    recent = list(selectors.surveys_for(actor).filter(customer=customer).order_by("-id")[:5])
    signal = selectors.churn_signal_for(customer, actor)
    if not recent and signal is None:
        return None
    return {"customer": customer, "recent": recent, "signal": signal}
