"""Every page a role can reach by following links from the home page answers without a server error.

The demo (every type app adds its records) is crawled as each kind of staff member: a refused step, another
site's record or a missing permission must be a 403/404 page, never a 500.
"""

from __future__ import annotations

import re

import pytest

from kefu.accounts.models import User
from kefu.tickets.demo import load_demo
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db

SKIP = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout")
LIMIT = 120  # pages per role: enough to reach every list and a few records of each kind


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'href="(/[^"#?]*)"', html) if not h.startswith(SKIP) and "export" not in h]


@pytest.mark.parametrize("username", ["supervisor", "agent1", "tech_sc", "shop1", "finance"])
def test_following_links_never_meets_a_server_error(client, username):
    load_demo(orders=120, customers=40)
    client.force_login(User.objects.get(username=username))
    start = ["/"] + [f"/tickets/{pk}/" for t in WorkOrder.objects.values_list("type", flat=True).distinct()
                     for pk in WorkOrder.objects.filter(type=t).order_by("-id").values_list("id", flat=True)[:2]]  # fmt: skip
    seen, todo, errors = set(), start, []
    while todo and len(seen) < LIMIT:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code not in (200, 403, 404):
            errors.append((url, response.status_code))
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            todo.extend(h for h in _links(response.content.decode()) if h not in seen)
    assert errors == []
    assert len(seen) > 20
