"""Primary keys taken before their row is inserted, as PostgreSQL's nextval() hands them out.

A write that must hold a lock until COMMIT (a work order's gap-free number) can then write its dependents first
and its own row last: Django declares foreign keys DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite, so a
row that points at one not inserted yet is checked only at COMMIT.
"""

from __future__ import annotations

from django.db import connection

_sequences: dict[tuple[str, str], str] = {}


def _pg_sequence(table: str, column: str) -> str:
    key = (connection.settings_dict["NAME"], table)
    if key not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column])
            _sequences[key] = cursor.fetchone()[0]
    return _sequences[key]


def next_id(model) -> int:
    """An id no other insert of `model` will take, in this transaction or any other.

    PostgreSQL: the identity column's sequence (outside transactions, like every nextval: a rollback leaves a gap).
    SQLite: AUTOINCREMENT keeps its high-water mark in sqlite_sequence, which ordinary statements may change;
    raising it reserves the id, and an INSERT with that id leaves the mark where it is. It is a write, so it
    waits for the write lock like the INSERT would, and a rollback gives the id back.
    """
    meta = model._meta
    table, column = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s::regclass)", [_pg_sequence(table, column)])
            return cursor.fetchone()[0]
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = %s RETURNING seq", [table])
        row = cursor.fetchone()
        if row is None:  # the table has never had a row: start the mark above whatever ids it holds
            q = connection.ops.quote_name
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, COALESCE(MAX({q(column)}), 0) + 1 FROM {q(table)}"
                " RETURNING seq",
                [table],
            )
            row = cursor.fetchone()
        return row[0]
