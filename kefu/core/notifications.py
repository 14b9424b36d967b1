"""The in-app inbox and its e-mail copy. Mail leaves only after the surrounding transaction commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification
from .prepared import PreparedRead

log = logging.getLogger(__name__)


def notify(recipient, *, kind: str, title: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    note = Notification.objects.create(recipient=recipient, kind=kind, title=title[:200], body=body, url=url[:300])
    address = getattr(recipient, "email", "")
    if email and address:
        transaction.on_commit(lambda: _send(address, title, body, url))
    return note


def _send(address: str, title: str, body: str, url: str) -> None:
    text = body + (f"\n\n{settings.KEFU_BASE_URL.rstrip('/')}{url}" if url else "")
    try:
        send_mail(f"[Kefu] {title}", text, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a mail server outage must not break the business action that already committed
        log.exception("notification mail to %s failed", address)


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


BELL_CAP = 99


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


_UNREAD_IDS = PreparedRead(
    lambda user_id: Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    .order_by("-id")
    .values_list("id", flat=True)[: BELL_CAP + 1]
)


def unread_badge(user) -> int:
    """The bell's count, on every page: at most BELL_CAP + 1 rows are counted (the bell then says 99+), so an inbox
    nobody reads (a supervisor sent every breach of a busy month) does not make every page count all of it."""
    return len(_UNREAD_IDS(user.pk))


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
