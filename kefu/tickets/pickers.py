"""Option lists for the pickers (sites, departments, colleagues, shops), with a short cache for pages drawn on GET.

The queue and the detail page draw the same lists on every view: three queries, a third of a page's round trips
on PostgreSQL. A page being read may show lists up to PICKER_TTL seconds old (changes to sites, departments,
shops and staff in this process clear it at once); a POST always validates against fresh lists, and the
services check every target again.
"""

from __future__ import annotations

import time

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from kefu.accounts.models import Department, Shop, Site, User
from kefu.accounts.selectors import departments_for, shops_for, site_ids_for, sites_for, staff_for

PICKER_TTL = 30.0
_MAX_ENTRIES = 2_000
_cache: dict[tuple, tuple[float, dict]] = {}


def picker_choices(actor, *, site_id=None, shops=False, cached=False) -> dict:
    """Names only, one query per list (a colleague's phone is never an option label)."""
    if not cached:
        return _build(actor, site_id, shops)
    key = (actor.pk, tuple(site_ids_for(actor)), site_id, shops, get_language())
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    if len(_cache) >= _MAX_ENTRIES:
        _cache.clear()
    value = _build(actor, site_id, shops)
    _cache[key] = (now + PICKER_TTL, value)
    return value


def _build(actor, site_id, shops) -> dict:
    sites = [(s.id, s.name) for s in sites_for(actor)]
    many = len(sites) > 1
    departments = departments_for(actor)
    if site_id:
        departments = departments.filter(site_id=site_id)
    out = {
        "sites": sites,
        "departments": [(d.id, f"{d.site.name} · {d.name}" if many else d.name) for d in departments],
        "staff": [(u.id, u.name) for u in staff_for(actor, site_id=site_id).only("id", "display_name", "username")],
    }
    if shops:
        out["shops"] = [(s.id, str(s)) for s in shops_for(actor, site_id=site_id)]
    return out


def clear(**kwargs) -> None:
    _cache.clear()


for _model in (Site, Department, Shop, User):
    post_save.connect(clear, sender=_model, dispatch_uid=f"kefu-pickers-save-{_model.__name__}")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"kefu-pickers-delete-{_model.__name__}")
for _through in (User.sites.through, User.departments.through):
    m2m_changed.connect(clear, sender=_through, dispatch_uid=f"kefu-pickers-m2m-{_through.__name__}")
