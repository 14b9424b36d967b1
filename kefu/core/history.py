"""Append-only history (无涂改): one abstract event base, guarded by database triggers.

Signal-based history packages miss QuerySet.update() and raw SQL, so the guarantee lives in the
database: every concrete event table gets BEFORE UPDATE/DELETE triggers that abort the statement.
A correction is recorded as a new event, never by changing an old one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.migrations.operations.base import Operation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GUARD_MESSAGE = "kefu: history rows are append-only"


class Event(models.Model):
    """Base of every history table: stable type code, actor, time, old -> new."""

    # Not indexed: every read of events goes through its parent (an order's timeline, a case's history), and an
    # index on a handful of codes would cost each of the many event rows two insertions (PostgreSQL adds a
    # pattern index). A report that needs the type indexes it with its parent or its time (repair_event_type_at).
    event_type = models.CharField(_("event type"), max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    old = models.JSONField(_("old value"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("new value"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class AppendOnlyRecord(models.Model):
    """Base of a record that is written once and never changed, though it is not an event: a custody handover,
    a signed claim, a disposal decision. Its table gets the same triggers as the event tables."""

    class Meta:
        abstract = True


def guarded_tables() -> list[str]:
    from django.apps import apps

    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, Event | AppendOnlyRecord))


def sqlite_create_sql(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END",
    ]


def sqlite_drop_sql(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_no_update"', f'DROP TRIGGER IF EXISTS "{table}_no_delete"']


POSTGRES_FUNCTION_SQL = (
    "CREATE OR REPLACE FUNCTION kefu_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{GUARD_MESSAGE} (%)', TG_TABLE_NAME USING ERRCODE = 'P0001'; END $$"
)


def postgres_create_sql(table: str) -> list[str]:
    return [
        POSTGRES_FUNCTION_SQL,
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION kefu_append_only()",
    ]


def postgres_drop_sql(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"']


def create_sql(vendor: str, table: str) -> list[str]:
    return sqlite_create_sql(table) if vendor == "sqlite" else postgres_create_sql(table)


def drop_sql(vendor: str, table: str) -> list[str]:
    return sqlite_drop_sql(table) if vendor == "sqlite" else postgres_drop_sql(table)


class AppendOnly(Operation):
    """Migration operation: install the append-only triggers on one event model's table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in create_sql(schema_editor.connection.vendor, self._table(app_label, to_state)):
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in drop_sql(schema_editor.connection.vendor, self._table(app_label, from_state)):
            schema_editor.execute(sql, params=None)

    def describe(self):
        return f"Make {self.model_name} append-only"
