"""Lost persons (走失): urgent lost & found orders with broadcasts, finished only with a recorded outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.models import Notification
from kefu.lostfound import person_services, selectors
from kefu.lostfound.models import Broadcast, LostFoundEvent, LostPersonReport
from kefu.tickets import services as tickets
from kefu.tickets.models import Priority, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(site, agent, customer, supervisor):
    return person_services.report_lost_person(
        actor=agent,
        site_id=site.id,
        customer_id=customer.id,
        person_name="乐乐",
        gender="male",
        age="约5岁",
        appearance="男孩，身高约110厘米，穿红色外套、蓝色牛仔裤，背小熊书包",
        last_seen_place="三楼儿童乐园入口",
        last_seen_at=timezone.now() - timedelta(minutes=10),
        companion_relation="母亲",
    )


def test_lost_person_report_is_urgent_and_records_broadcasts(report, agent, supervisor):
    order = report.work_order
    assert order.type == "lost_found" and order.priority == Priority.URGENT
    assert order.status == "accepted" and order.assignee == agent
    assert Notification.objects.filter(recipient=supervisor, kind="lost_person").count() == 1

    first = person_services.record_broadcast(
        report, actor=agent, body="乐乐小朋友，请到一楼服务台，妈妈在等你。", channel="pa"
    )
    person_services.record_broadcast(report, actor=supervisor, body="各岗位注意：红色外套男孩，约5岁", channel="radio")
    rows = list(selectors.broadcasts_of(report))
    assert [(b.channel, b.by) for b in rows] == [("pa", agent), ("radio", supervisor)]
    assert rows[0] == first and rows[0].broadcast_at <= timezone.now()

    for kw, code in [
        (dict(body="", channel="pa"), "broadcast_text_required"),
        (dict(body="x", channel=""), "channel_required"),
        (dict(body="x", channel="tv"), "invalid_input"),
        (dict(body="x", channel="pa", broadcast_at=timezone.now() + timedelta(hours=2)), "time_in_future"),
    ]:
        with pytest.raises(ServiceError) as exc:
            person_services.record_broadcast(report, actor=agent, **kw)
        assert exc.value.code == code
    assert Broadcast.objects.count() == 2

    person_services.record_person_found(
        report, actor=supervisor, outcome="guardian", handed_to="母亲张伟", found_place="二楼玩具店"
    )
    report.refresh_from_db()
    order.refresh_from_db()
    assert report.found_at is not None and report.resolved_by == supervisor and report.handed_to == "母亲张伟"
    assert order.status == "resolved" and "母亲张伟" in order.resolution
    assert list(order.events.values_list("event_type", flat=True)) == [
        "created",
        "status_accept",
        "status_start",
        "status_resolve",
    ]
    events = list(LostFoundEvent.objects.filter(work_order=order).values_list("event_type", flat=True))
    assert events == ["person_reported", "broadcast_recorded", "broadcast_recorded", "person_found"]
    with pytest.raises(ServiceError) as exc:
        person_services.record_broadcast(report, actor=agent, body="再广播", channel="pa")
    assert exc.value.code == "already_found"


def test_lost_person_resolution_time_is_recorded(report, agent):
    person_services.record_broadcast(report, actor=agent, body="乐乐小朋友请到一楼服务台", channel="pa")
    found_at = timezone.now() - timedelta(minutes=2)
    person_services.record_person_found(
        report, actor=agent, outcome="found", found_place="一楼服务台", found_at=found_at, note="孩子自己走到服务台"
    )
    report.refresh_from_db()
    order = WorkOrder.objects.get(pk=report.work_order_id)
    assert report.found_at == found_at and report.outcome == "found" and report.resolved_by == agent
    local = timezone.localtime(found_at).strftime("%Y-%m-%d %H:%M")
    assert order.status == "resolved" and order.resolved_at is not None and local in order.resolution
    # How long the search took: from the report to the person being found.
    assert timedelta(0) < report.found_at - report.last_seen_at < timedelta(minutes=10)


def test_broadcast_and_found_time_cannot_precede_the_last_sighting(report, agent):
    before = report.last_seen_at - timedelta(minutes=5)
    for fn, kw, field in [
        (person_services.record_broadcast, dict(body="广播", channel="pa", broadcast_at=before), "broadcast_at"),
        (person_services.record_person_found, dict(outcome="found", found_at=before), "found_at"),
    ]:
        with pytest.raises(ServiceError) as exc:
            fn(report, actor=agent, **kw)
        assert exc.value.code == "before_last_seen" and field in exc.value.fields
    report.refresh_from_db()
    assert not Broadcast.objects.exists() and report.found_at is None
    assert not LostFoundEvent.objects.filter(event_type__in=["broadcast_recorded", "person_found"]).exists()
    # Typed to the minute: the minute of the last sighting counts as that moment, never earlier.
    same_minute = report.last_seen_at.replace(second=0, microsecond=0)
    person_services.record_person_found(report, actor=agent, outcome="found", found_at=same_minute)
    report.refresh_from_db()
    assert report.found_at == report.last_seen_at


def test_lost_person_order_is_not_resolved_or_closed_without_the_outcome(report, agent):
    order = tickets.start_work_order(report.work_order, actor=agent)
    with pytest.raises(ServiceError) as exc:
        tickets.resolve_work_order(order, actor=agent, resolution="找到了")
    assert exc.value.code == "person_not_found_yet"
    assert WorkOrder.objects.get(pk=order.pk).status == "in_progress"


def test_handed_to_is_required_unless_the_person_came_back(report, agent):
    with pytest.raises(ServiceError) as exc:
        person_services.record_person_found(report, actor=agent, outcome="guardian")
    assert exc.value.code == "handed_to_required"
    with pytest.raises(ServiceError) as exc:
        person_services.record_person_found(report, actor=agent, outcome="")
    assert exc.value.code == "outcome_required"
    report.refresh_from_db()
    assert report.found_at is None and report.work_order.status == "accepted"


def test_bad_lost_person_report_writes_nothing(site, agent, customer):
    base = dict(
        actor=agent, site_id=site.id, customer_id=customer.id, appearance="穿黄色雨衣的老人", last_seen_place="一楼"
    )
    for kw, code in [
        (dict(appearance=""), "appearance_required"),
        (dict(last_seen_place=""), "place_required"),
        (dict(gender="x"), "invalid_input"),
        (dict(customer_id=None), "reporter_required"),
        (dict(customer_id=None, reporter_name="王女士", reporter_phone="123"), "invalid_input"),
        (dict(last_seen_at=timezone.now() + timedelta(days=1)), "time_in_future"),
    ]:
        with pytest.raises(ServiceError) as exc:
            person_services.report_lost_person(**{**base, **kw})
        assert exc.value.code == code or exc.value.fields, kw
    assert not WorkOrder.objects.exists() and not LostPersonReport.objects.exists()


def test_reporter_not_in_the_archive_is_created_with_the_report(site, agent):
    report = person_services.report_lost_person(
        actor=agent,
        site_id=site.id,
        reporter_name="王女士",
        reporter_phone="13600001234",
        appearance="女孩，扎两个辫子，粉色裙子",
        last_seen_place="二楼电梯口",
    )
    assert report.work_order.customer.name == "王女士"


def test_other_site_lost_person_report_is_not_found(report, outsider):
    with pytest.raises(ServiceError) as exc:
        person_services.record_broadcast(report, actor=outsider, body="x", channel="pa")
    assert exc.value.code == "not_found"
