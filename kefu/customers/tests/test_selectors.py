"""Customer reads: scoped to the actor's sites; the lookup while typing finds by any partial form of a number."""

from __future__ import annotations

import pytest

from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.customers import selectors
from kefu.customers.services import create_customer


@pytest.fixture
def foreign(outsider, other_site):
    """A customer of the other site who shares the `customer` fixture's mobile number and name."""
    return create_customer(actor=outsider, site_id=other_site.id, name="张伟", phones=["13812345678", "021-62345678"])


@pytest.fixture
def landline_customer(agent, site):
    return create_customer(actor=agent, site_id=site.id, name="优品服饰 刘店长", phones=["0755-23456789"])


def _ids(rows):
    return {c.pk for c in rows}


def _not_found(call):
    with pytest.raises(ServiceError) as exc:
        call()
    return exc.value.code == "not_found"


def test_an_outsider_sees_no_customer_or_phone_of_another_site(customer, foreign, outsider):
    assert _ids(selectors.customers_for(outsider)) == {foreign.pk}
    assert _not_found(lambda: selectors.get_customer_for(outsider, customer.pk))
    for phone in customer.phones.all():
        assert _not_found(lambda p=phone: selectors.get_customer_phone_for(outsider, p.pk))
    assert _ids(selectors.lookup_by_phone_prefix(outsider, "138")) == {foreign.pk}
    assert _ids(selectors.lookup_by_phone_prefix(outsider, "13812345678", site_id=customer.site_id)) == set()
    assert _ids(selectors.search_customers(outsider, "张伟")) == {foreign.pk}
    assert _ids(selectors.search_customers(outsider, "138")) == {foreign.pk}
    assert _ids(selectors.search_customers(outsider, site_id=customer.site_id)) == set()
    assert set(selectors.primary_phones_for(outsider, [customer.pk, foreign.pk])) == {foreign.pk}
    assert selectors.primary_phone_for(outsider, customer.pk) is None


def test_one_customers_primary_phone_is_the_one_the_list_shows(customer, agent):
    from kefu.customers import services
    from kefu.customers.models import CustomerPhone

    second = services.add_customer_phone(customer, actor=agent, number="021-62345678")
    for primary in (None, second):
        if primary is not None:
            CustomerPhone.objects.filter(customer=customer).update(is_primary=False)
            CustomerPhone.objects.filter(pk=primary.pk).update(is_primary=True)
        expected = selectors.primary_phones_for(agent, [customer.pk])[customer.pk]
        got = selectors.primary_phone_for(agent, customer.pk)
        assert (got.pk, got.national, got.is_primary) == (expected.pk, expected.national, expected.is_primary)
    assert got.pk == second.pk


def test_an_agent_sees_only_his_sites_customers(customer, foreign, agent):
    assert _ids(selectors.customers_for(agent)) == {customer.pk}
    assert selectors.get_customer_for(agent, customer.pk) == customer
    assert _not_found(lambda: selectors.get_customer_for(agent, foreign.pk))
    assert _ids(selectors.lookup_by_phone_prefix(agent, "138")) == {customer.pk}
    assert _ids(selectors.search_customers(agent, "张伟")) == {customer.pk}


def test_a_user_of_two_sites_sees_both_and_can_narrow_to_one(customer, foreign, site, other_site):
    both = make_staff("roaming", "agent", sites=[site, other_site])
    assert _ids(selectors.customers_for(both)) == {customer.pk, foreign.pk}
    assert _ids(selectors.lookup_by_phone_prefix(both, "1381234")) == {customer.pk, foreign.pk}
    assert _ids(selectors.lookup_by_phone_prefix(both, "1381234", site_id=other_site.id)) == {foreign.pk}
    assert _ids(selectors.search_customers(both, "张伟", site_id=site.id)) == {customer.pk}


def test_a_superuser_sees_every_site(customer, foreign):
    root = make_staff("root", "admin", is_superuser=True)
    assert _ids(selectors.customers_for(root)) == {customer.pk, foreign.pk}


def test_garbage_ids_are_not_found(customer, agent):
    for key in (None, "", "abc", 10**12):
        assert _not_found(lambda k=key: selectors.get_customer_for(agent, k))
        assert _not_found(lambda k=key: selectors.get_customer_phone_for(agent, k))


@pytest.mark.parametrize(
    "typed",
    ["138", "1381", "138-1234", "138 1234 5678", "１３８１２", "+86 138", "+86 1381234", "0086 13812", "8613812345678"],
)
def test_lookup_finds_a_mobile_by_any_partial_input(customer, agent, typed):
    assert _ids(selectors.lookup_by_phone_prefix(agent, typed)) == {customer.pk}


@pytest.mark.parametrize("typed", ["0755", "0755-2345", "+86 755 2345", "075523456789"])
def test_lookup_finds_a_landline_by_its_area_code(landline_customer, customer, agent, typed):
    assert _ids(selectors.lookup_by_phone_prefix(agent, typed)) == {landline_customer.pk}


@pytest.mark.parametrize("typed", ["", "1", "13", "张", "+86", "139", "13812345679", "1381234567890"])
def test_lookup_needs_three_digits_and_a_real_prefix(customer, agent, typed):
    assert selectors.lookup_by_phone_prefix(agent, typed) == []


def test_lookup_matches_prefixes_not_substrings(customer, agent):
    assert selectors.lookup_by_phone_prefix(agent, "12345678") == []
    assert _ids(selectors.search_customers(agent, "5678")) == set()


def test_lookup_is_limited_and_ordered_by_number(agent, site):
    for i in range(5):
        create_customer(actor=agent, site_id=site.id, name=f"客户{i}", phones=[f"1391234000{4 - i}"])
    found = selectors.lookup_by_phone_prefix(agent, "139123", limit=3)
    assert [c.phones.all()[0].national for c in found] == ["13912340000", "13912340001", "13912340002"]


def test_a_customer_with_two_matching_numbers_is_listed_once(agent, site):
    twice = create_customer(actor=agent, site_id=site.id, name="赵磊", phones=["13712345678", "13712345679"])
    assert [c.pk for c in selectors.lookup_by_phone_prefix(agent, "137123")] == [twice.pk]
    assert [c.pk for c in selectors.search_customers(agent, "137123")] == [twice.pk]


def test_search_by_name_or_number(customer, landline_customer, agent):
    assert _ids(selectors.search_customers(agent, "刘店长")) == {landline_customer.pk}
    assert _ids(selectors.search_customers(agent, "+86 138 1234")) == {customer.pk}
    assert _ids(selectors.search_customers(agent, "")) == {customer.pk, landline_customer.pk}


def test_primary_phones_of_a_page_of_customers_across_two_sites(customer, foreign, landline_customer, site, other_site):
    from kefu.customers.models import CustomerPhone

    both = make_staff("two_sites", "agent", sites=[site, other_site])
    second = CustomerPhone.objects.get(customer=foreign, national="02162345678")
    CustomerPhone.objects.filter(customer=foreign).update(is_primary=False)
    CustomerPhone.objects.filter(pk=second.pk).update(is_primary=True)
    wanted = [customer.pk, foreign.pk, landline_customer.pk, customer.pk, 2**40]  # a repeat; an id no one has
    phones = selectors.primary_phones_for(both, wanted)
    assert {k: p.national for k, p in phones.items()} == {
        customer.pk: "13812345678",
        foreign.pk: "02162345678",
        landline_customer.pk: "075523456789",
    }
    assert selectors.primary_phones_for(both, []) == {}
