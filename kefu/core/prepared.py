"""Reads whose QuerySet never changes shape, compiled once and then only given new values.

A detail page makes a dozen small reads of the rows of the order in hand (its repair sheet, clocks, follow-ups …).
Building and compiling each QuerySet costs more CPU than the database takes to answer it (a repair sheet with its
acceptor: 0.6 ms to build, 0.1 ms to run). A `PreparedRead` is defined by an ordinary QuerySet function; on first
use per database it is compiled with marker values standing in for the arguments, and later calls send the same SQL
with the real values. The rows become instances through the compiler's own select list, converters and
select_related populators, as ModelIterable builds them (kefu.core.instances; tested against the ORM on both
databases).

Only integer arguments (ids): a list (`id__in=`) changes the SQL with its length. Filters the ORM folds into the SQL
text rather than parameters (None → IS NULL, slices → LIMIT) must be constants of the shape, not arguments.

`reuse_plan=True` lets PostgreSQL run the read on the plan it cached (kefu.core.postgresql): for reads by primary
key whose joins cost more to plan than to run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from inspect import signature

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import FlatValuesListIterable, ModelIterable

from .instances import Populator, listened, make, plain_init
from .rows import execute_read

# Values no id will have, inside a 32-bit integer field's range (out of range the ORM drops the filter): each
# marks where one argument lands in the compiled parameters.
_MARK_BASE = -2_147_000_000
_INT64 = (-(2**63), 2**63 - 1)


class _Shape:
    """What one compile leaves: the SQL, where each argument goes, and how rows become instances."""

    def __init__(self, queryset: QuerySet, alias: str, arity: int):
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        marks = {_MARK_BASE - i: i for i in range(arity)}
        self.slots = [(pos, marks[p]) for pos, p in enumerate(params) if isinstance(p, int) and p in marks]
        found = sorted(i for _pos, i in self.slots)
        if found != list(range(arity)):
            raise ValueError(f"each argument must reach the SQL once as a parameter (found {found} of {arity})")
        self.flat = queryset._iterable_class is FlatValuesListIterable
        if compiler.has_extra_select or queryset._known_related_objects:
            raise ValueError("a prepared read is a plain QuerySet")
        if not (self.flat or queryset._iterable_class is ModelIterable):
            raise ValueError("a prepared read returns model instances, or one column (values_list(flat=True))")
        self.sql, self.params = sql, list(params)
        self.compiler = compiler
        self.fields = [s[0] for s in compiler.select[: compiler.col_count]]
        self.prefetch = list(queryset._prefetch_related_lookups)
        if self.flat:
            return
        info = compiler.klass_info
        self.model = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
        self.populators = [Populator(rel, compiler.select, alias) for rel in info.get("related_klass_infos", [])]
        self.plain = plain_init(self.model, self.init_list)
        self.models = {self.model, *(m for p in self.populators for m in p.models())}
        self.annotations = dict(compiler.annotation_col_map or {})


class PreparedRead:
    """`PreparedRead(lambda order_id: Model.objects.filter(order_id=order_id).order_by("id"))`; call it with the
    values to get the list the QuerySet would have given (instances, or the values of a flat values_list)."""

    def __init__(self, build: Callable[..., QuerySet], *, arity: int | None = None, reuse_plan: bool = False):
        self._build = build
        self._reuse_plan = reuse_plan
        # `arity` for a build taking *args (one shape per count of values, e.g. a page of ids).
        self._arity = len(signature(build).parameters) if arity is None else arity
        self._shapes: dict[str, _Shape] = {}
        self._lock = threading.Lock()
        # Converters are bound to a connection, and connections to a thread.
        self._local = threading.local()

    def _shape(self, alias: str) -> _Shape:
        shape = self._shapes.get(alias)
        if shape is None:
            with self._lock:
                shape = self._shapes.get(alias)
                if shape is None:
                    queryset = self._build(*(_MARK_BASE - i for i in range(self._arity))).using(alias)
                    shape = self._shapes[alias] = _Shape(queryset, alias, self._arity)
        return shape

    def _converters(self, shape: _Shape, alias: str, connection):
        cache = getattr(self._local, "converters", None)
        if cache is None:
            cache = self._local.converters = {}
        entry = cache.get(alias)
        if entry is None or entry[0] is not connection:
            compiler = shape.compiler.query.get_compiler(connection=connection)
            entry = cache[alias] = (connection, list(compiler.get_converters(shape.fields).items()))
        return entry[1]

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        if any(not _INT64[0] <= v <= _INT64[1] for v in values if isinstance(v, int)):
            return []  # no row has such an id; the databases would refuse the value (as the ORM answers: none)
        shape = self._shape(using)
        params = list(shape.params)
        for pos, i in shape.slots:
            params[pos] = values[i]
        connection = connections[using]
        with connection.cursor() as cursor:
            execute_read(connection, cursor, shape.sql, params, reuse_plan=self._reuse_plan)
            rows = cursor.fetchall()
        converters = self._converters(shape, using, connection) if rows else ()
        quiet = bool(rows) and not shape.flat and not listened(shape.models)
        objects = []
        for raw in rows:
            row = list(raw)
            for pos, (convs, expression) in converters:
                value = row[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[pos] = value
            if shape.flat:
                objects.append(row[0])
                continue
            obj = make(shape.model, using, shape.init_list, row[shape.start : shape.end], quiet and shape.plain)
            for populator in shape.populators:
                populator.fill(row, obj, quiet)
            for name, pos in shape.annotations.items():
                setattr(obj, name, row[pos])
            objects.append(obj)
        if shape.prefetch and objects:
            prefetch_related_objects(objects, *shape.prefetch)
        return objects
