"""Contacts of callers and proposers: phone numbers validated and normalised on the way in, masked on the way out.

The caller's contact of an inquiry is a number to call back: empty, or a valid Chinese mobile or landline number,
stored as the archive stores numbers. Every role sees it masked (138****5678); a role that may unmask customer
numbers asks with a reason, and the view is an inquiry event. A proposer's contact may also be an e-mail or an
address (SUG-01), but one written as a number must be a valid phone, and a phone is stored normalised.
"""

import pytest
from django.urls import reverse

from conftest import client_for
from kefu.core.errors import ServiceError
from kefu.suggestions import inquiry_services as inquiries
from kefu.suggestions import services
from kefu.suggestions.models import Inquiry, InquiryEvent, Suggestion
from kefu.suggestions.selectors import masked_contact
from kefu.tickets.models import WorkOrder

INVALID = ["12345", "1380013800a", "138001380001", "+1 650 253 0000"]
PHONE_ERROR = "请输入有效的中国手机或固话号码"


def _record(agent, site, contact, **kw):
    return inquiries.record_inquiry(
        actor=agent, site_id=site.id, question="停车怎么收费?", asker_name="复现客户", asker_contact=contact, **kw
    )


def _written():
    return WorkOrder.objects.count(), Inquiry.objects.count(), InquiryEvent.objects.count()


def _page(user, order) -> str:
    client = client_for(user)
    return client.get(reverse("tickets:detail", args=[order.pk])).content.decode()


# ---- the caller's contact of an inquiry: validated and normalised ----


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("１３８００１３８０００", "13800138000"),
        ("+86 139-1234-5678", "13912345678"),
        ("010-1234 5678", "01012345678"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_inquiry_caller_contact_is_stored_as_the_normalised_phone_number(agent, site, typed, stored):
    assert _record(agent, site, typed).asker_contact == stored


@pytest.mark.parametrize("typed", [*INVALID, "来电未留号码"])
def test_inquiry_caller_contact_must_be_a_valid_phone_number_and_nothing_is_written(agent, site, typed):
    before = _written()
    with pytest.raises(ServiceError) as exc:
        _record(agent, site, typed)
    assert exc.value.code == "invalid_phone" and list(exc.value.fields) == ["asker_contact"]
    assert PHONE_ERROR in exc.value.fields["asker_contact"][0]
    assert _written() == before


@pytest.mark.parametrize("typed", ["12345", "1380013800a"])
def test_inquiry_form_refuses_an_invalid_caller_phone_with_the_chinese_message(client, agent, site, typed):
    client.force_login(agent)
    before = _written()
    r = client.post(
        reverse("suggestions:inquiry_new"),
        {"site": site.id, "channel": "phone", "question": "几点关门?", "asker_contact": typed},
    )
    assert r.status_code == 400 and PHONE_ERROR in r.content.decode()
    assert _written() == before


def test_inquiry_form_stores_full_width_digits_as_the_normalised_number(client, agent, site):
    client.force_login(agent)
    r = client.post(
        reverse("suggestions:inquiry_new"),
        {"site": site.id, "channel": "phone", "question": "几点关门?", "asker_contact": "１３８００１３８０００"},
    )
    assert r.status_code == 302
    assert Inquiry.objects.get().asker_contact == "13800138000"


def test_inquiry_api_validates_and_normalises_the_caller_phone(agent, site):
    c = client_for(agent)
    body = {"site": site.id, "question": "几点关门?"}
    before = _written()
    r = c.post("/api/v1/suggestions/inquiries/", {**body, "asker_contact": "1380013800a"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_phone" and "asker_contact" in r.json()["fields"]
    assert _written() == before
    r = c.post("/api/v1/suggestions/inquiries/", {**body, "asker_contact": "１３８００１３８０００"}, format="json")
    assert r.status_code == 201, r.content
    assert "13800138000" not in r.content.decode()
    assert Inquiry.objects.get().asker_contact == "13800138000"


# ---- the caller's contact of an inquiry: masked on the work-order page ----


def test_inquiry_caller_contact_is_masked_on_the_work_order_page_for_every_role(agent, supervisor, finance, site):
    order = _record(agent, site, "13912345678").work_order
    for user in (agent, supervisor, finance):
        page = _page(user, order)
        assert "复现客户" in page and "139****5678" in page, user.role
        assert "13912345678" not in page, user.role


def test_inquiry_caller_contact_of_an_old_row_is_masked_at_display(agent, finance, site):
    """Rows stored before the contact was validated keep their text; any phone number in it is masked."""
    order = _record(agent, site, "").work_order
    Inquiry.objects.filter(work_order=order).update(asker_contact="１３９ 1234 5678")
    assert "13912345678" not in _page(finance, order) and "139****5678" in _page(finance, order)
    Inquiry.objects.filter(work_order=order).update(asker_contact="请拨 139-1234-5678 找张先生")
    page = _page(finance, order)
    assert "1234-5678" not in page and "请拨 139****5678 找张先生" in page


def test_revealing_the_inquiry_caller_phone_needs_the_reveal_right_and_a_reason_and_is_logged(agent, finance, site):
    order = _record(agent, site, "13912345678").work_order
    url = reverse("suggestions:inquiry_reveal_contact", args=[order.pk])
    assert "inquiry_reveal" not in _page(finance, order)
    r = client_for(finance).post(url, {"reason": "回电"})
    assert r.status_code == 403 and "13912345678" not in r.content.decode()
    assert "id_inquiry_reveal_reason" in _page(agent, order)
    r = client_for(agent).post(url, {"reason": ""})
    assert r.status_code == 400 and "13912345678" not in r.content.decode()
    assert not InquiryEvent.objects.filter(event_type="asker_contact_revealed").exists()

    r = client_for(agent).post(url, {"reason": "回电答复停车收费"})
    assert r.status_code == 200 and 'data-testid="asker-contact">13912345678<' in r.content.decode()
    logged = InquiryEvent.objects.get(event_type="asker_contact_revealed")
    assert (logged.actor, logged.note, logged.new) == (agent, "回电答复停车收费", {"contact": "139****5678"})
    # Shown once: the next view of the page is masked again.
    assert "13912345678" not in _page(agent, order)


def test_revealing_the_caller_phone_of_another_sites_inquiry_is_404(agent, outsider, site):
    order = _record(agent, site, "13912345678").work_order
    with pytest.raises(ServiceError) as exc:
        inquiries.reveal_asker_contact(order, actor=outsider, reason="回电")
    assert exc.value.code == "not_found"
    r = client_for(outsider).post(reverse("suggestions:inquiry_reveal_contact", args=[order.pk]), {"reason": "回电"})
    assert r.status_code == 404 and "13912345678" not in r.content.decode()


# ---- a proposer's contact: phone, e-mail or address ----


def test_proposer_phone_is_stored_normalised(record):
    assert record(proposer_contact="１３７ ００００ ２２２２").proposer_contact == "13700002222"


@pytest.mark.parametrize("typed", ["12345", "138-0013-800", "+1 650 253 0000"])
def test_proposer_contact_written_as_a_number_must_be_a_valid_phone(make_order, agent, typed):
    order = make_order(type="suggestion", accept_now=True)
    with pytest.raises(ServiceError) as exc:
        services.record_suggestion_details(
            order, actor=agent, content="多设座椅", proposer_name="王女士", proposer_contact=typed
        )
    assert list(exc.value.fields) == ["proposer_contact"]
    assert PHONE_ERROR in exc.value.fields["proposer_contact"][0]
    assert not Suggestion.objects.exists()


def test_proposer_contact_may_be_an_email_and_a_phone_inside_free_text_is_masked(make_order, agent, finance):
    order = make_order(type="suggestion", accept_now=True)
    s = services.record_suggestion_details(
        order, actor=agent, content="多设座椅", proposer_name="王女士", proposer_contact="wang@example.com"
    )
    assert s.proposer_contact == "wang@example.com"
    assert masked_contact("wang@example.com") == "wang@example.com"
    assert masked_contact("微信同号 13912345678") == "微信同号 139****5678"
    assert masked_contact("1380013800a") == "138***3800a"
