"""`{% url_of 'name' arg … %}`: `{% url %}` through kefu.core.links, for the links every page draws.

The top bar of every page has a dozen links and a detail page some twenty more, and reversing one costs about
0.05 ms; `link` reverses each name once and fills in later arguments as text (see there).
"""

from django import template

from kefu.core.links import link

register = template.Library()


@register.simple_tag
def url_of(name, *args):
    # NoReverseMatch propagates as from {% url %}.
    return link(str(name), *args)
