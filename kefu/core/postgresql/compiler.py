"""Django's PostgreSQL compilers; only the INSERT compiler differs.

Django sends every multi-row INSERT as `SELECT * FROM UNNEST(array, array …)`: one placeholder per column, so a
big batch is planned quickly and stays under the 65,535 bound parameters a statement may carry. A create writes
two or three rows per table (its history, its SLA clocks), and for those psycopg's building of a typed array per
column cost a tenth of the request's Python; statements are prepared per connection anyway, so the planning the
arrays save is not there to save. Below SMALL_BATCH rows the rows go as a plain VALUES list.
"""

from __future__ import annotations

from django.db.backends.postgresql.compiler import (  # noqa: F401 (the module Django loads compilers from)
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as _PostgresInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as _PlainInsertCompiler

SMALL_BATCH = 20

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler"]


class SQLInsertCompiler(_PostgresInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < SMALL_BATCH:
            return _PlainInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
