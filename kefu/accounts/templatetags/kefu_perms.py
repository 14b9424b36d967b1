"""`{% if user|can:"create_work_order" %}`: templates ask the one capability table instead of checking roles."""

from django import template

from kefu.accounts.permissions import Capability, has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return has_capability(user, Capability(capability))
