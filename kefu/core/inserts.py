"""INSERTs compiled once, with their values taken before the write transaction and sent inside it.

Every create writes the same few rows of the same tables: the order, its history, its SLA clocks and their events.
Through the ORM each INSERT is built and compiled afresh (bulk_create: a sixth of a millisecond of CPU per statement
beyond sending it), and on SQLite all of it runs inside the write lock, on PostgreSQL the order's own INSERT and
its history's inside the day's number lock. `Rows` takes the values from the instances when it is made (as the
compiler does: `pre_save`, then `get_db_prep_save`), keeps Django's own SQL for that model and row count per
database, and `send()` only executes. A value decided later (the id, the number drawn under the lock) is taken
again with `restate()`; a foreign key follows the instance it points at (an order given its id meanwhile).

No signals are sent, as with bulk_create. Expressions (F(), functions) are refused: they need the compiler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import models as m
from django.db.models import Model
from django.db.models.sql import InsertQuery

# Filled on first use; a race between threads only compiles the same statement twice.
_statements: dict[tuple, str] = {}
_composed: dict[tuple, tuple[str, list[int]]] = {}  # Rows.composed(): SQL and where each param comes from
_PLACEHOLDER = re.compile(r"%%|%s")  # a literal percent (%%) is no placeholder, nor is the "s" after it


def _statement(alias: str, model, fields, objs, returning: bool) -> str:
    key = (alias, model, len(objs), returning)
    if key not in _statements:
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = [model._meta.pk] if returning else None
        ((sql, params),) = compiler.as_sql()
        if len(params) != len(objs) * len(fields):  # PostgreSQL sends a big batch as arrays (UNNEST)
            raise ValueError(f"{len(objs)} rows are a batch: use bulk_create")
        _statements[key] = sql
    return _statements[key]


# Field classes whose value of a given type the ORM would send as it is or through one backend call, so it is taken
# so without the field's general path (most of a create's values are these; subclasses and other types take it):
# text stays the same object (CharField.to_python), an int or a bool stays itself (int(), the backends'
# adapt_integerfield_value), an aware instant goes through adapt_datetimefield_value alone.
_FAST = {
    **dict.fromkeys((m.CharField, m.TextField), str),
    **dict.fromkeys((m.IntegerField, m.PositiveIntegerField, m.PositiveSmallIntegerField, m.BigAutoField), int),
    m.BooleanField: bool,
    m.DateTimeField: datetime,
}


def _fast_type(field):
    if type(field) is m.ForeignKey:
        return _fast_type(field.target_field)
    if type(field) is m.DateTimeField and (field.auto_now or field.auto_now_add):
        return None  # pre_save sets those
    return _FAST.get(type(field))


class _Layout:
    """A model's inserted fields, in column order, with what each needs to become a value."""

    def __init__(self, model, pk_given: bool):
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if pk_given or f is not meta.pk]
        self.column = {}
        for i, f in enumerate(self.fields):
            self.column[f.name] = self.column[f.attname] = i
        self.entries = [(f, f.attname, _fast_type(f), type(f) is m.ForeignKey) for f in self.fields]


_layouts: dict[tuple, _Layout] = {}
_DEFERRED = object()  # not loaded on the instance: the field's own path reads it


def _layout(model, pk_given: bool) -> _Layout:
    key = (model, pk_given)
    if key not in _layouts:
        _layouts[key] = _Layout(model, pk_given)  # as _statements: a race only builds it twice
    return _layouts[key]


class Rows:
    """Instances of one model to insert in one statement (the pk given on every one, or on none)."""

    def __init__(self, objs: Iterable[Model], *, pk_given: bool | None = None, using: str = DEFAULT_DB_ALIAS):
        self.objs = list(objs)
        if not self.objs:
            raise ValueError("no rows")
        self.model = type(self.objs[0])
        meta = self.model._meta
        if meta.parents or any(type(o) is not self.model for o in self.objs):
            raise ValueError("rows of one model without parent tables")
        given = {o.pk is not None for o in self.objs} if pk_given is None else {pk_given}
        if len(given) != 1:
            raise ValueError("the pk is given on every row or on none")
        self.pk_given = given.pop()
        self.using = using
        self.connection = connections[using]
        self.layout = _layout(self.model, self.pk_given)
        self.params = [self._value(entry, obj) for obj in self.objs for entry in self.layout.entries]

    def _value(self, entry, obj):
        field, attname, fast, is_fk = entry
        if is_fk and field.is_cached(obj):
            target = field.get_cached_value(obj)
            if target is not None and target.pk is not None:
                setattr(obj, attname, target.pk)  # the instance was given its id after it was linked
        if fast is not None:
            value = obj.__dict__.get(attname, _DEFERRED)  # their pre_save is the attribute itself
            if value is None:
                return value
            if fast is str:
                if isinstance(value, str):  # a TextChoices member too
                    return value
            elif fast is datetime:
                if type(value) is datetime and value.tzinfo is not None:
                    return self.connection.ops.adapt_datetimefield_value(value)
            elif type(value) is fast:
                return value
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{self.model.__name__}.{field.name}: an expression needs the ORM's insert")
        return field.get_db_prep_save(value, connection=self.connection)

    def restate(self, *names: str, objs: Iterable[Model] | None = None) -> None:
        """Take these fields' values from the instances again (of `objs` only, if given)."""
        width = len(self.layout.fields)
        rows = {id(o): i for i, o in enumerate(self.objs)}
        for obj in self.objs if objs is None else objs:
            for name in names:
                j = self.layout.column[name]
                self.params[rows[id(obj)] * width + j] = self._value(self.layout.entries[j], obj)

    def composed(self, replace: dict[tuple[int, str], str] | None = None) -> tuple[str, list]:
        """This batch's INSERT (with RETURNING the ids when they are not given) and its params, some values
        replaced by SQL expressions: `{(row, field name): expression}`, where a `%s` in the expression stands for
        the value it replaces. For a statement that computes a value in the database (a CTE's output)."""
        replace = replace or {}
        key = (self.using, self.model, len(self.objs), not self.pk_given, tuple(sorted(replace.items())))
        if key not in _composed:
            _composed[key] = self._compose(replace)  # as _statements: a race only composes it twice
        sql, positions = _composed[key]
        return sql, [self.params[k] for k in positions]

    def _compose(self, replace) -> tuple[str, list[int]]:
        sql = _statement(self.using, self.model, self.layout.fields, self.objs, not self.pk_given)
        width = len(self.layout.fields)
        plain = ", ".join(f"({', '.join(['%s'] * width)})" for _ in self.objs)
        head, _, values = sql.partition(" VALUES ")
        if not values.startswith(plain):  # a field with its own placeholder: the positions below would be wrong
            raise ValueError(f"{self.model.__name__}: unexpected INSERT placeholders")
        rows, positions = [], []
        for i in range(len(self.objs)):
            cells = []
            for j, field in enumerate(self.layout.fields):
                expression = replace.get((i, field.name), "%s")
                cells.append(expression)
                positions.extend([i * width + j] * _PLACEHOLDER.findall(expression).count("%s"))
            rows.append(f"({', '.join(cells)})")
        return f"{head} VALUES {', '.join(rows)}{values[len(plain) :]}", positions

    def send(self) -> list[Model]:
        returning = not self.pk_given
        sql = _statement(self.using, self.model, self.layout.fields, self.objs, returning)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            ids = cursor.fetchall() if returning else None
        return self.saved(ids)

    def saved(self, ids: list[tuple] | None) -> list[Model]:
        """Mark the instances written (with these returned ids, the first column of each row, if not given)."""
        if ids is not None:
            if len(ids) != len(self.objs):
                raise RuntimeError(f"{len(self.objs)} rows written, {len(ids)} ids returned")
            for obj, (pk, *_) in zip(self.objs, ids, strict=True):
                obj.pk = pk
        for obj in self.objs:
            obj._state.adding = False
            obj._state.db = self.using
        return self.objs


def send_together(*batches: Rows) -> None:
    """Send the batches in order; on PostgreSQL in one round trip (psycopg's pipeline mode), for writes that hold
    a lock until COMMIT: the lock then waits for one answer instead of one per statement."""
    connection = batches[0].connection
    if connection.vendor != "postgresql":
        for batch in batches:
            batch.send()
        return
    with connection.wrap_database_errors, connection.connection.pipeline():
        for batch in batches:
            batch.send()
