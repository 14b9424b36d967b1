"""Django's PostgreSQL backend: small multi-row INSERTs written as VALUES lists (compiler.py), and write
transactions that let PostgreSQL reuse its plans.

Reads run with plan_cache_mode=force_custom_plan (settings.py): a queue's parameterised status must pick a
partial index, and only a plan made for the call's values can. A write transaction gains nothing from that and
pays for it on every statement it sends and on every foreign-key check PostgreSQL runs at COMMIT (each one an
internal prepared query, re-planned under force_custom_plan): a create spent 0.45 ms of its 1.1 ms COMMIT
planning them, under the day's number lock. So a transaction starts with plan_cache_mode=auto, for itself only.

A read by primary keys with joins gains nothing from custom plans either, and planning it can cost more than
running it (a queue page's 26 rows with five joined tables: 1.7 ms planning, 0.4 ms running). Such a read goes
through `execute_reusing_plan`: the statement between two SETs, all in one round trip (psycopg's pipeline).

A write that holds a lock until COMMIT (the day's work-order number) can leave its statements queued in an open
pipeline with `commit_with_pipeline`: the transaction's own COMMIT then goes in the same round trip, and Django's
atomic block still decides the outcome (its hooks, its rollback) from the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

import psycopg
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import debug_transaction

FORCED = "plan_cache_mode=force_custom_plan"
_AUTO, _CUSTOM = "SET plan_cache_mode = auto", "SET plan_cache_mode = force_custom_plan"


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "kefu.core.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _commit_pipeline: tuple[ExitStack, Callable[[], object]] | None = None

    def commit_with_pipeline(self, pipeline: ExitStack, answered: Callable[[], object]) -> None:
        """Keep this open pipeline (an ExitStack holding `connection.pipeline()`) until the outermost atomic block
        ends: its COMMIT is queued after the statements and sent with them, and the block's rollback discards
        them. `answered()` reads the statements' answers once COMMIT has succeeded, before the block's on_commit
        hooks run (they see what the answers complete)."""
        if not self.in_atomic_block or self.savepoint_ids or self._commit_pipeline is not None:
            raise RuntimeError("a pipeline is handed over only inside the outermost atomic block, once")
        self._commit_pipeline = (pipeline, answered)

    def _commit(self):
        handed, self._commit_pipeline = self._commit_pipeline, None
        if handed is None:
            return super()._commit()
        pipeline, answered = handed
        with debug_transaction(self, "COMMIT"), self.wrap_database_errors, pipeline:
            # A statement, not connection.commit(): that would sync at once, and leaving the pipeline syncs again.
            self.connection.execute("COMMIT", prepare=False)
        # A statement of the pipeline that failed left the transaction aborted and the COMMIT skipped; its error
        # has been raised above, and Django's rollback follows. Past this point the transaction is committed.
        answered()

    def _rollback(self):
        handed, self._commit_pipeline = self._commit_pipeline, None
        if handed is not None:
            try:
                with handed[0]:
                    self.connection.execute("ROLLBACK", prepare=False)  # sent with the statements it undoes
            except psycopg.Error:
                pass  # the error that stopped the block is the one raised; this one is part of what is undone
        return super()._rollback()  # sends nothing if the ROLLBACK above ran (the connection is idle)

    def _close(self):
        self._commit_pipeline = None  # closing the connection ends its pipeline
        return super()._close()

    def _set_autocommit(self, autocommit):
        super()._set_autocommit(autocommit)
        if not autocommit and FORCED in self.settings_dict["OPTIONS"].get("options", ""):
            with self.wrap_database_errors:
                # SET LOCAL: undone by the COMMIT or ROLLBACK that ends the transaction.
                self.connection.execute("SET LOCAL plan_cache_mode = auto")

    def _plans_forced(self) -> bool:
        return FORCED in self.settings_dict["OPTIONS"].get("options", "")

    @property
    def key_reads_reuse_plans(self) -> bool:
        """Whether reads marked reuse_plan run on cached plans: statements are prepared and the session makes
        custom plans (not behind a transaction-mode pooler, KEFU_PG_PREPARE=0)."""
        return self._plans_forced()

    def execute_reusing_plan(self, cursor, sql, params) -> None:
        """`cursor.execute(sql, params)`, with PostgreSQL free to run it on the plan it cached for the statement.

        Outside a transaction the three statements before the pipeline's sync form one implicit transaction: if
        the read fails there, the first SET is rolled back with it, so the session never keeps plan_cache_mode=auto.
        Inside one the transaction's own setting (auto) already applies."""
        if not self.key_reads_reuse_plans or not self.get_autocommit():
            cursor.execute(sql, params)
            return
        raw = self.connection
        with self.wrap_database_errors, raw.pipeline():
            try:  # the SET back is queued whatever stops the read (an interrupt during the first SET too)
                raw.execute(_AUTO)
                cursor.execute(sql, params)
            finally:
                raw.execute(_CUSTOM)
