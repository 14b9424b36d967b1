"""Lost persons (顾客走失): an urgent lost & found work order, its broadcasts, and the recorded outcome.

The order itself moves only through the tickets services, so its history, SLA clock and hooks stay right;
the generic resolve/close are refused for these orders until the outcome is recorded (see receivers)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.selectors import get_site_for, supervisors_of_site
from kefu.core.errors import ServiceError
from kefu.core.notifications import notify
from kefu.core.phones import parse_phone
from kefu.customers.models import CustomerPhone
from kefu.customers.services import create_customer
from kefu.tickets import services as tickets
from kefu.tickets.models import Channel, Priority, WorkOrderType
from kefu.tickets.transitions import Status

from .errors import LostFoundError as E
from .inputs import choice, past_time, text
from .models import (
    Broadcast,
    BroadcastChannel,
    Gender,
    LostPersonReport,
    PersonOutcome,
)
from .permissions import can_handle_items, require
from .services import event


def _lock_report(report: LostPersonReport, actor) -> LostPersonReport:
    from .selectors import get_lost_person_for

    found = get_lost_person_for(actor, report.work_order_id)
    return LostPersonReport.objects.select_for_update().select_related("work_order").get(pk=found.pk)


def _after_last_seen(raw, report: LostPersonReport, field: str):
    """Nothing about the search can precede the disappearance. Times are typed to the minute, so one within the
    minute the person was last seen counts as that moment (the search never lasts less than nothing); an empty
    time means now, even if the last-seen time was typed a little ahead of the desk's clock."""
    value = past_time(raw, field)
    if raw is not None and value < report.last_seen_at.replace(second=0, microsecond=0):
        raise ServiceError(E.BEFORE_LAST_SEEN, fields={field: [E.BEFORE_LAST_SEEN.message]})
    return max(value, report.last_seen_at)


def _existing_customer(site_id: int, phone: str) -> int | None:
    """A reporter already in the archive is recognised by the number (no duplicate customer)."""
    parsed = parse_phone(phone or "")
    if parsed is None:
        return None
    row = CustomerPhone.objects.filter(site_id=site_id, national=parsed.national).order_by("id").first()
    return row.customer_id if row else None


def report_lost_person(
    *,
    actor,
    site_id: int,
    appearance: str,
    last_seen_place: str,
    last_seen_at=None,
    person_name: str = "",
    gender: str = Gender.UNKNOWN,
    age: str = "",
    companion_relation: str = "",
    customer_id: int | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    channel: str = Channel.WALK_IN,
) -> LostPersonReport:
    """Register a lost child or person as an urgent lost & found work order and alert the site's leads at once."""
    require(can_handle_items(actor))
    site = get_site_for(actor, site_id)
    values = dict(
        appearance=text(appearance, "appearance", max_length=2000, required=E.APPEARANCE_REQUIRED, multiline=True),
        last_seen_place=text(last_seen_place, "last_seen_place", max_length=200, required=E.PLACE_REQUIRED),
        last_seen_at=past_time(last_seen_at, "last_seen_at"),
        person_name=text(person_name, "person_name", max_length=60),
        gender=choice(gender or Gender.UNKNOWN, Gender.choices, "gender"),
        age=text(age, "age", max_length=20),
        companion_relation=text(companion_relation, "companion_relation", max_length=40),
    )
    channel = choice(channel, Channel.choices, "channel")
    if not customer_id and not (reporter_name or "").strip():
        raise ServiceError(E.REPORTER_REQUIRED, fields={"reporter_name": [E.REPORTER_REQUIRED.message]})
    who = values["person_name"] or values["appearance"].splitlines()[0][:30]
    with transaction.atomic():
        if not customer_id:
            customer_id = _existing_customer(site.id, reporter_phone)
        if not customer_id:
            try:
                customer_id = create_customer(
                    actor=actor, site_id=site.id, name=reporter_name, phones=[reporter_phone]
                ).id
            except ServiceError as exc:
                raise ServiceError(
                    exc.error,
                    fields={
                        {"name": "reporter_name", "phones": "reporter_phone"}.get(k, k): v
                        for k, v in exc.fields.items()
                    },
                    message=exc.message,
                ) from exc
        order = tickets.create_work_order(
            actor=actor,
            site_id=site.id,
            type=WorkOrderType.LOST_FOUND,
            channel=channel,
            priority=Priority.URGENT,
            subject=_("Lost person: %(who)s") % {"who": who},
            customer_id=customer_id,
            description=values["appearance"],
            location=values["last_seen_place"],
            accept_now=True,
        )
        report = LostPersonReport.objects.create(work_order=order, **values)
        event(
            site.id,
            actor,
            "person_reported",
            work_order=order,
            new={
                "person_name": report.person_name,
                "gender": report.gender,
                "age": report.age,
                "last_seen_place": report.last_seen_place,
                "last_seen_at": report.last_seen_at,
            },
            note=report.appearance,
        )
        url = reverse("tickets:detail", args=[order.pk])
        title = _("Lost person reported: %(who)s, last seen at %(place)s") % {
            "who": who,
            "place": report.last_seen_place,
        }
        for lead in supervisors_of_site(site.id).exclude(pk=actor.pk):
            notify(lead, kind="lost_person", title=title, body=report.appearance, url=url)
    return report


@transaction.atomic
def record_broadcast(report: LostPersonReport, *, actor, body: str, channel: str, broadcast_at=None) -> Broadcast:
    """One search broadcast (广播 / 对讲 …): time, words, who, channel."""
    require(can_handle_items(actor))
    report = _lock_report(report, actor)
    if report.found_at is not None:
        raise ServiceError(E.ALREADY_FOUND)
    body = text(body, "text", max_length=1000, required=E.BROADCAST_TEXT_REQUIRED, multiline=True)
    channel = choice(channel, BroadcastChannel.choices, "channel", required=E.CHANNEL_REQUIRED)
    at = _after_last_seen(broadcast_at, report, "broadcast_at")
    row = Broadcast.objects.create(report=report, broadcast_at=at, channel=channel, text=body, by=actor)
    event(
        report.work_order.site_id,
        actor,
        "broadcast_recorded",
        work_order=report.work_order,
        new={"broadcast": row.pk, "channel": channel, "at": at},
        note=body,
    )
    return row


@transaction.atomic
def record_person_found(
    report: LostPersonReport,
    *,
    actor,
    outcome: str,
    handed_to: str = "",
    found_place: str = "",
    found_at=None,
    note: str = "",
) -> LostPersonReport:
    """The person was found: when, where, handed to whom, recorded by whom; the work order is resolved with it."""
    require(can_handle_items(actor))
    report = _lock_report(report, actor)
    if report.found_at is not None:
        raise ServiceError(E.ALREADY_FOUND)
    outcome = choice(outcome, PersonOutcome.choices, "outcome", required=E.OUTCOME_REQUIRED)
    handed_to = text(handed_to, "handed_to", max_length=60)
    if outcome != PersonOutcome.FOUND and not handed_to:
        raise ServiceError(E.HANDED_TO_REQUIRED, fields={"handed_to": [E.HANDED_TO_REQUIRED.message]})
    found_place = text(found_place, "found_place", max_length=200)
    note = text(note, "note", max_length=2000, multiline=True)
    found_at = _after_last_seen(found_at, report, "found_at")
    order = report.work_order
    report.found_at, report.outcome, report.handed_to = found_at, outcome, handed_to
    report.found_place, report.resolved_by = found_place, actor
    report.save(update_fields=["found_at", "outcome", "handed_to", "found_place", "resolved_by"])
    event(
        order.site_id,
        actor,
        "person_found",
        work_order=order,
        new={"outcome": outcome, "handed_to": handed_to, "found_place": found_place, "found_at": found_at},
        note=note,
    )
    resolution = _("%(outcome)s at %(time)s") % {
        "outcome": PersonOutcome(outcome).label,
        "time": timezone.localtime(found_at).strftime("%Y-%m-%d %H:%M"),
    }
    if found_place:
        resolution += _(", found at %(place)s") % {"place": found_place}
    if handed_to:
        resolution += _(", handed to %(name)s") % {"name": handed_to}
    if note:
        resolution += "\n" + note
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        order = tickets.start_work_order(order, actor=actor)
    if order.status == Status.NEW:
        order = tickets.accept_work_order(order, actor=actor)
        order = tickets.start_work_order(order, actor=actor)
    if order.status in (Status.IN_PROGRESS, Status.AWAITING_CUSTOMER):
        tickets.resolve_work_order(order, actor=actor, resolution=resolution)
    return report
