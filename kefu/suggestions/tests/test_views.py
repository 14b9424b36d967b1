"""Pages: intake, list, statistics, and the step forms of the work-order panels (server-rendered)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.suggestions.models import InquiryEvent, Suggestion, SuggestionEvent
from kefu.suggestions.transitions import Stage
from kefu.tickets.models import WorkOrder, WorkOrderEvent
from kefu.tickets.transitions import Status

from .conftest import fresh


def _login(client, user):
    client.force_login(user)
    return client


def _written():
    return (
        WorkOrder.objects.count(),
        Suggestion.objects.count(),
        SuggestionEvent.objects.count(),
        WorkOrderEvent.objects.count(),
        InquiryEvent.objects.count(),
    )


def test_intake_records_a_suggestion_and_opens_its_work_order(client, agent, site, categories):
    _login(client, agent)
    assert client.get(reverse("suggestions:new")).status_code == 200
    r = client.post(
        reverse("suggestions:new"),
        {
            "site": site.id,
            "content": "卫生间增加挂钩",
            "proposer_name": "赵女士",
            "proposer_contact": "13500004444",
            "channel": "walk_in",
            "category": categories["环境"].id,
        },
    )
    s = Suggestion.objects.get()
    assert r.status_code == 302 and r.url == reverse("tickets:detail", args=[s.work_order_id])
    page = client.get(r.url).content.decode()
    assert 'data-testid="suggestion-panel"' in page and "卫生间增加挂钩" in page
    assert "135****4444" in page and "13500004444" not in page
    # An agent is offered desk steps only; the evaluation is a supervisor's.
    assert 'data-step="evaluate"' not in page and 'data-step="classify"' in page


def test_intake_with_missing_fields_shows_chinese_errors_and_writes_nothing(client, agent, site):
    _login(client, agent)
    before = _written()
    r = client.post(
        reverse("suggestions:new"),
        {"site": site.id, "content": "", "proposer_name": "", "proposer_contact": "", "channel": "walk_in"},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "请填写建议内容" in page or "建议内容" in page
    assert _written() == before


def test_supervisor_sees_and_runs_the_decision_steps(client, supervisor, at):
    s = at(Stage.FORWARDED)
    _login(client, supervisor)
    page = client.get(reverse("tickets:detail", args=[s.work_order_id])).content.decode()
    assert 'data-step="adopt"' in page and 'data-step="reject"' in page
    r = client.post(reverse("suggestions:step", args=[s.pk, "reject"]), {"reason": "与经营定位不符"})
    assert r.status_code == 302
    assert fresh(s).stage == Stage.REJECTED


def test_adopt_without_owner_rerenders_with_the_message_and_writes_nothing(client, supervisor, at):
    s = at(Stage.FORWARDED)
    _login(client, supervisor)
    before = _written()
    r = client.post(
        reverse("suggestions:step", args=[s.pk, "adopt"]),
        {"reason": "同意", "plan": "方案", "plan_due_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert r.status_code == 400
    assert 'data-testid="suggestion-panel"' in r.content.decode()
    assert _written() == before


def test_an_agent_posting_a_decision_is_refused(client, agent, at):
    s = at(Stage.FORWARDED)
    _login(client, agent)
    before = _written()
    r = client.post(reverse("suggestions:step", args=[s.pk, "reject"]), {"reason": "不行"})
    assert r.status_code == 403
    assert _written() == before and fresh(s).stage == Stage.FORWARDED


def test_other_site_pages_are_404(client, outsider, at, make_order):
    s = at(Stage.FORWARDED)
    order = make_order(type="inquiry", accept_now=True)
    _login(client, outsider)
    assert client.post(reverse("suggestions:step", args=[s.pk, "reject"]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("suggestions:details", args=[s.work_order_id]), {}).status_code == 404
    r = client.post(reverse("suggestions:inquiry_action", args=[order.pk, "answer"]), {"version": 1, "answer": "x"})
    assert r.status_code == 404
    assert client.post(reverse("suggestions:step", args=[s.pk, "nonsense"]), {}).status_code == 404


def test_inquiry_cannot_be_parked_without_promised_reply_time_in_the_form(client, agent, make_order):
    order = make_order(type="inquiry", accept_now=True)
    _login(client, agent)
    page = client.get(reverse("tickets:detail", args=[order.pk])).content.decode()
    assert 'data-testid="inquiry-panel"' in page and 'data-step="park"' in page
    before = _written()
    r = client.post(
        reverse("suggestions:inquiry_action", args=[order.pk, "park"]),
        {"version": order.version, "told_customer": "核实后回电"},
    )
    assert r.status_code == 400
    assert _written() == before


def test_inquiry_answered_from_the_panel_is_resolved(client, agent, make_order):
    order = make_order(type="inquiry", accept_now=True)
    _login(client, agent)
    r = client.post(
        reverse("suggestions:inquiry_action", args=[order.pk, "answer"]),
        {"version": order.version, "answer": "地下二层可停车", "no_further_questions": "on"},
    )
    assert r.status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).status == Status.RESOLVED


def test_anonymous_inquiry_intake(client, agent, site):
    _login(client, agent)
    r = client.post(
        reverse("suggestions:inquiry_new"),
        {
            "site": site.id,
            "channel": "phone",
            "question": "今天营业到几点?",
            "answer": "22 点",
            "no_further_questions": "on",
        },
    )
    assert r.status_code == 302
    order = WorkOrder.objects.get(type="inquiry")
    assert order.customer_id is None and order.status == Status.RESOLVED
    page = client.get(reverse("suggestions:inquiries") + "?q=营业").content.decode()
    assert order.number in page


def test_list_and_statistics_pages(client, supervisor, agent, at):
    at(Stage.REJECTED)
    at(Stage.ADOPTED)
    _login(client, supervisor)
    page = client.get(reverse("suggestions:list") + "?stage=rejected").content.decode()
    assert page.count('data-stage="rejected"') == 1 and 'data-stage="adopted"' not in page
    stats = client.get(reverse("suggestions:statistics")).content.decode()
    assert 'data-testid="stats-category"' in stats and "50%" in stats
    client.force_login(agent)
    assert client.get(reverse("suggestions:list")).status_code == 200
    assert client.get(reverse("suggestions:statistics")).status_code == 403


def test_bad_filter_input_never_fails(client, supervisor):
    _login(client, supervisor)
    r = client.get(reverse("suggestions:list") + "?date_from=notadate&site=abc&stage=x")
    assert r.status_code == 200
    assert client.get(reverse("suggestions:statistics") + "?date_to=2026-13-45").status_code == 200


def test_list_page_query_count_does_not_grow_with_rows(client, supervisor, record, django_assert_max_num_queries):
    _login(client, supervisor)
    for _ in range(3):
        record()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("suggestions:list"))
    for _ in range(6):
        record()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("suggestions:list"))
    assert len(many) == len(few)


def test_category_added_by_a_supervisor(client, supervisor, site):
    _login(client, supervisor)
    r = client.post(reverse("suggestions:category_add"), {"site": site.id, "name": "停车"})
    assert r.status_code == 302
    from kefu.suggestions.models import SuggestionCategory

    assert SuggestionCategory.objects.filter(site=site, name="停车").exists()


@pytest.mark.parametrize("user", ["agent", "technician"])
def test_categories_cannot_be_added_by_desk_or_department_staff(client, request, site, user):
    _login(client, request.getfixturevalue(user))
    r = client.post(reverse("suggestions:category_add"), {"site": site.id, "name": "停车"})
    assert r.status_code in (302, 403)
    from kefu.suggestions.models import SuggestionCategory

    assert not SuggestionCategory.objects.filter(name="停车").exists()


def test_the_suggestion_panel_reads_its_pick_lists_once_however_many_steps_it_offers(
    client, supervisor, at, django_assert_max_num_queries
):
    # Forwarded: adopt and reject (each with staff, department and category lists) plus progress steps are offered.
    s = at(Stage.FORWARDED)
    _login(client, supervisor)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("tickets:detail", args=[s.work_order_id]))
    assert response.status_code == 200


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_an_open_inquiry_draws_its_answer_form_and_folds_the_others_until_opened(
    client, agent, make_order, engineering
):
    order = make_order(type="inquiry", accept_now=True)
    _login(client, agent)
    page, sql = _queries_of(client, reverse("tickets:detail", args=[order.pk]))
    assert 'id="id_inquiry_answer_answer"' in page
    # Park and transfer are folds: fetched when opened, a reload link without JavaScript.
    park_url = reverse("suggestions:inquiry_action", args=[order.pk, "park"])
    assert f'hx-get="{park_url}"' in page and 'href="?open=inquiry_park#step-inquiry_park"' in page
    assert "id_inquiry_park_promised_at" not in page and "id_inquiry_transfer_department" not in page
    # No pick list was read for the page: the answer form has none.
    assert not [q for q in sql if "suggestions_suggestioncategory" in q]

    fold = client.get(park_url)
    assert fold.status_code == 200
    body = fold.content.decode()
    assert 'id="id_inquiry_park_promised_at"' in body and f'value="{order.version}"' in body
    assert f'action="{park_url}"' in body and "csrfmiddlewaretoken" in body
    transfer = client.get(reverse("suggestions:inquiry_action", args=[order.pk, "transfer"])).content.decode()
    assert "id_inquiry_transfer_department" in transfer and f">{engineering.name}</option>" in transfer


def test_without_javascript_the_fold_link_reloads_the_page_with_that_form_drawn(client, agent, make_order):
    order = make_order(type="inquiry", accept_now=True)
    _login(client, agent)
    page = client.get(reverse("tickets:detail", args=[order.pk]), {"open": "inquiry_transfer"}).content.decode()
    assert (
        'id="id_inquiry_transfer_department"' in page and 'id="step-inquiry_transfer" data-step="transfer" open' in page
    )
    assert "id_inquiry_park_promised_at" not in page


def test_a_fold_fetched_after_the_inquiry_was_answered_says_so(client, agent, make_order):
    order = make_order(type="inquiry", accept_now=True)
    _login(client, agent)
    client.post(
        reverse("suggestions:inquiry_action", args=[order.pk, "answer"]),
        {"version": order.version, "answer": "营业到晚上十点", "no_further_questions": "on"},
    )
    r = client.get(reverse("suggestions:inquiry_action", args=[order.pk, "park"]))
    assert r.status_code == 200 and "此操作已不可用" in r.content.decode() and "<form" not in r.content.decode()


def test_fold_forms_of_another_site_or_unknown_steps_are_404(client, outsider, agent, at, make_order):
    s = at(Stage.FORWARDED)
    order = make_order(type="inquiry", accept_now=True)
    _login(client, outsider)
    assert client.get(reverse("suggestions:inquiry_action", args=[order.pk, "park"])).status_code == 404
    assert client.get(reverse("suggestions:step", args=[s.pk, "adopt"])).status_code == 404
    _login(client, agent)
    assert client.get(reverse("suggestions:inquiry_action", args=[order.pk, "nonsense"])).status_code == 404
    assert client.get(reverse("suggestions:step", args=[s.pk, "nonsense"])).status_code == 404


def test_suggestion_steps_are_folds_and_a_refused_form_comes_back_drawn(client, supervisor, agent, at):
    s = at(Stage.FORWARDED)
    _login(client, supervisor)
    adopt_url = reverse("suggestions:step", args=[s.pk, "adopt"])
    page = client.get(reverse("tickets:detail", args=[s.work_order_id])).content.decode()
    assert f'hx-get="{adopt_url}"' in page and "id_adopt_plan_owner" not in page
    assert 'id="id_adopt_plan_owner"' in client.get(adopt_url).content.decode()
    r = client.post(adopt_url, {"reason": "同意", "plan": "方案"})
    assert r.status_code == 400
    # Shown again open, with what was typed and the rule's message.
    page = r.content.decode()
    assert 'id="step-adopt" data-step="adopt" open' in page and 'id="id_adopt_plan_owner"' in page
    assert "方案</textarea>" in page
    # A decision step is not offered to an agent: its fold says so rather than showing the form.
    _login(client, agent)
    assert "<form" not in client.get(adopt_url).content.decode()
