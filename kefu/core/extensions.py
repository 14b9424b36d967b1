"""UI extension points: how a higher app adds a menu entry or a panel to a lower app's page.

The work-order detail page lives in `tickets`, yet the complaint workflow, the repair sheet or the follow-up
visit belong to apps above it. Those apps register here from their AppConfig.ready(); the lower page asks
for what is registered, so no lower app ever imports a higher one (import-linter layers stay intact).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    visible: Callable | None = None  # visible(user) -> bool; None shows it to every signed-in user
    # Current-page highlighting: the URL namespace (e.g. "complaints") whose pages belong to this entry.
    namespace: str = ""
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A block of the work-order (or customer) detail page, rendered by its own template.

    `context(obj, request)` returns the template context, or None to leave the panel out for that object.
    """

    key: str
    template: str
    context: Callable
    types: frozenset[str] = field(default_factory=frozenset)  # work-order types; empty means every type
    order: int = 100
    column: str = "main"  # "main" (beside the timeline) or "aside" (with the actions)


_nav: dict[str, NavItem] = {}
_order_panels: dict[str, Panel] = {}
_customer_panels: dict[str, Panel] = {}
_timeline_sources: dict[str, Callable] = {}


def register_nav(key: str, item: NavItem) -> None:
    _nav[key] = item


def register_order_panel(
    key: str, *, template: str, context: Callable, types: Iterable[str] = (), order: int = 100, column: str = "main"
) -> None:
    _order_panels[key] = Panel(key, template, context, frozenset(types), order, column)


def register_customer_panel(
    key: str, *, template: str, context: Callable, order: int = 100, column: str = "main"
) -> None:
    _customer_panels[key] = Panel(key, template, context, frozenset(), order, column)


def nav_items(user) -> list[NavItem]:
    items = (item for item in _nav.values() if item.visible is None or item.visible(user))
    return sorted(items, key=lambda item: item.order)


def _render(panels: Iterable[Panel], obj, request) -> list[dict]:
    rendered = []
    for panel in sorted(panels, key=lambda p: p.order):
        context = panel.context(obj, request)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, "context": context, "column": panel.column})
    return rendered


def order_panels(order, request, column: str | None = None) -> list[dict]:
    # Filtered before the contexts are built: a page renders each column separately and must not pay twice.
    panels = (
        p
        for p in _order_panels.values()
        if (not p.types or order.type in p.types) and (column is None or p.column == column)
    )
    return _render(panels, order, request)


def customer_panels(customer, request, column: str | None = None) -> list[dict]:
    return _render((p for p in _customer_panels.values() if column is None or p.column == column), customer, request)


@dataclass(frozen=True)
class TimelineEntry:
    """One contact with a customer, from whichever app recorded it (order, visit, survey, complaint …)."""

    at: object  # an aware datetime
    kind: str  # a short code: "work_order", "follow_up", "survey" …
    title: str
    detail: str = ""
    url: str = ""


def register_timeline_source(key: str, source: Callable) -> None:
    """`source(customer, actor, limit)` returns at most `limit` TimelineEntry rows, newest first, already
    scoped to what the actor may see."""
    _timeline_sources[key] = source


def customer_timeline(customer, actor, *, limit: int = 50) -> list[TimelineEntry]:
    entries = [e for source in _timeline_sources.values() for e in source(customer, actor, limit)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


@dataclass(frozen=True)
class SatisfactionPoint:
    """One moment a customer's satisfaction was learnt, or a try to learn it, from whichever app recorded it.

    The churn signal reads these so that surveys need not import the apps (follow-up visits …) beside it."""

    at: object  # an aware datetime
    kind: str  # the timeline kind of the same contact ("follow_up" …): those entries are judged by `contact`
    contact: bool  # the customer was actually reached (a call nobody answered is no contact)
    score: int | None = None  # 1–5, when one was given
    dissatisfied: bool = False


_satisfaction_sources: dict[str, Callable] = {}


def register_satisfaction_source(kind: str, source: Callable) -> None:
    """`source(customer, actor, limit)` returns at most `limit` SatisfactionPoint rows, newest first, already
    scoped to what the actor may see. `kind` is the timeline kind of the same contacts: whether one of those
    counts as a contact is the source's to say, not the timeline's."""
    _satisfaction_sources[kind] = source


def satisfaction_kinds() -> frozenset[str]:
    return frozenset(_satisfaction_sources)


def satisfaction_points(customer, actor, *, limit: int = 50) -> list[SatisfactionPoint]:
    points = [p for source in _satisfaction_sources.values() for p in source(customer, actor, limit)]
    points.sort(key=lambda p: p.at, reverse=True)
    return points[:limit]
