"""The in-app inbox (the header bell): list, unread count for the htmx refresh, mark read. One user's only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from . import notifications

PAGE_LIMIT = 200


@login_required
def inbox(request):
    items = list(notifications.inbox_for(request.user).order_by("-created_at", "-id")[:PAGE_LIMIT])
    return render(
        request,
        "inbox/list.html",
        {"items": items, "unread": sum(1 for n in items if n.read_at is None)},
    )


@login_required
def count(request):
    """The bell alone, for hx-get every minute."""
    return render(request, "inbox/_bell.html", {"unread": notifications.unread_badge(request.user)})


@login_required
@require_POST
def mark_read(request, pk):
    # mark_read filters by recipient: somebody else's notification id simply matches nothing.
    notifications.mark_read(request.user, [pk])
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request):
    notifications.mark_read(request.user)
    return redirect("inbox:list")


urls = (
    [
        path("", inbox, name="list"),
        path("count/", count, name="count"),
        path("<int:pk>/read/", mark_read, name="read"),
        path("read-all/", mark_all_read, name="read_all"),
    ],
    "inbox",
)
