"""kefu.core.links and {% url_of %} answer exactly as reverse() and {% url %}, for every named route."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, path, register_converter, reverse, set_script_prefix
from django.urls.resolvers import URLPattern, URLResolver

from kefu.core.links import link


class _Padded:
    """A converter that writes its value out changed (zero-padded): its URLs can't be filled in as text."""

    regex = "[0-9]{20}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):020d}"


register_converter(_Padded, "kefutestpadded")
urlpatterns = [  # this module is the URLconf of the test below
    path("p/<kefutestpadded:n>/", lambda request, n: None, name="padded"),
    path("plain/<int:n>/", lambda request, n: None, name="plain"),
]

TEMPLATE = Template("{% load kefu_urls %}{% url_of name %}|{% url name %}")


def _named_routes(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.pattern.converters


def _sample(converter, i: int):
    return [0, 7, 123456789][i % 3] if converter.regex.startswith("[0-9]") else ["reply", "a-b_c", "x"][i % 3]


def test_link_answers_as_reverse_for_every_named_route_of_kefu():
    checked = 0
    for name, converters in _named_routes():
        for i in range(3):
            args = [_sample(c, i + j) for j, c in enumerate(converters.values())]
            try:
                expected = reverse(name, args=args)
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    link(name, *args)
                continue
            assert link(name, *args) == expected, (name, args)
            checked += 1
    assert checked > 100  # the whole UI and API, not a handful


def test_arguments_that_reverse_would_quote_or_refuse_go_through_reverse():
    assert link("customers:detail", 42) == reverse("customers:detail", args=[42])
    with pytest.raises(NoReverseMatch):
        link("customers:detail", -1)  # the int converter refuses it, as reverse() does
    with pytest.raises(NoReverseMatch):
        link("customers:detail", "../x")
    assert link("tickets:action_form", 5, "reply") == "/work-orders/5/reply/form/"
    with pytest.raises(NoReverseMatch):
        link("tickets:action_form", 5, "not a slug")


def test_url_of_follows_the_script_prefix_of_a_server_mounted_below_the_root():
    try:
        set_script_prefix("/kefu/")
        assert link("tickets:detail", 9) == "/kefu/work-orders/9/"
        assert TEMPLATE.render(Context({"name": "tickets:queue"})) == "/kefu/work-orders/|/kefu/work-orders/"
    finally:
        set_script_prefix("/")
    assert link("tickets:detail", 9) == "/work-orders/9/"


def test_url_of_in_a_template_answers_as_url_and_fails_as_url():
    for name in ("home", "tickets:queue", "customers:list", "inbox:count", "logout"):
        cached, reversed_ = TEMPLATE.render(Context({"name": name})).split("|")
        assert cached == reversed_
    page = Template("{% load kefu_urls %}{% url_of 'tickets:action_form' 12 'close' %}").render(Context())
    assert page == "/work-orders/12/close/form/"
    with pytest.raises(NoReverseMatch):
        Template("{% load kefu_urls %}{% url_of 'no-such-view' %}").render(Context())


@override_settings(ROOT_URLCONF=__name__)
def test_a_converter_that_pads_its_value_goes_through_reverse_and_a_new_urlconf_is_followed():
    assert link("padded", 5) == reverse("padded", args=[5]) == "/p/00000000000000000005/"
    assert link("plain", 5) == "/plain/5/"
    with pytest.raises(NoReverseMatch):
        link("tickets:queue")  # not in this URLconf: nothing kept from the project's


def test_after_a_urlconf_override_the_projects_links_are_back():
    assert link("tickets:detail", 3) == "/work-orders/3/"
