"""Model instances for prepared reads, made as `Model.from_db` makes them, without `Model.__init__` when nothing
depends on it.

A queue page is 26 orders with five joined rows each: `from_db` ran `__init__` for some 150 instances, walking
every concrete field of each (deferred ones included) and sending pre_init/post_init. For a model that keeps
Django's `__init__` and `from_db`, whose selected attributes are plain column descriptors and while no receiver
listens to those signals, the instance `from_db` would build is exactly: the selected values in `__dict__`
(deferred fields absent, loaded on access as usual) and a `ModelState` with `adding=False` and the database.
Anything else goes through `from_db` (tests compare both with the ORM's instances).
"""

from __future__ import annotations

from inspect import getattr_static

from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import RelatedPopulator
from django.db.models.query_utils import DeferredAttribute

_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
_FROM_DB = Model.from_db.__func__


def plain_init(model, attnames) -> bool:
    """Whether instances of `model` with these columns may skip `__init__` (signals aside: see `listened`)."""
    return (
        model.__init__ is Model.__init__
        and getattr(model.from_db, "__func__", None) is _FROM_DB
        and all(type(getattr_static(model, name, None)) in _PLAIN_DESCRIPTORS for name in attnames)
    )


def listened(models) -> bool:
    """Whether a pre_init or post_init receiver listens to any of these models now."""
    return any(signals.pre_init.has_listeners(m) or signals.post_init.has_listeners(m) for m in models)


def make(model, db: str, attnames, values, plain: bool):
    if not plain:
        return model.from_db(db, attnames, values)
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    return obj


class Populator(RelatedPopulator):
    """Django's select_related populator (same columns, same setters), its instances made by `make`."""

    def __init__(self, klass_info, select, db):
        super().__init__(klass_info, select, db)
        self.related_populators = [Populator(info, select, db) for info in klass_info.get("related_klass_infos", [])]
        self.plain = plain_init(self.model_cls, self.init_list)

    def models(self):
        yield self.model_cls
        for child in self.related_populators:
            yield from child.models()

    def fill(self, row, from_obj, quiet: bool) -> None:
        """`populate`, with `quiet` saying no init signal is listened to (checked once per read)."""
        data = self.reorder_for_init(row) if self.reorder_for_init else row[self.cols_start : self.cols_end]
        if data[self.pk_idx] is None:
            obj = None
        else:
            obj = make(self.model_cls, self.db, self.init_list, data, quiet and self.plain)
            for child in self.related_populators:
                child.fill(row, obj, quiet)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)
