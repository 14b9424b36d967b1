"""HTML escaping for markup built in Python (queue rows, filter bar, timeline).

Django's conditional_escape reaches html.escape through keep_lazy's wrapper and mark_safe, on every call: a queue
page escapes some 450 values, and that wrapper was most of their cost. esc() returns the same text as
conditional_escape (a plain str: the builders mark the finished markup safe once).
"""

from __future__ import annotations

from html import escape as _escape

from django.utils.functional import Promise


def esc(value) -> str:
    if type(value) is str:  # the common case, and never safe markup (SafeString is a subclass)
        return _escape(value)
    if isinstance(value, Promise):
        value = str(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape(str(value))
