"""The repair panel on the work-order detail page (registered in apps.py for type "repair")."""

from __future__ import annotations

from kefu.core.errors import ServiceError

from . import selectors
from .models import STAGE_LABELS


def order_panel(order, request) -> dict | None:
    try:
        sheet = selectors.get_repair_for(request.user, order.pk)
    except ServiceError:
        return None  # a repair recorded without a sheet, or not visible to this user
    return {
        "sheet": sheet,
        "stage_label": STAGE_LABELS[sheet.stage],
        "parts": selectors.parts_for(sheet),
        "can_act": selectors.can_act(request.user, sheet),
    }
