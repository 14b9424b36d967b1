"""Work-order reads are scoped by the actor: another site's order is simply not there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.tickets import selectors, services
from kefu.tickets.models import WorkOrder, WorkOrderEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(media, make_order, agent, technician, engineering, outsider, other_site):
    """Orders of both sites: at `site` one in 工程部, one assigned to the technician in person, one at the desk."""
    in_engineering = make_order(department_id=engineering.id, subject="空调不制冷")
    for_technician = make_order(subject="门禁失灵")
    services.assign_work_order(for_technician, actor=agent, assignee_id=technician.id)
    at_desk = make_order(accept_now=True, subject="会员积分查询")
    attachment = services.add_attachment(
        in_engineering, actor=agent, uploaded=SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    )
    foreign = services.create_work_order(
        actor=outsider, site_id=other_site.id, type="inquiry", channel="walk_in", subject="物业费缴纳", accept_now=True
    )
    return {
        "site": [in_engineering, for_technician, at_desk],
        "in_engineering": in_engineering,
        "for_technician": for_technician,
        "at_desk": at_desk,
        "attachment": attachment,
        "foreign": foreign,
    }


def _ids(orders):
    return {o.pk for o in orders}


def _queue_ids(actor, scope, **kw):
    return {o.pk for o in selectors.queue_for(actor, scope=scope, **kw).rows}


def _not_found(call):
    with pytest.raises(ServiceError) as exc:
        call()
    return exc.value.code == "not_found" and exc.value.status == 404


def test_an_outsider_sees_no_order_of_another_site_in_any_selector(world, outsider, site):
    mine = {world["foreign"].pk}
    assert _ids(selectors.work_orders_for(outsider)) == mine
    for order in world["site"]:
        assert _not_found(lambda o=order: selectors.get_work_order_for(outsider, o.pk))
        assert _not_found(lambda o=order: selectors.get_work_order_for(outsider, str(o.pk)))
        assert _not_found(lambda o=order: selectors.get_work_order_for(outsider, o.number))
        assert selectors.customer_history_for(outsider, order.customer_id) == []
    for scope in ("mine", "team", "department"):
        assert _queue_ids(outsider, scope) <= mine
        assert _queue_ids(outsider, scope, filters={"site": [site.id]}) == set()
    assert _not_found(lambda: selectors.get_attachment_for(outsider, world["attachment"].pk))
    dashboard = selectors.dashboard_for(outsider)
    assert dashboard["today_total"] == 1
    assert sum(row["n"] for row in dashboard["open_by_status"]) == 1
    assert dashboard["today_by_type"] == [{"type": "inquiry", "n": 1}]
    assert _ids(selectors.queue_for(outsider).rows) == mine
    assert selectors.queue_for(outsider).total == 1


def test_garbage_keys_are_not_found(world, agent):
    for key in (None, "", "abc", "GD-19700101-0001", -1, 10**12, 2**63, 10**30, "9" * 40, "1; DROP TABLE"):
        assert _not_found(lambda k=key: selectors.get_work_order_for(agent, k))
    for key in (None, "x", 10**12):
        assert _not_found(lambda k=key: selectors.get_attachment_for(agent, k))


def test_the_rule_for_one_order_in_hand_is_the_scope_of_work_orders_for(
    world, agent, technician, finance, supervisor, outsider, site, other_site
):
    # get_work_order_for reads the row by id and checks may_see_order on it: the two must never disagree.
    both = make_staff("roaming", "supervisor", sites=[site, other_site])
    root = make_staff("root", "admin", is_superuser=True, is_staff=True)
    orders = list(WorkOrder.objects.order_by("id"))
    assert len(orders) == 4
    for actor in (agent, technician, finance, supervisor, outsider, both, root):
        scoped = _ids(selectors.work_orders_for(actor))
        for order in orders:
            assert selectors.may_see_order(actor, order) == (order.pk in scoped), (actor, order)
            if order.pk in scoped:
                assert selectors.get_work_order_for(actor, order.pk) == order
            else:
                assert _not_found(lambda a=actor, o=order: selectors.get_work_order_for(a, o.pk))


def test_an_agent_sees_every_order_of_his_site_and_finds_it_by_id_and_number(world, agent):
    assert _ids(selectors.work_orders_for(agent)) == _ids(world["site"])
    order = world["in_engineering"]
    assert selectors.get_work_order_for(agent, order.pk) == order
    assert selectors.get_work_order_for(agent, order.number) == order
    assert selectors.get_attachment_for(agent, world["attachment"].pk) == world["attachment"]
    assert selectors.dashboard_for(agent)["today_total"] == 3


def test_a_user_of_two_sites_sees_both(world, site, other_site):
    both = make_staff("roaming", "supervisor", sites=[site, other_site])
    expected = _ids(world["site"]) | {world["foreign"].pk}
    assert _ids(selectors.work_orders_for(both)) == expected
    assert _queue_ids(both, "team") == expected
    assert selectors.get_work_order_for(both, world["foreign"].number) == world["foreign"]
    assert selectors.dashboard_for(both)["today_total"] == 4
    assert _queue_ids(both, "team", filters={"site": [other_site.id]}) == {world["foreign"].pk}


def test_a_superuser_sees_every_site(world):
    root = make_staff("root", "admin", is_superuser=True, is_staff=True)
    assert _ids(selectors.work_orders_for(root)) == _ids(world["site"]) | {world["foreign"].pk}
    assert selectors.get_attachment_for(root, world["attachment"].pk) == world["attachment"]


def test_a_technician_sees_only_his_departments_orders_and_those_assigned_to_him(world, technician):
    visible = {world["in_engineering"].pk, world["for_technician"].pk}
    assert _ids(selectors.work_orders_for(technician)) == visible
    assert _queue_ids(technician, "team") == visible
    assert _queue_ids(technician, "mine") == {world["for_technician"].pk}
    assert _queue_ids(technician, "department") == {world["in_engineering"].pk}
    assert _not_found(lambda: selectors.get_work_order_for(technician, world["at_desk"].number))
    assert selectors.get_attachment_for(technician, world["attachment"].pk) == world["attachment"]
    assert selectors.dashboard_for(technician)["today_total"] == 2


def test_a_technician_loses_sight_of_an_order_transferred_away(world, agent, technician, service_center):
    order = world["in_engineering"]
    services.transfer_work_order(order, actor=agent, reason="非工程问题", department_id=service_center.id)
    assert order.pk not in _ids(selectors.work_orders_for(technician))
    assert _not_found(lambda: selectors.get_attachment_for(technician, world["attachment"].pk))


def test_finance_sees_the_sites_orders_but_cannot_act_on_them(world, finance, site):
    assert _ids(selectors.work_orders_for(finance)) == _ids(world["site"])
    order = world["at_desk"]
    refused = {
        "start": lambda: services.start_work_order(order, actor=finance),
        "resolve": lambda: services.resolve_work_order(order, actor=finance, resolution="x"),
        "transfer": lambda: services.transfer_work_order(order, actor=finance, reason="x", assignee_id=finance.id),
        "note": lambda: services.add_internal_note(order, actor=finance, body="x"),
        "priority": lambda: services.change_priority(order, actor=finance, priority=1),
        "reply": lambda: services.reply_to_customer(order, actor=finance, body="x"),
        "close": lambda: services.close_work_order(order, actor=finance, customer_response="x"),
        "cancel": lambda: services.cancel_work_order(order, actor=finance, reason="x"),
        "assign": lambda: services.assign_work_order(order, actor=finance, assignee_id=finance.id),
        "create": lambda: services.create_work_order(
            actor=finance, site_id=site.id, type="inquiry", channel="phone", subject="x"
        ),
    }
    before = WorkOrderEvent.objects.count()
    for name, call in refused.items():
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code in {"permission_denied", "not_your_order"}, name
    assert WorkOrderEvent.objects.count() == before
    assert selectors.available_actions(finance, order) == []


def test_an_outsider_cannot_act_on_another_sites_order_even_holding_the_object(world, outsider):
    order = world["at_desk"]
    calls = [
        lambda: services.start_work_order(order, actor=outsider),
        lambda: services.add_internal_note(order, actor=outsider, body="x"),
        lambda: services.reply_to_customer(order, actor=outsider, body="x"),
        lambda: services.change_priority(order, actor=outsider, priority=1),
        lambda: services.cancel_work_order(order, actor=outsider, reason="x"),
        lambda: services.assign_work_order(order, actor=outsider, assignee_id=outsider.id),
        lambda: services.reopen_work_order(order, actor=outsider, reason="x"),
        lambda: services.close_work_order(order, actor=outsider, customer_response="x"),
        lambda: services.add_attachment(order, actor=outsider, uploaded=SimpleUploadedFile("a.png", PNG)),
    ]
    before = WorkOrderEvent.objects.count()
    for call in calls:
        assert _not_found(call)
    assert WorkOrderEvent.objects.count() == before


def test_queue_pages_are_keyset_paginated_without_overlap(media, make_order, agent):
    for i in range(7):
        make_order(subject=f"工单{i}")
    seen, cursor = [], None
    while True:
        page = selectors.queue_for(agent, page_size=3, cursor=cursor)
        seen += [o.pk for o in page.rows]
        assert page.total == 7
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 7


def test_timeline_is_in_order(world):
    order = world["in_engineering"]
    assert [e.event_type for e in selectors.timeline_for(order)] == ["created", "attachment_added"]


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_multi_site_queue_is_merged_in_one_global_order_across_pages(sort, site, other_site, agent, customer):
    """Per-site queries merged in Python must page exactly like one query over all sites would."""
    from conftest import make_user
    from kefu.accounts.models import Role
    from kefu.customers.services import create_customer

    both = make_user(Role.SUPERVISOR, sites=[site, other_site])
    other_customer = create_customer(actor=both, site_id=other_site.id, name="王芳", phones=["13900001111"])
    for i in range(7):
        services.create_work_order(
            actor=both,
            site_id=site.id,
            type="repair",
            channel="phone",
            subject=f"甲{i}",
            customer_id=customer.id,
            priority=1 + i % 4,
        )
        services.create_work_order(
            actor=both,
            site_id=other_site.id,
            type="inquiry",
            channel="online",
            subject=f"乙{i}",
            customer_id=other_customer.id,
            priority=1 + (i + 1) % 4,
        )
    single = list(selectors.work_orders_for(both).order_by(*_sql_order(sort)).values_list("id", flat=True))
    seen, cursor = [], None
    while True:
        page = selectors.queue_for(both, sort=sort, cursor=cursor, page_size=4)
        seen += [o.id for o in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == single and page.total == 14


def test_multi_site_page_stays_whole_when_a_row_leaves_between_its_two_reads(site, other_site, customer, monkeypatch):
    """Split queues read sort keys per site, then the rows by id: a row gone in between (transferred away) must
    not leave a short page without a next cursor; the page is then read in one go."""
    from conftest import make_user
    from kefu.accounts.models import Role
    from kefu.customers.services import create_customer

    both = make_user(Role.SUPERVISOR, sites=[site, other_site])
    other_customer = create_customer(actor=both, site_id=other_site.id, name="王芳", phones=["13900001111"])
    made = []
    for i in range(3):
        for s, c in ((site, customer), (other_site, other_customer)):
            order = services.create_work_order(
                actor=both, site_id=s.id, type="repair", channel="phone", subject=f"单{i}", customer_id=c.id
            )
            made.append(order.id)
    expected = selectors.queue_for(both, page_size=4)
    original, checked = selectors.may_see_order, []

    def left_after_the_keys_were_read(actor, order):
        checked.append(order.pk)
        return order.pk != made[-1] and original(actor, order)

    monkeypatch.setattr(selectors, "may_see_order", left_after_the_keys_were_read)
    page = selectors.queue_for(both, page_size=4)
    assert made[-1] in checked, "the page rows are read by id and checked against the actor's scope"
    assert [o.id for o in page.rows] == [o.id for o in expected.rows] and page.next_cursor == expected.next_cursor


def test_a_page_is_read_again_when_a_rows_sort_value_moves_between_its_two_reads(
    site, other_site, customer, monkeypatch
):
    """The next page's cursor is the last row's sort value: if a row was updated after the keys were read, the
    page is read in one go again, so its order and cursor agree with the rows shown."""
    from conftest import make_user
    from kefu.accounts.models import Role
    from kefu.customers.services import create_customer

    both = make_user(Role.SUPERVISOR, sites=[site, other_site])
    other_customer = create_customer(actor=both, site_id=other_site.id, name="王芳", phones=["13900001111"])
    for i in range(3):
        for s, c in ((site, customer), (other_site, other_customer)):
            services.create_work_order(
                actor=both, site_id=s.id, type="repair", channel="phone", subject=f"单{i}", customer_id=c.id
            )
    original = selectors._split_keys

    def touched_after_the_keys(*args, **kwargs):
        keys = original(*args, **kwargs)
        moved = keys[-1][1]
        WorkOrder.objects.filter(pk=moved).update(updated_at=timezone.now() + timedelta(minutes=5))
        return keys

    monkeypatch.setattr(selectors, "_split_keys", touched_after_the_keys)
    page = selectors.queue_for(both, sort="-updated", page_size=4)
    monkeypatch.setattr(selectors, "_split_keys", original)
    expected = list(selectors.work_orders_for(both).order_by("-updated_at", "-id").values_list("id", flat=True)[:4])
    assert [o.id for o in page.rows] == expected
    assert page.next_cursor == selectors.queue_for(both, sort="-updated", page_size=4).next_cursor


def test_page_reads_pad_their_ids_to_a_few_shapes():
    assert [len(selectors._padded(list(range(1, n + 1)))) for n in (1, 2, 3, 5, 26, 32, 33, 101)] == [
        *(1, 2, 4, 8, 32, 32, 64, 128)
    ]
    assert selectors._padded([7, 9, 4]) == [7, 9, 4, 4]


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_one_site_queue_pages_like_one_query_and_reads_its_rows_by_id_on_postgresql(sort, make_order, agent):
    """A one-site queue pages exactly as one ORDER BY would. On PostgreSQL it reads the page's sort keys first and
    then the rows by id (a read on a cached plan): planning the filtered five-table join for each call's values
    cost more than running it. SQLite plans cheaply and reads the page in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [make_order(subject=f"单{i}", priority=1 + i % 4) for i in range(7)]
    WorkOrder.objects.filter(pk__in=[o.pk for o in made[::3]]).update(due_at=None)  # undated rows sort last
    single = list(selectors.work_orders_for(agent).order_by(*_sql_order(sort)).values_list("id", flat=True))
    seen, cursor, reads = [], None, []
    while True:
        with CaptureQueriesContext(connection) as ctx:
            page = selectors.queue_for(agent, sort=sort, cursor=cursor, page_size=3)
        reads.append([q["sql"] for q in ctx.captured_queries if 'JOIN "accounts_site"' in q["sql"]])
        seen += [o.id for o in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == single and len(seen) == 7
    for row_reads in reads:
        by_ids = ['"tickets_workorder"."id" IN (' in sql and "ORDER BY" not in sql for sql in row_reads]
        if connection.vendor == "postgresql":
            assert by_ids == [True]  # one read of the page's rows, by id
        else:  # in SQL order; by deadline the dated and the undated section each in one read
            assert 1 <= len(by_ids) <= (2 if sort == "due" else 1) and not any(by_ids)


def _sql_order(sort):
    from django.db.models import F

    field, desc = selectors.SORTS[sort]
    if field == "id":
        return ["-id" if desc else "id"]
    if field in selectors.NULLABLE_SORT_FIELDS:
        return [F(field).asc(nulls_last=True), "-id"]
    return [f"-{field}" if desc else field, "-id"]


def test_dashboard_today_is_each_sites_own_calendar_day(make_order, site, other_site, supervisor):
    other_site.time_zone = "Europe/London"
    other_site.save(update_fields=["time_zone"])
    both = make_staff("two-zones", "supervisor", sites=[site, other_site])
    # 10:00 UTC is 18:00 on 2 December in Shanghai and 10:00 on 2 December in London.
    created = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    shanghai = make_order(subject="上海当天")
    london = make_order(actor=both, site_id=other_site.id, type="inquiry", customer_id=None, subject="伦敦当天")
    WorkOrder.objects.filter(pk__in=[shanghai.pk, london.pk]).update(created_at=created)
    # At 17:00 UTC it is already 3 December in Shanghai but still 2 December in London.
    late = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert selectors.dashboard_for(both, now=late)["today_total"] == 1
    assert selectors.dashboard_for(both, site_id=other_site.id, now=late)["today_total"] == 1
    assert selectors.dashboard_for(both, site_id=site.id, now=late)["today_total"] == 0
    # At 12:00 UTC both sites are on 2 December.
    assert selectors.dashboard_for(both, now=datetime(2026, 12, 2, 12, 0, tzinfo=UTC))["today_total"] == 2
