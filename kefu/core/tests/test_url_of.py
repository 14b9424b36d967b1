"""{% url_of %} answers as {% url %} for links without arguments, per URLconf and script prefix."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, set_script_prefix

TEMPLATE = Template("{% load kefu_urls %}{% url_of name %}|{% url name %}")


def _both(name: str) -> list[str]:
    return TEMPLATE.render(Context({"name": name})).split("|")


def test_url_of_answers_as_url_for_every_link_of_the_top_bar():
    for name in ("home", "tickets:queue", "tickets:create", "customers:list", "sla:report", "inbox:count", "logout"):
        cached, reversed_ = _both(name)
        assert cached == reversed_ and cached.startswith("/")


def test_url_of_follows_the_script_prefix_of_a_server_mounted_below_the_root():
    try:
        set_script_prefix("/kefu/")
        assert _both("tickets:queue") == ["/kefu/work-orders/", "/kefu/work-orders/"]
    finally:
        set_script_prefix("/")
    assert _both("tickets:queue") == ["/work-orders/", "/work-orders/"]


def test_an_unknown_name_fails_as_with_url():
    with pytest.raises(NoReverseMatch):
        Template("{% load kefu_urls %}{% url_of 'no-such-view' %}").render(Context())
