"""Choice labels without Django's per-call cost.

Model.get_FOO_display() rebuilds a dict of the field's choices on every call, hashing each lazy label (one
gettext apiece): drawing a queue page of 25 rows spent more time there than in the database. The mixin keeps
one {value: label} map per field and language; the result is the same string Django returns.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_labels: dict[tuple, object] = {}


def per_language(key, build, *args):
    """build(*args), kept under `key` for the active language: what a page draws from translated choices alone
    (cleared with the labels when a test swaps languages or catalogues)."""
    full = (key, get_language())
    value = _labels.get(full)
    if value is None:
        value = _labels[full] = build(*args)
    return value


def choice_labels(field) -> dict:
    """{value: translated label} of a model field's choices, in the active language."""
    return per_language(field, _label_map, field)


def _label_map(field) -> dict:
    return {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}


def choice_maps(model, *names: str) -> dict[str, dict]:
    """choice_labels of several fields at once: a page of rows looks them up once, not once per cell."""
    return {name: choice_labels(model._meta.get_field(name)) for name in names}


class CachedChoiceLabels:
    """Mix into a model (before models.Model) whose get_FOO_display() is called per row of a list."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


def _clear(*, setting, **kwargs):
    # Tests that swap catalogues or languages must not see labels cached under the old ones.
    if setting in {"LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _labels.clear()


setting_changed.connect(_clear)
