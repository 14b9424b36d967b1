"""Reads about sites and staff: nobody sees a site he does not belong to."""

from __future__ import annotations

import pytest

from kefu.accounts import selectors
from kefu.accounts.models import Department, Shop, User
from kefu.accounts.services import get_system_actor
from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401


def _not_found(call):
    with pytest.raises(ServiceError) as exc:
        call()
    return exc.value.code == "not_found" and exc.value.status == 404


@pytest.fixture
def foreign_shop(other_site):
    return Shop.objects.create(site=other_site, number="B1-01", name="物业便利店")


def test_site_ids_are_the_members_sites(site, other_site, agent, outsider):
    assert selectors.site_ids_for(agent) == [site.id]
    assert selectors.site_ids_for(outsider) == [other_site.id]
    both = make_staff("both", "agent", sites=[site, other_site])
    assert sorted(selectors.site_ids_for(both)) == sorted([site.id, other_site.id])


def test_superusers_and_the_system_actor_see_every_site(site, other_site):
    root = make_staff("root", "admin", is_superuser=True)
    assert sorted(selectors.site_ids_for(root)) == sorted([site.id, other_site.id])
    assert sorted(selectors.site_ids_for(get_system_actor())) == sorted([site.id, other_site.id])


def test_a_user_without_sites_sees_nothing(site, shop, engineering):
    lonely = make_staff("lonely", "agent")
    assert selectors.site_ids_for(lonely) == []
    assert not selectors.sites_for(lonely).exists()
    assert not selectors.departments_for(lonely).exists()
    assert not selectors.shops_for(lonely).exists()
    assert not selectors.staff_for(lonely).exists()


def test_get_site_for_another_site_or_garbage_is_not_found(site, other_site, outsider):
    assert selectors.get_site_for(outsider, other_site.id) == other_site
    for key in (site.id, str(site.id), None, "abc", 10**12):
        assert _not_found(lambda k=key: selectors.get_site_for(outsider, k))


def test_an_inactive_site_is_not_offered(site, agent):
    site.is_active = False
    site.save(update_fields=["is_active"])
    assert not selectors.sites_for(agent).exists()
    assert _not_found(lambda: selectors.get_site_for(agent, site.id))


def test_departments_and_shops_are_scoped(site, other_site, engineering, shop, foreign_shop, outsider, agent):
    foreign_dept = Department.objects.create(site=other_site, name="保安部")
    assert set(selectors.departments_for(agent)) == {engineering, *Department.objects.filter(site=site)}
    assert list(selectors.departments_for(outsider)) == [foreign_dept]
    assert list(selectors.shops_for(agent)) == [shop]
    assert list(selectors.shops_for(outsider)) == [foreign_shop]
    assert list(selectors.shops_for(outsider, site_id=site.id)) == []


def test_staff_lists_show_colleagues_of_the_same_sites_only(site, agent, supervisor, technician, outsider):
    make_staff("left", "agent", sites=[site], is_active=False)
    get_system_actor()
    assert set(selectors.staff_for(agent)) == {agent, supervisor, technician}
    assert set(selectors.staff_for(outsider)) == {outsider}
    assert list(selectors.staff_for(outsider, site_id=site.id)) == []


def test_a_colleague_of_two_sites_is_listed_once(site, other_site, agent):
    both = make_staff("both", "agent", sites=[site, other_site])
    root = make_staff("root", "admin", is_superuser=True)
    assert list(selectors.staff_for(root)).count(both) == 1
    assert both in selectors.staff_for(agent)


def test_supervisors_of_a_site(site, other_site, agent, supervisor, manager, outsider):
    make_staff("wy-boss", "supervisor", sites=[other_site])
    assert set(selectors.supervisors_of_site(site.id)) == {supervisor, manager}


def test_the_site_cache_lives_on_the_user_object_only(site, other_site, agent):
    assert selectors.site_ids_for(agent) == [site.id]
    agent.sites.add(other_site)
    assert sorted(selectors.site_ids_for(User.objects.get(pk=agent.pk))) == sorted([site.id, other_site.id])
