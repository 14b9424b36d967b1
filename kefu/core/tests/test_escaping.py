from __future__ import annotations

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from kefu.core.escaping import esc


class Markup:
    def __html__(self):
        return "<i>already markup</i>"

    def __str__(self):
        return "<i>not this</i>"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "三楼 <script>alert('x')</script> & \"引号\"",
        mark_safe("<b>已安全</b>"),
        format_html("<em>{}</em>", "<x>"),
        gettext_lazy("Anonymous"),
        42,
        None,
        Markup(),
    ],
)
def test_esc_gives_what_conditional_escape_gives(value):
    with override("zh-hans"):
        assert esc(value) == str(conditional_escape(value))
