"""Reads about staff and sites, always scoped to the actor's own sites."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead

from .models import Department, Role, Shop, Site, User
from .permissions import Capability, has_capability

_SITE_IDS_OF_USER = PreparedRead(
    lambda user_id: Site.objects.filter(staff__id=user_id).values_list("id", flat=True), reuse_plan=True
)


def site_ids_for(actor) -> list[int]:
    """The sites an actor may see. Cached on the user object for the request."""
    cached = getattr(actor, "_kefu_site_ids", None)
    if cached is None:
        if actor.is_superuser or actor.is_system:
            cached = list(Site.objects.values_list("id", flat=True))
        else:
            cached = _SITE_IDS_OF_USER(actor.pk)
        actor._kefu_site_ids = cached
    return cached


def department_ids_for(actor) -> list[int]:
    cached = getattr(actor, "_kefu_department_ids", None)
    if cached is None:
        cached = list(actor.departments.values_list("id", flat=True))
        actor._kefu_department_ids = cached
    return cached


def sites_for(actor) -> QuerySet[Site]:
    return Site.objects.filter(id__in=site_ids_for(actor), is_active=True)


def get_site_for(actor, site_id) -> Site:
    try:
        site_id = int(site_id)
        cached = getattr(actor, "_kefu_site_ids", None)
        if cached is not None and site_id not in cached:
            raise Site.DoesNotExist
        if cached is not None or actor.is_superuser or actor.is_system:
            return Site.objects.get(id=site_id, is_active=True)
        # One query with the membership join rather than the actor's site list first (every create asks this).
        return actor.sites.get(id=site_id, is_active=True)
    except (Site.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def departments_for(actor) -> QuerySet[Department]:
    return Department.objects.filter(site_id__in=site_ids_for(actor)).select_related("site")


def shops_for(actor, *, site_id=None) -> QuerySet[Shop]:
    qs = Shop.objects.filter(site_id__in=site_ids_for(actor), is_active=True)
    if site_id:
        qs = qs.filter(site_id=site_id)
    return qs


def staff_for(actor, *, site_id=None) -> QuerySet[User]:
    """Colleagues at the actor's sites. Their phone numbers are hidden unless the actor may see them."""
    qs = User.objects.filter(is_active=True, is_system=False, sites__id__in=site_ids_for(actor)).distinct()
    if site_id:
        qs = qs.filter(sites__id=site_id)
    if not has_capability(actor, Capability.VIEW_STAFF_PHONE):
        qs = qs.defer("phone")
    return qs.order_by("display_name", "username")


def staff_phone_for(actor, colleague: User) -> str | None:
    """A colleague's mobile number, or None for roles that must dial on the colleague's behalf."""
    if not has_capability(actor, Capability.VIEW_STAFF_PHONE):
        return None
    return colleague.phone


def supervisors_of_site(site_id) -> QuerySet[User]:
    return User.objects.filter(is_active=True, sites__id=site_id, role__in=[Role.SUPERVISOR, Role.MANAGER])
