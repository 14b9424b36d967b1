"""Deadline pieces other apps' templates show: the order's 时限 panel, queue countdowns, header bell and banner.

Template tags, not imports: tickets templates may load them while tickets code never imports sla.
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import json_script
from django.utils.translation import gettext as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.durations import countdown_text
from kefu.core.notifications import unread_badge
from kefu.tickets.models import Priority

from .. import forms, selectors

register = template.Library()


@register.filter
def countdown(due_at) -> str:
    """'剩余 2小时15分' before the deadline, '已超时 35分' after it."""
    return countdown_text(due_at)


@register.simple_tag
def countdown_i18n():
    """The countdown's words for countdown.js, so the ticking text reads exactly like the server's."""
    return json_script(
        {
            "left": _("%(time)s left"),
            "over": _("%(time)s overdue"),
            "dh": _("%(d)dd %(h)dh"),
            "hm": _("%(h)dh %(m)dmin"),
            "m": _("%(m)dmin"),
        },
        "countdown-i18n",
    )


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_badge(user) if getattr(user, "is_authenticated", False) else 0


@register.simple_tag
def calendar_warning_years(user) -> list[int]:
    """Years without official holiday data, for the administrators who can import them (one cached read)."""
    if not has_capability(user, Capability.MANAGE_SLA):
        return []
    return selectors.calendar_warnings(timezone.localdate(timezone.now()))


@register.inclusion_tag("sla/_panel.html", takes_context=True)
def sla_panel(context, order):
    """The 时限 panel of a work order; a failed SLA form posted back arrives in the context as `sla_failed`.

    Its forms are folds fetched when opened (sla:order_form), like the page's own actions: their fields were a
    sixth of an open order's page. `?sla_open=<name>` draws one inline, for browsers without JavaScript."""
    request = context["request"]
    actor = request.user
    failed_name, failed_form = context.get("sla_failed") or (None, None)
    allowed = selectors.order_actions_allowed(actor, order, context.get("action_names") or ())
    shown = failed_name or request.GET.get("sla_open")
    folds = []
    for name in allowed:
        if name == failed_name:
            form = failed_form
        elif name == shown:
            form = forms.order_form(name, order)
        else:
            form = None
        folds.append((name, form))
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "order": order,
        "clocks": selectors.clocks_of_order(actor, order),
        "escalations": list(selectors.escalations_for_order(actor, order)),
        "folds": folds,
        "open_form": shown,
        "urgent": order.priority == Priority.URGENT,
    }
