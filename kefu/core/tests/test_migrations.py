"""Every model change has its migration: a field edited without one would differ between databases."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# The tables every create writes: each index costs every create an insertion.
CREATE_PATH = ["tickets_workorder", "tickets_workorderevent", "sla_workorderclock", "sla_slaevent"]
# Kept beside (column, status, id): on SQLite an index on (column) is one on (column, id) and lists a person's or a
# department's orders newest first without sorting them all, which the composite cannot.
KEPT = {("tickets_workorder", "assignee_id"), ("tickets_workorder", "department_id")}


def _indexes(table):
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    # PostgreSQL's varchar_pattern_ops twin of an indexed CharField answers LIKE, not the same lookups.
    return {n: c for n, c in constraints.items() if (c["index"] or c["unique"]) and not n.endswith("_like")}


@pytest.mark.django_db
@pytest.mark.parametrize("table", CREATE_PATH)
def test_no_index_of_the_create_path_is_the_first_columns_of_another(table):
    """An index on (a) beside one on (a, b …) serves no lookup the longer one does not, while every create updates
    both (KEPT says where SQLite's implicit id order is the reason); each foreign key still leads an index (lookups, and the checks PostgreSQL
    runs when a referenced row is deleted)."""
    from django.apps import apps

    indexes = _indexes(table)
    for name, c in indexes.items():
        for other, d in indexes.items():
            covered = d["columns"][: len(c["columns"])] == c["columns"]
            if other != name and covered and not c["unique"] and (table, *c["columns"]) not in KEPT:
                raise AssertionError(f"{table}: {name} {c['columns']} is covered by {other} {d['columns']}")
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    for field in model._meta.concrete_fields:
        if field.is_relation:
            assert any(c["columns"][0] == field.column for c in indexes.values()), f"{table}.{field.column}"


@pytest.mark.django_db(transaction=True)
def test_dropping_a_covered_index_keeps_the_event_tables_append_only():
    """The migration drops the index alone: Django's SQLite AlterField would copy the table without its triggers."""
    from django.db import connection

    from kefu.tickets.models import WorkOrderEvent

    call_command("migrate", "sla", "0003", verbosity=0)
    call_command("migrate", "tickets", "0005", verbosity=0)
    assert any(c["columns"] == ["work_order_id"] for c in _indexes("tickets_workorderevent").values())
    call_command("migrate", verbosity=0)
    assert not any(c["columns"] == ["work_order_id"] for c in _indexes("tickets_workorderevent").values())
    for table in CREATE_PATH:
        assert _indexes(table)
    with connection.cursor() as cursor:
        table = WorkOrderEvent._meta.db_table
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db
def test_event_tables_do_not_index_the_event_type_alone():
    """Events are read through their parent; an index on the type alone (and PostgreSQL's LIKE twin) only costs
    each insert. A report's own index that leads with the type and goes on (repair_event_type_at) is fine."""
    from django.apps import apps
    from django.db import connection

    from kefu.core.history import Event

    for table in [m._meta.db_table for m in apps.get_models() if issubclass(m, Event)]:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        alone = [n for n, c in constraints.items() if c["index"] and c["columns"] == ["event_type"]]
        assert not alone, f"{table}: {alone}"


@pytest.mark.django_db
@pytest.mark.parametrize("table", CREATE_PATH)
def test_no_pattern_index_on_the_create_path(table):
    """The order's number is looked up whole (its unique index); a LIKE-prefix index would only slow creates."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert not [n for n in constraints if n.endswith("_like")]
