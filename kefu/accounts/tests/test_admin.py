"""The Django admin: reference data for administrators, history shown but never altered."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import make_site, make_user
from kefu.accounts.models import Role, Site, User
from kefu.core.history import Event

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
EVENT_MODELS = [model for model in REGISTERED if issubclass(model, Event)]
# Reference data and history this issue puts in the admin; the `history` fixture gives each a row.
KEY_MODELS = {
    "accounts.Site",
    "accounts.Shop",
    "accounts.Department",
    "accounts.User",
    "customers.CustomerTag",
    "tickets.WorkOrder",
    "tickets.WorkOrderEvent",
    "customers.CustomerEvent",
    "customers.CustomerDataAccess",
}


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="pass-1234", email="root@example.com")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def history(make_order, agent, technician, engineering, customer):
    """One row in every registered table: a transferred work order and a revealed customer phone."""
    from kefu.customers.models import CustomerTag
    from kefu.customers.services import reveal_customer_phone
    from kefu.tickets.services import transfer_work_order

    CustomerTag.objects.create(site=customer.site, name="VIP")
    order = make_order(accept_now=True)
    transfer_work_order(order, actor=agent, reason="需要工程部维修", department_id=engineering.id)
    reveal_customer_phone(customer.phones.first(), actor=agent, reason="回拨客户")
    return order


def test_event_and_reference_models_are_registered():
    assert {model._meta.label for model in REGISTERED} >= KEY_MODELS


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_and_change_page_loads_for_a_superuser(admin_client, history, shop, model):
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    if not model.__module__.startswith("kefu."):
        return  # Django's groups and DRF's tokens: their own projects test their pages
    row = model._default_manager.order_by("pk").last()
    if model is User:
        row = User.objects.filter(is_system=False).order_by("pk").last()
    if row is None:
        # Another app's admin without data in this fixture: its changelist loading is what is checked here.
        assert model._meta.label not in KEY_MODELS, f"no {model._meta.label} row to open"
        return
    assert admin_client.get(_url(model, "change", row.pk)).status_code == 200


def test_changelist_search_and_filters_run(admin_client, history):
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        if model_admin.search_fields:
            assert admin_client.get(_url(model, "changelist"), {"q": "GD"}).status_code == 200


def test_admin_pages_are_in_simplified_chinese(admin_client):
    response = admin_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "客服中心管理系统" in html
    assert "员工与门店" in html  # the accounts app's name, from Kefu's own catalogue


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda model: model._meta.label)
def test_history_admin_offers_no_add_change_or_delete(admin_client, superuser, history, model, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = superuser
    event = model._default_manager.order_by("pk").first()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)

    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.get(_url(model, "delete", event.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete", event.pk), {"post": "yes"}).status_code == 403
    # The change page is view-only: a POST changes nothing.
    before = model._default_manager.filter(pk=event.pk).values().get()
    assert admin_client.post(_url(model, "change", event.pk), {"note": "涂改"}).status_code == 403
    assert model._default_manager.filter(pk=event.pk).values().get() == before


def test_work_orders_are_read_only_in_admin(admin_client, history):
    from kefu.tickets.models import WorkOrder

    assert admin_client.get(_url(WorkOrder, "add")).status_code == 403
    assert admin_client.get(_url(WorkOrder, "delete", history.pk)).status_code == 403
    page = admin_client.get(_url(WorkOrder, "change", history.pk)).content.decode()
    # The timeline is shown inline, read-only.
    assert "transferred" in page
    assert 'name="_save"' not in page


def test_non_staff_user_is_redirected_to_admin_login(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    response = client.get(_url(Site, "changelist"))
    assert response.status_code == 302


def test_anonymous_visitor_is_redirected_to_admin_login(client, db):
    response = client.get(_url(Site, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_superuser_creates_staff_member_with_role_sites_and_departments(admin_client, site, engineering):
    response = admin_client.post(
        _url(User, "add"),
        {
            "username": "wangfang",
            "password1": "Kefu-2026-secret",
            "password2": "Kefu-2026-secret",
            "usable_password": "true",
            "display_name": "王芳",
            "role": Role.TECHNICIAN,
            "sites": [site.pk],
            "departments": [engineering.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = User.objects.get(username="wangfang")
    assert staff.role == Role.TECHNICIAN
    assert list(staff.sites.all()) == [site]
    assert list(staff.departments.all()) == [engineering]
    assert staff.check_password("Kefu-2026-secret")


def test_staff_admin_hides_the_system_actor_and_never_deletes_staff(admin_client, superuser, rf, agent):
    from kefu.accounts.services import get_system_actor

    system = get_system_actor()
    assert admin_client.get(_url(User, "change", system.pk)).status_code == 302  # not found → back to list
    request = rf.get("/")
    request.user = superuser
    assert not admin.site._registry[User].has_delete_permission(request, agent)


def test_site_administrator_sees_only_own_sites(client, site):
    other = make_site("XX", name="别处门店")
    site_admin = make_user(Role.ADMIN, sites=[site], is_staff=True)
    site_admin.user_permissions.set(Permission.objects.filter(codename__in=["view_site", "change_site"]))
    client.force_login(site_admin)
    page = client.get(_url(Site, "changelist")).content.decode()
    assert site.name in page
    assert other.name not in page
    assert client.get(_url(Site, "change", other.pk)).status_code == 302
