"""Template side of kefu.core.extensions: menu entries and detail-page panels that higher apps register."""

from django import template
from django.template.loader import render_to_string

from kefu.core import extensions

register = template.Library()


@register.simple_tag
def extension_nav(user):
    return extensions.nav_items(user)


@register.simple_tag(takes_context=True)
def order_panels(context, order, column="main"):
    return extensions.order_panels(order, context["request"], column)


@register.simple_tag(takes_context=True)
def customer_panels(context, customer, column="main"):
    return extensions.customer_panels(customer, context["request"], column)


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    # Rendered with the request, so the panel's forms get their CSRF token and `user` like any page.
    return render_to_string(panel["template"], panel["context"], request=context["request"])
