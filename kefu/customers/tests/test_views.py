"""Customer pages: masked numbers, logged reveal with a reason, site scoping, lookup while typing."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from kefu.customers.errors import CustomerError
from kefu.customers.models import CustomerDataAccess
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def foreign_customer(other_site, outsider):
    return create_customer(actor=outsider, site_id=other_site.id, name="赵六", phones=["13698765432"])


def test_customer_list_masks_phones_and_hides_other_sites(client, agent, customer, foreign_customer):
    client.force_login(agent)
    text = page(client.get(reverse("customers:list")))
    assert "张伟" in text and "138****5678" in text
    assert "13812345678" not in text
    assert "赵六" not in text


@pytest.mark.parametrize("query", ["张", "1381", "138 1234"])
def test_customer_search_by_name_or_phone(client, agent, customer, query):
    create_customer(actor=agent, site_id=customer.site_id, name="李娜", phones=["13900001111"])
    client.force_login(agent)
    text = page(client.get(reverse("customers:list"), {"q": query}))
    assert "张伟" in text and "李娜" not in text


@pytest.mark.parametrize("query", ["张" * 101, "1" * 3000])
def test_a_refused_search_says_why_and_lists_nobody(client, agent, customer, query):
    # An over-long search once showed the whole archive, as if everyone matched.
    client.force_login(agent)
    response = client.get(reverse("customers:list"), {"q": query})
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "张伟" not in page(response)
    assert "不超过 100 " in page(response)


def test_customer_list_pages_by_id(client, agent, site):
    for i in range(55):
        create_customer(actor=agent, site_id=site.id, name=f"客户{i:02d}", phones=[f"1380000{i:04d}"])
    client.force_login(agent)
    first = client.get(reverse("customers:list"))
    assert len(first.context["rows"]) == 50 and first.context["next_before"]
    second = client.get(reverse("customers:list"), {"before": first.context["next_before"]})
    assert [c.name for c in second.context["rows"]] == [f"客户{i:02d}" for i in range(4, -1, -1)]


def test_customer_detail_of_another_site_is_404(client, agent, foreign_customer):
    client.force_login(agent)
    assert client.get(reverse("customers:detail", args=[foreign_customer.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[999999])).status_code == 404


def test_customer_detail_shows_masked_numbers_and_a_reveal_form(client, agent, customer):
    client.force_login(agent)
    text = page(client.get(reverse("customers:detail", args=[customer.pk])))
    assert "138****5678" in text and "13812345678" not in text
    assert "查看完整号码" in text


def test_reveal_needs_a_reason_and_logs_nothing_without_one(client, agent, customer):
    phone = customer.phones.get()
    client.force_login(agent)
    response = client.post(reverse("customers:reveal_phone", args=[phone.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert zh(CustomerError.REASON_REQUIRED.message) in page(response)
    assert "13812345678" not in page(response)
    assert not CustomerDataAccess.objects.exists()


def test_reveal_shows_the_number_once_and_writes_an_access_row(client, agent, customer):
    phone = customer.phones.get()
    client.force_login(agent)
    response = client.post(reverse("customers:reveal_phone", args=[phone.pk]), {"reason": "回电告知维修进度"})
    assert response.status_code == 200
    assert "13812345678" in page(response)
    assert "no-store" in response["Cache-Control"]
    row = CustomerDataAccess.objects.get()
    assert (row.actor, row.customer_id, row.phone_id, row.note) == (agent, customer.pk, phone.pk, "回电告知维修进度")
    # Shown once: the next visit is masked again.
    assert "13812345678" not in page(client.get(reverse("customers:detail", args=[customer.pk])))


def test_technician_sees_masked_numbers_and_cannot_reveal(client, technician, customer):
    phone = customer.phones.get()
    client.force_login(technician)
    text = page(client.get(reverse("customers:detail", args=[customer.pk])))
    assert "138****5678" in text
    assert "查看完整号码" not in text
    assert reverse("customers:reveal_phone", args=[phone.pk]) not in text
    response = client.post(reverse("customers:reveal_phone", args=[phone.pk]), {"reason": "想看看"})
    assert response.status_code == 403
    assert zh(CustomerError.REVEAL_NOT_ALLOWED.message) in page(response)
    assert "13812345678" not in page(response)
    assert not CustomerDataAccess.objects.exists()


def test_reveal_of_another_sites_phone_is_404(client, agent, foreign_customer):
    client.force_login(agent)
    phone = foreign_customer.phones.get()
    assert client.post(reverse("customers:reveal_phone", args=[phone.pk]), {"reason": "x"}).status_code == 404
    assert not CustomerDataAccess.objects.exists()


def test_reveal_is_post_only(client, agent, customer):
    client.force_login(agent)
    assert client.get(reverse("customers:reveal_phone", args=[customer.phones.get().pk])).status_code == 405


def test_lookup_lists_matching_customers_with_masked_numbers(client, agent, customer, foreign_customer):
    client.force_login(agent)
    text = page(client.get(reverse("customers:lookup"), {"phone": "１３８１"}, headers={"HX-Request": "true"}))
    assert "张伟" in text and "138****5678" in text
    assert "13812345678" not in text
    assert f'value="{customer.pk}"' in text
    assert "<html" not in text  # a partial, not a page


def test_lookup_never_lists_another_sites_customers(client, agent, foreign_customer):
    client.force_login(agent)
    text = page(client.get(reverse("customers:lookup"), {"phone": "1369"}))
    assert "赵六" not in text
    assert "暂无使用此号码的客户" in text


def test_lookup_asks_for_three_digits(client, agent, customer):
    client.force_login(agent)
    text = page(client.get(reverse("customers:lookup"), {"phone": "13"}))
    assert "张伟" not in text and "至少 3 位数字" in text


def test_customer_history_lists_the_customers_orders(client, agent, customer, make_order):
    order = make_order(subject="退货咨询")
    client.force_login(agent)
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f"customer={customer.pk}" in detail
    partial = client.get(
        reverse("tickets:queue"),
        {"scope": "team", "customer": customer.pk, "partial": 1},
        headers={"HX-Request": "true"},
    )
    text = page(partial)
    assert order.number in text and "退货咨询" in text
    assert "<html" not in text


def test_customer_page_escapes_html_in_notes(client, agent, site):
    customer = create_customer(
        actor=agent, site_id=site.id, name="王五", phones=["13711112222"], notes="<script>alert(1)</script>"
    )
    client.force_login(agent)
    raw = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "<script>alert(1)" not in raw and "&lt;script&gt;" in raw
