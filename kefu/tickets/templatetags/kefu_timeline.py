"""The detail page's timeline entries, drawn in Python for the reason the queue rows are (kefu_queue): a closed
order's dozen events cost ~3 ms through the template loop and its filters. The markup is what
tickets/detail.html used to hold, escaped the same way; views._timeline still decides what each entry says."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kefu.core.escaping import esc

register = template.Library()

_MARK = 987654321  # a pk no attachment has, to reverse the download URL once per page
_REASON_STYLES = {"transfer", "status", "escalation"}


def _entry(item: dict, reason: str, download: str) -> str:
    event, style = item["event"], item["style"]
    head = [f"<strong>{esc(item['title'])}</strong>"]
    for label, before, after in item["changes"]:
        prefix = f'<span class="muted">{esc(label)}:</span> ' if label else ""
        head.append(f'<span class="change">{prefix}{esc(before)} → {esc(after)}</span>')
    if item["facts"]:
        head.append(f'<span class="change">{" · ".join(str(esc(f)) for f in item["facts"])}</span>')
    at = timezone.localtime(event.created_at)
    head.append(
        f'<span class="ev-meta muted">{esc(event.actor)} · '
        f'<time datetime="{dateformat.format(at, "c")}">{at:%m-%d %H:%M}</time></span>'
    )
    body = []
    if item["resolution"]:
        body.append(f'<div class="ev-body">{linebreaksbr(item["resolution"], autoescape=True)}</div>')
    if event.note:
        prefix = f'<span class="muted">{reason}:</span> ' if style in _REASON_STYLES else ""
        body.append(f'<div class="ev-body">{prefix}{linebreaksbr(event.note, autoescape=True)}</div>')
    if item["attachment"] is not None:
        a = item["attachment"]
        href = download.replace(str(_MARK), str(a.pk))
        body.append(
            f'<div class="ev-body"><a href="{href}">{esc(a.original_name)}</a> '
            f'<span class="muted">({filesizeformat(a.size)})</span></div>'
        )
    return (
        f'<li class="ev ev-{esc(style or "plain")}" data-event="{esc(event.event_type)}">'
        f'<div class="ev-head">{" ".join(head)}</div>{"".join(body)}</li>'
    )


@register.simple_tag
def timeline_entries(items) -> SafeString:
    """`items`: what views._timeline builds, oldest first."""
    reason = esc(_("Reason"))
    download = reverse("tickets:attachment", args=[_MARK])
    return mark_safe("\n".join(_entry(item, reason, download) for item in items))  # noqa: S308 — all escaped above
