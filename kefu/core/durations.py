"""Time left or overdue in words ('剩余 2小时15分', '已超时 35分'): the queue's countdowns and the 时限 panel.

countdown.js ticks the same text in the browser from the words the sla template tags hand it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _


def duration_text(seconds: float) -> str:
    minutes = max(int(seconds // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)dd %(h)dh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)dh %(m)dmin") % {"h": hours, "m": mins}
    return _("%(m)dmin") % {"m": mins}


def countdown_text(due_at, now=None) -> str:
    if not due_at:
        return ""
    left = (due_at - (now or timezone.now())).total_seconds()
    if left >= 0:
        return _("%(time)s left") % {"time": duration_text(left)}
    return _("%(time)s overdue") % {"time": duration_text(-left)}
