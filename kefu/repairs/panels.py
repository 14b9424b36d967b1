"""The repair panel on the work-order detail page (registered in apps.py for type "repair")."""

from __future__ import annotations

from . import selectors
from .models import STAGE_LABELS


def order_panel(order, request) -> dict | None:
    sheet = selectors.repair_of_order(request.user, order)
    if sheet is None:
        return None  # a repair recorded without a sheet, or not visible to this user
    return {
        "sheet": sheet,
        "stage_label": STAGE_LABELS[sheet.stage],
        "parts": selectors.parts_for(sheet),
        "can_act": selectors.can_act(request.user, sheet),
    }
