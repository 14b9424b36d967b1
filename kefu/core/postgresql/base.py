"""Django's PostgreSQL backend: small multi-row INSERTs written as VALUES lists (compiler.py), and write
transactions that let PostgreSQL reuse its plans.

Reads run with plan_cache_mode=force_custom_plan (settings.py): a queue's parameterised status must pick a
partial index, and only a plan made for the call's values can. A write transaction gains nothing from that and
pays for it on every statement it sends and on every foreign-key check PostgreSQL runs at COMMIT (each one an
internal prepared query, re-planned under force_custom_plan): a create spent 0.45 ms of its 1.1 ms COMMIT
planning them, under the day's number lock. So a transaction starts with plan_cache_mode=auto, for itself only.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, operations

FORCED = "plan_cache_mode=force_custom_plan"


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "kefu.core.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def _set_autocommit(self, autocommit):
        super()._set_autocommit(autocommit)
        if not autocommit and FORCED in self.settings_dict["OPTIONS"].get("options", ""):
            with self.wrap_database_errors:
                # SET LOCAL: undone by the COMMIT or ROLLBACK that ends the transaction.
                self.connection.execute("SET LOCAL plan_cache_mode = auto")
