"""Customer archive writes: phones validated and normalised, history written, unmasking logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.customers.models import Customer, CustomerDataAccess, CustomerEvent, CustomerPhone
from kefu.customers.services import add_customer_phone, create_customer, reveal_customer_phone, update_customer


def _nothing_written():
    return not (Customer.objects.exists() or CustomerPhone.objects.exists() or CustomerEvent.objects.exists())


def _create(actor, site, **kw):
    return create_customer(actor=actor, site_id=site.id, **{"name": "王芳", "phones": ["13812345678"], **kw})


def test_create_normalises_phones_and_records_the_event(agent, site):
    customer = _create(agent, site, phones=["＋８６ １３９-１２３４-５６７８", "010-62345678", "13912345678"], tier="A")
    phones = list(customer.phones.order_by("id").values_list("national", "kind", "is_primary"))
    assert phones == [("13912345678", "mobile", True), ("01062345678", "landline", False)]
    (event,) = CustomerEvent.objects.filter(customer=customer)
    assert (event.event_type, event.actor) == ("customer_created", agent)
    assert event.new["phones"] == ["13912345678", "01062345678"]
    assert event.new["tier"] == "A" and event.new["name"] == "王芳"


@pytest.mark.parametrize(
    "phones",
    [["12345"], ["13812345678", "not a phone"], ["400-820-8820"], ["1381234567"], ["abc"]],
)
def test_create_with_an_invalid_phone_writes_nothing(agent, site, phones):
    with pytest.raises(ServiceError) as exc:
        _create(agent, site, phones=phones)
    assert exc.value.code == "invalid_phone"
    assert exc.value.fields["phones"]
    assert _nothing_written()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"phones": []}, "phone_required"),
        ({"phones": ["", "  "]}, "phone_required"),
        ({"name": "   "}, "name_required"),
        ({"tier": "D"}, "invalid_input"),
        ({"kind": "alien"}, "invalid_input"),
    ],
)
def test_create_refuses_missing_or_invalid_fields_and_writes_nothing(agent, site, kw, code):
    with pytest.raises(ServiceError) as exc:
        _create(agent, site, **kw)
    assert exc.value.code == code
    assert _nothing_written()


@pytest.mark.parametrize("role", ["technician", "finance"])
def test_only_desk_roles_create_customers(site, role):
    user = make_staff(f"{role}-x", role, sites=[site])
    with pytest.raises(ServiceError) as exc:
        _create(user, site)
    assert exc.value.code == "permission_denied"
    assert _nothing_written()


def test_create_at_another_site_is_not_found(outsider, site):
    with pytest.raises(ServiceError) as exc:
        _create(outsider, site)
    assert exc.value.code == "not_found"
    assert _nothing_written()


def test_update_keeps_the_old_values_in_a_new_event(customer, agent):
    update_customer(customer, actor=agent, changes={"tier": "A", "notes": "大客户"}, tags=["VIP", "业主"])
    event = CustomerEvent.objects.filter(customer=customer).order_by("id").last()
    assert event.event_type == "customer_changed"
    assert event.old == {"tier": "C", "notes": "", "tags": []}
    assert event.new == {"tier": "A", "notes": "大客户", "tags": ["VIP", "业主"]}
    assert Customer.objects.get(pk=customer.pk).tier == "A"


def test_an_update_that_changes_nothing_writes_no_event(customer, agent):
    update_customer(customer, actor=agent, changes={"name": customer.name, "tier": customer.tier})
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"site_id": 9}, "invalid_input"), ({"name": ""}, "name_required"), ({"tier": "Z"}, "invalid_input")],
)
def test_update_refuses_bad_changes_and_writes_nothing(customer, agent, changes, code):
    with pytest.raises(ServiceError) as exc:
        update_customer(customer, actor=agent, changes=changes)
    assert exc.value.code == code
    assert CustomerEvent.objects.filter(customer=customer).count() == 1
    assert Customer.objects.get(pk=customer.pk).name == "张伟"


def test_add_phone_normalises_and_records(customer, agent):
    row = add_customer_phone(customer, actor=agent, number="0755-2345 6789")
    assert (row.national, row.kind, row.is_primary, row.site_id) == (
        "075523456789",
        "landline",
        False,
        customer.site_id,
    )
    event = CustomerEvent.objects.filter(customer=customer).order_by("id").last()
    assert (event.event_type, event.new) == ("phone_added", {"phone": "075523456789"})


@pytest.mark.parametrize(("number", "code"), [("+86 138 1234 5678", "duplicate_phone"), ("12", "invalid_phone")])
def test_add_phone_refuses_duplicates_and_garbage(customer, agent, number, code):
    with pytest.raises(ServiceError) as exc:
        add_customer_phone(customer, actor=agent, number=number)
    assert exc.value.code == code
    assert customer.phones.count() == 1
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


def test_an_outsider_cannot_change_another_sites_customer(customer, outsider):
    for call in (
        lambda: update_customer(customer, actor=outsider, changes={"tier": "A"}),
        lambda: add_customer_phone(customer, actor=outsider, number="13912345678"),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code == "not_found"
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


# --- revealing the full number (SEC-02) ----------------------------------------------------------------------


@pytest.fixture
def phone(customer):
    return customer.phones.get()


def test_reveal_returns_the_full_number_and_logs_who_when_which_why(phone, agent):
    before = timezone.now()
    assert reveal_customer_phone(phone, actor=agent, reason=" 客户要求回电 ") == "13812345678"
    (row,) = CustomerDataAccess.objects.all()
    assert (row.actor, row.customer_id, row.phone_id) == (agent, phone.customer_id, phone.pk)
    assert row.note == "客户要求回电"
    assert row.event_type == "phone_revealed"
    assert before - timedelta(seconds=1) <= row.created_at <= timezone.now()
    # The log names the number masked; the full number is not copied into yet another table.
    assert row.new == {"phone": "138****5678"}


def test_every_reveal_is_logged_again(phone, agent, supervisor):
    reveal_customer_phone(phone, actor=agent, reason="回电")
    reveal_customer_phone(phone, actor=supervisor, reason="投诉核实")
    assert list(CustomerDataAccess.objects.order_by("id").values_list("actor", flat=True)) == [agent.pk, supervisor.pk]


@pytest.mark.parametrize("role", ["technician", "finance"])
def test_roles_without_the_capability_cannot_reveal_and_nothing_is_logged(phone, site, role):
    user = make_staff(f"{role}-r", role, sites=[site])
    with pytest.raises(ServiceError) as exc:
        reveal_customer_phone(phone, actor=user, reason="想看看")
    assert (exc.value.code, exc.value.status) == ("reveal_not_allowed", 403)
    assert not CustomerDataAccess.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reveal_needs_a_reason_and_a_refusal_logs_nothing(phone, agent, reason):
    with pytest.raises(ServiceError) as exc:
        reveal_customer_phone(phone, actor=agent, reason=reason)
    assert exc.value.code == "reason_required" and "reason" in exc.value.fields
    assert not CustomerDataAccess.objects.exists()


def test_an_outsider_cannot_reveal_another_sites_number(phone, outsider):
    with pytest.raises(ServiceError) as exc:
        reveal_customer_phone(phone, actor=outsider, reason="查一下")
    assert exc.value.code == "not_found"
    assert not CustomerDataAccess.objects.exists()


def test_an_inactive_agent_cannot_reveal(phone, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(ServiceError):
        reveal_customer_phone(phone, actor=agent, reason="回电")
    assert not CustomerDataAccess.objects.exists()


def test_oversized_or_control_character_fields_are_refused_and_nothing_written(site, agent):
    from kefu.core.errors import ServiceError
    from kefu.customers.models import Customer
    from kefu.customers.services import create_customer

    for bad in ({"name": "张" * 101}, {"name": "张伟\x00"}, {"name": "张伟", "address": "x" * 201}):
        with pytest.raises(ServiceError) as err:
            create_customer(actor=agent, site_id=site.id, phones=["13812345678"], **bad)
        assert err.value.code == "invalid_input"
    assert not Customer.objects.exists()
