"""The panel on the work-order page of lost & found orders: the lost-person case, or the loss report's matches."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.tickets.transitions import is_open

from . import forms, selectors
from .permissions import can_handle_items

# The standard wording the regulations give for a customer who lost something (LF-01).
REASSURANCE = _("Please don't worry, we will do our very best to help you.")
CANDIDATES = 20


def order_panel(order, request):
    actor = request.user
    if not can_handle_items(actor):
        return None
    report = selectors.lost_person_for_order(order)
    if report is not None:
        return {
            "order": order,
            "report": report,
            "broadcasts": list(selectors.broadcasts_of(report)),
            "broadcast_form": forms.BroadcastForm(),
            "found_form": forms.FoundForm(),
        }
    linked = list(selectors.items_of_order(actor, order))
    candidates = []
    if is_open(order.status):
        candidates = [i for i in selectors.matchable_items(actor, order)[: CANDIDATES + len(linked)] if i not in linked]
    return {
        "order": order,
        "report": None,
        "reassurance": REASSURANCE,
        "linked": linked,
        "candidates": candidates[:CANDIDATES],
    }
