"""Fixed SELECTs for the few reads every API request or create repeats, built into model instances as the ORM would.

Compiling a QuerySet costs more CPU than running it: a token lookup with its user took 0.35 ms to build and
0.07 ms to send and read; a create's site-and-customer read 0.8 ms. For a statement whose shape never changes the
SQL is written once here (from the models' own columns) and only the values are sent; the rows come back through
the same field and backend converters as an ORM read, so the instances are the ones the ORM would have made.
"""

from __future__ import annotations

from django.db import connection

from .instances import listened, make, plain_init


class Columns:
    """The concrete columns of `model` under a table alias, and the instance built from their values."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.cols = [f.get_col(alias) for f in self.fields]
        self._converters: dict[str, list] = {}
        self.plain = plain_init(model, self.attnames)  # instances may skip Model.__init__ (kefu.core.instances)
        self.pk_at = self.attnames.index(model._meta.pk.attname)

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self) -> str:
        q = connection.ops.quote_name
        return ", ".join(f"{q(self.alias)}.{q(f.column)}" for f in self.fields)

    def _converters_for(self):
        if connection.vendor not in self._converters:
            per_field = []
            for col in self.cols:
                per_field.append(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            self._converters[connection.vendor] = per_field
        return self._converters[connection.vendor]

    def build(self, values):
        converted = []
        for col, converters, value in zip(self.cols, self._converters_for(), values, strict=True):
            for convert in converters:
                value = convert(value, col, connection)
            converted.append(value)
        plain = self.plain and not listened((self.model,))
        return make(self.model, connection.alias, self.attnames, converted, plain)


def joined_select(first: Columns, second: Columns, fk_column: str, where: list[tuple[str, str]], *, outer=False):
    """SELECT of both parts' columns: `first` joined by its `fk_column` to `second`'s primary key (LEFT JOIN with
    `outer`), filtered by `(column of first, operator)` pairs each compared with a parameter, ANDed."""
    q = connection.ops.quote_name
    a, b = q(first.alias), q(second.alias)
    conditions = " AND ".join(f"{a}.{q(column)} {op} %s" for column, op in where)
    return (
        f"SELECT {first.sql()}, {second.sql()} FROM {q(first.model._meta.db_table)} {a}"
        f" {'LEFT JOIN' if outer else 'JOIN'} {q(second.model._meta.db_table)} {b}"
        f" ON {b}.{q(second.model._meta.pk.column)} = {a}.{q(fk_column)} WHERE {conditions}"
    )


def execute_read(db, cursor, sql: str, params, *, reuse_plan: bool = False) -> None:
    """`cursor.execute`; with `reuse_plan` a PostgreSQL connection may run the read on its cached plan (a read by
    key whose joins cost more to plan than to run: kefu.core.postgresql). Other backends just execute."""
    run = getattr(db, "execute_reusing_plan", None) if reuse_plan else None
    if run is None:
        cursor.execute(sql, params)
    else:
        run(cursor, sql, params)


def fetch_one(sql: str, params, *parts: Columns, reuse_plan: bool = False):
    """Run `sql`, whose select list is each part's columns in order; one instance per part (None for a part an
    outer join found nothing for: its primary key is NULL), or None for no row."""
    with connection.cursor() as cursor:
        execute_read(connection, cursor, sql, params, reuse_plan=reuse_plan)
        row = cursor.fetchone()
    if row is None:
        return None
    out, at = [], 0
    for part in parts:
        values = row[at : at + len(part)]
        out.append(None if values[part.pk_at] is None else part.build(values))
        at += len(part)
    return tuple(out)
