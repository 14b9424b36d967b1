"""Work-order API: queue, create, detail, every action, site scoping, bad input and optimistic concurrency."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from kefu.core.models import IdempotencyRecord
from kefu.tickets import services
from kefu.tickets.models import Attachment, WorkOrder, WorkOrderEvent

LIST = "/api/v1/work-orders/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(order, action=None):
    return f"{LIST}{order.id}/" + (f"{action}/" if action else "")


@pytest.fixture
def api(agent):
    return client_for(agent)


@pytest.fixture
def payload(site, customer):
    return {"site": site.id, "type": "repair", "channel": "phone", "subject": "卫生间漏水", "customer": customer.id}


def written():
    """Rows a refused request must not have touched."""
    return WorkOrder.objects.count(), WorkOrderEvent.objects.count(), IdempotencyRecord.objects.count()


def has_field(body, field) -> bool:
    """Field errors are keyed by the field, or field.index for one item of a list."""
    return any(key == field or key.startswith(f"{field}.") for key in body["fields"])


def events(order):
    return list(WorkOrderEvent.objects.filter(work_order=order).values_list("event_type", flat=True))


# --- create and read ------------------------------------------------------------------------------------------


def test_create_returns_the_order_with_version_actions_and_timeline(api, payload, agent):
    response = api.post(LIST, {**payload, "accept_now": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("GD-") and body["version"] == 2
    assert body["status"] == "accepted" and body["assignee"]["id"] == agent.id
    assert [e["event_type"] for e in body["timeline"]] == ["created", "status_accept"]
    assert "start" in body["allowed_actions"] and "accept" not in body["allowed_actions"]
    assert body["customer"] == {"id": payload["customer"], "name": "张伟", "kind": "individual", "tier": "C"}


def test_create_answer_is_what_a_read_of_the_new_order_answers(api, payload, shop, engineering, technician):
    """The create answer is built from the order as written, not re-read: it must match the stored row."""
    for extra in (
        {"accept_now": True},
        {"accept_now": True, "assignee": technician.id, "department": engineering.id, "priority": 3},
        {"shop": shop.id, "floor": "3F", "unit": "301", "description": "第二行\n说明"},
    ):
        response = api.post(LIST, {**payload, **extra}, format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["clocks"] and created["due_at"]  # the deadlines it was written with are in the answer
        assert api.get(url(WorkOrder.objects.get(pk=created["id"]))).json() == created


def test_create_writes_the_order_once_with_its_deadline(api, payload):
    """The SLA deadline is planned before the INSERT: no UPDATE of the new row, no read-back for the answer."""
    assert api.post(LIST, payload, format="json").status_code == 201  # loads the policy and calendar caches
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(LIST, {**payload, "accept_now": True}, format="json")
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(pk=response.json()["id"])
    assert order.due_at is not None and order.sla_state == "on_track"
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum('INSERT INTO "tickets_workorder"' in q for q in sql) == 1
    assert not [q for q in sql if q.startswith('UPDATE "tickets_workorder"')]
    assert not [q for q in sql if q.startswith("SELECT") and ("sla_" in q or "tickets_workorderevent" in q)]


def test_detail_carries_version_as_etag(api, make_order):
    order = make_order()
    response = api.get(url(order))
    assert response.status_code == 200
    assert response.json()["version"] == order.version and response["ETag"] == f'"{order.version}"'
    assert response.json()["allowed_actions"][:1] == ["accept"]


def test_detail_by_unknown_id_is_a_structured_404(api):
    for key in ("999999", str(2**63), "9" * 40):
        response = api.get(f"{LIST}{key}/")
        assert response.status_code == 404 and response.json()["code"] == "not_found", key


def test_emoji_round_trips(api, payload):
    text = "空调不制冷 😡🔥 顾客很着急 👍🏽"
    response = api.post(LIST, {**payload, "subject": text, "description": text + "\n第二行"}, format="json")
    assert response.status_code == 201, response.content
    again = api.get(f"{LIST}{response.json()['id']}/").json()
    assert again["subject"] == text and again["description"] == text + "\n第二行"


# --- the queue ------------------------------------------------------------------------------------------------


def test_queue_filters_sort_and_cursor(api, make_order, agent, supervisor):
    orders = [make_order(subject=f"单{i}") for i in range(5)]
    services.accept_work_order(orders[0], actor=agent)
    make_order(type="complaint", subject="投诉")
    services.assign_work_order(orders[1], actor=agent, assignee_id=supervisor.id)

    body = api.get(LIST, {"page_size": 2}).json()
    assert body["count"] == 6 and body["count_capped"] is False and len(body["results"]) == 2
    seen = [r["id"] for r in body["results"]]
    while body["next_cursor"]:
        body = api.get(LIST, {"page_size": 2, "cursor": body["next_cursor"]}).json()
        seen += [r["id"] for r in body["results"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 6

    assert [r["subject"] for r in api.get(LIST, {"type": "complaint"}).json()["results"]] == ["投诉"]
    assert [r["id"] for r in api.get(LIST, {"status": "accepted"}).json()["results"]] == [orders[0].id]
    several = api.get(LIST, {"status": ["accepted", "new"]}).json()
    assert several["count"] == 6
    assert [r["id"] for r in api.get(LIST, {"assignee": supervisor.id}).json()["results"]] == [orders[1].id]
    assert [r["id"] for r in client_for(supervisor).get(LIST, {"scope": "mine"}).json()["results"]] == [orders[1].id]
    oldest_first = api.get(LIST, {"sort": "created"}).json()["results"]
    assert oldest_first[0]["id"] == orders[0].id


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "bogus"}, "status"),
        ({"type": "nope"}, "type"),
        ({"priority": "9"}, "priority"),
        ({"scope": "everyone"}, "scope"),
        ({"sort": "random"}, "sort"),
        ({"site": "abc"}, "site"),
        ({"site": str(10**30)}, "site"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_queue_refuses_unknown_filter_values(api, params, field):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and has_field(response.json(), field)


@pytest.mark.parametrize("cursor", ["garbage", "W1swLDFdXQ", "WzEsIDFlMzBd", "WzEsIDk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ"])
def test_queue_ignores_a_forged_cursor(api, make_order, cursor):
    make_order()
    response = api.get(LIST, {"cursor": cursor})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_queue_page_has_a_fixed_number_of_queries(api, make_order, shop, engineering, django_assert_max_num_queries):
    for i in range(10):
        make_order(subject=f"单{i}")
    for i in range(5):  # every joined row present: a column the page left out would cost a query per row
        make_order(subject=f"派{i}", accept_now=True, department_id=engineering.id, shop_id=shop.id)
    api.get(LIST)  # warm the session
    with django_assert_max_num_queries(8):
        body = api.get(LIST).json()
    assert len(body["results"]) == 15
    assert body["results"][0]["shop"]["number"] == "F1-101" and body["results"][0]["assignee"]["name"]
    assert body["results"][0]["department"]["name"] == "工程部" and body["results"][0]["site"]["code"] == "GD"


# --- site scoping ---------------------------------------------------------------------------------------------

ACTIONS = [
    "accept",
    "start",
    "wait-customer",
    "resume",
    "resolve",
    "close",
    "reopen",
    "cancel",
    "assign",
    "transfer",
    "reply",
    "notes",
    "priority",
    "attachments",
]


def test_outsider_never_sees_another_sites_orders_in_the_queue(make_order, outsider):
    make_order()
    body = client_for(outsider).get(LIST).json()
    assert body["results"] == [] and body["count"] == 0
    assert client_for(outsider).get(LIST, {"site": make_order().site_id}).json()["count"] == 0


def test_outsider_gets_404_on_detail(make_order, outsider):
    response = client_for(outsider).get(url(make_order()))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("action", ACTIONS)
def test_outsider_gets_404_on_every_action_and_nothing_is_written(make_order, outsider, action):
    order = make_order()
    before = written()
    response = client_for(outsider).post(url(order, action), {"version": order.version}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert written() == before


def test_outsider_cannot_create_in_another_site(outsider, payload):
    response = client_for(outsider).post(LIST, payload, format="json")
    assert response.status_code == 404 and WorkOrder.objects.count() == 0


def test_outsider_gets_404_on_attachment_download(api, make_order, outsider):
    order = make_order()
    attachment_id = api.post(url(order, "attachments"), {"file": _png()}, format="multipart").json()["id"]
    assert api.get(f"/api/v1/attachments/{attachment_id}/download/").status_code == 200
    response = client_for(outsider).get(f"/api/v1/attachments/{attachment_id}/download/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_technician_sees_only_orders_sent_to_their_department(make_order, technician, engineering, agent):
    mine = make_order(department_id=engineering.id)
    other = make_order()
    tech = client_for(technician)
    assert [r["id"] for r in tech.get(LIST).json()["results"]] == [mine.id]
    assert tech.get(url(other)).status_code == 404


# --- bad input: 400 with field errors and nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"subject": "长" * 201}, "subject"),
        ({"description": "x" * 10_001}, "description"),
        ({"floor": "1" * 21}, "floor"),
        ({"unit": "u" * 41}, "unit"),
        ({"location": "l" * 201}, "location"),
        ({"type": "bogus"}, "type"),
        ({"channel": "pigeon"}, "channel"),
        ({"priority": 9}, "priority"),
        ({"priority": "urgent"}, "priority"),
        ({"subject": "<script>alert(1)</script>"}, "subject"),
        ({"subject": '漏水<img src=x onerror="alert(1)">'}, "subject"),
        ({"location": "<b>3楼</b>"}, "location"),
        ({"subject": "漏\x00水"}, "subject"),
        ({"description": "漏水\x00"}, "description"),
        ({"description": "bell\x07"}, "description"),
        ({"customer": "abc"}, "customer"),
        ({"customer": 10**30}, "customer"),
        ({"site": -1}, "site"),
        ({"accept_now": "maybe"}, "accept_now"),
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
    ],
)
def test_create_refuses_bad_fields_and_writes_nothing(api, payload, change, field):
    before = written()
    response = api.post(LIST, {**payload, **change}, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in ("invalid_input", "subject_required") and field in body["fields"], body
    assert written() == before


@pytest.mark.parametrize("missing", ["site", "type", "channel", "subject"])
def test_create_refuses_missing_fields(api, payload, missing):
    payload.pop(missing)
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 400 and missing in response.json()["fields"]
    assert written() == (0, 0, 0)


def test_create_without_customer_is_refused_except_for_inquiries(api, payload):
    payload.pop("customer")
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "customer_required"
    assert "customer" in response.json()["fields"] and written() == (0, 0, 0)
    assert api.post(LIST, {**payload, "type": "inquiry"}, format="json").status_code == 201


def test_create_with_another_sites_customer_is_refused(api, payload, other_site, outsider):
    from kefu.customers.services import create_customer

    stranger = create_customer(actor=outsider, site_id=other_site.id, name="李娜", phones=["13900001111"])
    before = written()
    response = api.post(LIST, {**payload, "customer": stranger.id}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "customer_not_in_site"
    assert written() == before


def test_invalid_json_is_a_400_and_nothing_is_written(api):
    response = api.generic("POST", LIST, '{"subject": "漏水",', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert written() == (0, 0, 0)


def test_json_that_is_not_an_object_is_a_400(api):
    response = api.generic("POST", LIST, json.dumps(["漏水"]), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_unsupported_media_type_is_a_415(api):
    response = api.generic("POST", LIST, "subject=漏水", content_type="text/plain")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_wrong_method_is_a_structured_405(api, make_order):
    response = api.delete(url(make_order()))
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


# --- actions: happy paths ---------------------------------------------------------------------------------------


def _post(client, order, action, data=None, **extra):
    return client.post(url(order, action), data or {}, format="json", **extra)


def _png(name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_status_actions_walk_the_whole_machine(api, make_order, agent):
    order = make_order()
    steps = [
        ("accept", {}, "accepted"),
        ("start", {}, "in_progress"),
        ("wait-customer", {"note": "请顾客确认是否还漏水"}, "awaiting_customer"),
        ("resume", {}, "in_progress"),
        ("resolve", {"resolution": "更换水管接头"}, "resolved"),
        ("close", {"customer_response": "已电话告知顾客"}, "closed"),
        ("reopen", {"reason": "顾客反映又漏水了"}, "reopened"),
        ("start", {}, "in_progress"),
    ]
    version = order.version
    for action, data, status in steps:
        response = _post(api, order, action, {**data, "version": version})
        assert response.status_code == 200, (action, response.content)
        body = response.json()
        assert body["status"] == status and body["version"] == version + 1 and response["ETag"] == f'"{version + 1}"'
        version = body["version"]
    assert events(order) == [
        "created",
        "status_accept",
        "status_start",
        "status_wait_customer",
        "status_resume",
        "status_resolve",
        "replied",
        "status_close",
        "status_reopen",
        "status_start",
    ]


def test_cancel_with_reason(api, make_order):
    order = make_order()
    response = _post(api, order, "cancel", {"reason": "顾客撤回", "version": order.version})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    # A cancelled order has no work left to rank: notes and attachments only.
    assert response.json()["allowed_actions"] == ["notes", "attachments"]


@pytest.mark.parametrize("ending", ["cancelled", "resolved"])
def test_priority_is_for_open_orders_only(api, make_order, agent, ending):
    # Urgency ranks the work still to do; a resolved or cancelled order has none (reopening makes it open again).
    order = make_order()
    if ending == "cancelled":
        order = services.cancel_work_order(order, actor=agent, reason="顾客撤回")
    else:
        order = services.accept_work_order(order, actor=agent)
        order = services.start_work_order(order, actor=agent)
        order = services.resolve_work_order(order, actor=agent, resolution="已更换密封圈")
    assert "priority" not in _post(api, order, "notes", {"body": "看一眼"}).json()["allowed_actions"]
    before = written()
    response = _post(api, order, "priority", {"priority": 1, "reason": "顾客催促"})
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    assert written() == before
    order.refresh_from_db()
    assert order.priority == 3 and order.status == ending


def test_cancel_without_reason_is_a_400(api, make_order):
    order = make_order()
    response = _post(api, order, "cancel", {"version": order.version})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert "reason" in response.json()["fields"] and events(order) == ["created"]


def test_assign(api, make_order, supervisor):
    order = make_order()
    response = _post(api, order, "assign", {"assignee": supervisor.id, "version": order.version})
    assert response.status_code == 200 and response.json()["assignee"]["id"] == supervisor.id
    assert events(order) == ["created", "assigned"]


def test_assign_to_someone_outside_the_site_is_a_400(api, make_order, outsider):
    order = make_order()
    response = _post(api, order, "assign", {"assignee": outsider.id})
    assert response.status_code == 400 and "assignee" in response.json()["fields"]


def test_transfer_to_a_department(api, make_order, engineering, technician):
    order = make_order()
    response = _post(api, order, "transfer", {"department": engineering.id, "reason": "需要工程部维修"})
    assert response.status_code == 200, response.content
    assert response.json()["department"]["id"] == engineering.id and events(order) == ["created", "transferred"]
    # The department now has it in its queue and may work it.
    assert "start" not in client_for(technician).get(url(order)).json()["allowed_actions"]
    assert "accept" in client_for(technician).get(url(order)).json()["allowed_actions"]


def test_transfer_without_target_is_a_400(api, make_order):
    response = _post(api, make_order(), "transfer", {"reason": "转给谁?"})
    assert response.status_code == 400 and response.json()["code"] == "transfer_target_required"


def test_reply_bumps_the_version_and_note_does_not(api, make_order):
    order = make_order()
    reply = _post(api, order, "reply", {"body": "您好,师傅下午到 🙂", "version": order.version})
    assert reply.status_code == 200 and reply.json()["version"] == order.version + 1
    assert reply.json()["first_replied_at"] is not None
    note = _post(api, order, "notes", {"body": "顾客脾气急,注意沟通"})
    assert note.status_code == 200 and note.json()["version"] == order.version + 1
    assert [(e["event_type"], e["note"]) for e in note.json()["timeline"]][1:] == [
        ("replied", "您好,师傅下午到 🙂"),
        ("note_added", "顾客脾气急,注意沟通"),
    ]


def test_empty_reply_is_a_400(api, make_order):
    response = _post(api, make_order(), "reply", {"body": "  "})
    assert response.status_code == 400 and response.json()["code"] == "body_required"


def test_reply_with_nul_is_a_400_and_nothing_is_written(api, make_order):
    order = make_order()
    before = written()
    response = _post(api, order, "reply", {"body": "你好\x00"})
    assert response.status_code == 400 and "body" in response.json()["fields"]
    assert written() == before


def test_priority(api, make_order):
    order = make_order()
    response = _post(api, order, "priority", {"priority": 1, "reason": "顾客是VIP", "version": order.version})
    assert response.status_code == 200 and response.json()["priority"] == 1
    assert _post(api, order, "priority", {"priority": 7}).status_code == 400


def test_attachment_upload_and_download(api, make_order):
    order = make_order()
    response = api.post(url(order, "attachments"), {"file": _png("现场照片.png")}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "现场照片.png" and body["content_type"] == "image/png" and body["size"] == len(PNG)
    download = api.get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert api.get(url(order)).json()["attachments"][0]["id"] == body["id"]


def test_attachment_of_a_forbidden_type_is_a_400(api, make_order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = make_order()
    evil = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="image/png")
    response = api.post(url(order, "attachments"), {"file": evil}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "attachment_type"
    assert Attachment.objects.count() == 0


def test_attachment_without_file_is_a_400(api, make_order):
    response = api.post(url(make_order(), "attachments"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]


def test_attachment_as_json_is_a_415(api, make_order):
    response = _post(api, make_order(), "attachments", {"file": "x"})
    assert response.status_code == 415


# --- forbidden transitions: 409 and nothing written --------------------------------------------------------------


@pytest.mark.parametrize(
    "action, data",
    [
        ("start", {}),
        ("wait-customer", {}),
        ("resume", {}),
        ("resolve", {"resolution": "已处理"}),
        ("close", {"customer_response": "已答复"}),
        ("reopen", {"reason": "再开"}),
    ],
)
def test_transition_the_machine_forbids_from_new_is_a_409(api, make_order, action, data):
    order = make_order()
    before = written()
    response = _post(api, order, action, {**data, "version": order.version})
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "transition_not_allowed"
    assert written() == before
    order.refresh_from_db()
    assert order.status == "new" and order.version == 1


@pytest.mark.parametrize(
    "action, data",
    [
        ("accept", {}),
        ("cancel", {"reason": "撤回"}),
        ("assign", {"assignee": None}),
        ("transfer", {"department": None, "reason": "转"}),
        ("reply", {"body": "您好"}),
    ],
)
def test_actions_on_a_cancelled_order_are_409(api, make_order, agent, action, data):
    order = services.cancel_work_order(make_order(), actor=agent, reason="重复工单")
    if action == "assign":
        data = {"assignee": agent.id}
    if action == "transfer":
        data = {"assignee": agent.id, "reason": "转"}
    before = written()
    response = _post(api, order, action, data)
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    assert written() == before


def test_finance_sees_but_may_not_work_an_order(make_order, finance):
    order = make_order()
    client = client_for(finance)
    assert client.get(url(order)).json()["allowed_actions"] == []
    response = _post(client, order, "accept")
    assert response.status_code == 403 and response.json()["code"] == "not_your_order"


# --- optimistic concurrency ------------------------------------------------------------------------------------


def test_stale_version_is_a_409_and_nothing_is_written(api, make_order):
    order = make_order()
    assert _post(api, order, "accept", {"version": 1}).status_code == 200
    before = written()
    response = _post(api, order, "start", {"version": 1})
    assert response.status_code == 409 and response.json()["code"] == "version_conflict"
    assert written() == before
    order.refresh_from_db()
    assert order.status == "accepted" and order.version == 2


def test_a_note_checks_the_version_it_is_sent_and_leaves_it_unchanged(api, make_order):
    # A note cannot overwrite anything, so it never bumps the version; but a client that says which version it
    # saw (body or If-Match) states a precondition, and a stale one is refused like any action's.
    order = make_order()
    assert _post(api, order, "accept", {"version": 1}).status_code == 200
    before = written()
    for data, headers in (
        ({"body": "旧版本上的备注", "version": 1}, {}),
        ({"body": "旧版本"}, {"HTTP_IF_MATCH": '"1"'}),
    ):
        response = _post(api, order, "notes", data, **headers)
        assert response.status_code == 409 and response.json()["code"] == "version_conflict"
    assert written() == before
    assert _post(api, order, "notes", {"body": "当前版本", "version": 2}).status_code == 200
    assert _post(api, order, "notes", {"body": "不带版本"}).status_code == 200
    order.refresh_from_db()
    assert order.version == 2 and events(order)[-2:] == ["note_added", "note_added"]


def test_if_match_header_carries_the_version(api, make_order):
    order = make_order()
    assert _post(api, order, "accept", HTTP_IF_MATCH='"2"').status_code == 409
    response = _post(api, order, "accept", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert _post(api, order, "start", HTTP_IF_MATCH='W/"2"').status_code == 200


@pytest.mark.parametrize(
    "data, headers",
    [
        ({"version": "abc"}, {}),
        ({"version": 0}, {}),
        ({}, {"HTTP_IF_MATCH": "yesterday"}),
        ({"version": 1}, {"HTTP_IF_MATCH": '"2"'}),
    ],
)
def test_malformed_version_is_a_400(api, make_order, data, headers):
    order = make_order()
    response = _post(api, order, "accept", data, **headers)
    assert response.status_code == 400 and "version" in response.json()["fields"]
    assert events(order) == ["created"]


# --- idempotent create (sequential; the parallel case is in test_api_concurrency) --------------------------------


def test_retried_create_replays_the_first_answer(api, payload):
    first = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="call-42")
    again = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="call-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert WorkOrder.objects.count() == 1


def test_same_key_with_another_body_is_a_422(api, payload):
    api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="call-43")
    response = api.post(LIST, {**payload, "subject": "别的事"}, format="json", HTTP_IDEMPOTENCY_KEY="call-43")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert WorkOrder.objects.count() == 1


def test_a_refused_create_does_not_burn_the_key(api, payload):
    bad = api.post(LIST, {**payload, "type": "inquiry", "customer": 999_999}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    assert api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_overlong_idempotency_key_is_a_400(api, payload):
    response = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]


def test_fast_queue_rows_equal_the_documented_serializer(make_order, agent, shop, engineering):
    """The queue builds rows without DRF fields for speed; they must stay exactly what the schema documents."""
    from django.utils import translation

    from kefu.tickets.selectors import queue_for
    from kefu.tickets.serializers import WorkOrderSerializer, queue_row, queue_rows
    from kefu.tickets.services import create_work_order

    make_order(accept_now=True, shop_id=shop.id, department_id=engineering.id)
    create_work_order(actor=agent, site_id=agent.sites.first().id, type="inquiry", channel="online", subject="匿名咨询")
    rows = queue_for(agent).rows
    assert len(rows) == 2
    for order in rows:
        assert queue_row(order) == dict(WorkOrderSerializer(order).data)
    for language in ("zh-hans", "en"):  # a page looks its labels up once, in the language of the request
        with translation.override(language):
            assert queue_rows(rows) == [dict(WorkOrderSerializer(order).data) for order in rows]
