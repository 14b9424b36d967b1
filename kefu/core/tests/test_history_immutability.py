"""无涂改: history rows can be appended, never changed or removed, whatever path the change takes."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from kefu.core.history import GUARD_MESSAGE, AppendOnlyRecord, Event, guarded_tables
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.customers.models import CustomerEvent
from kefu.customers.services import reveal_customer_phone, update_customer

KNOWN_EVENT_TABLES = {
    "customers_customerevent",
    "customers_customerdataaccess",
    "tickets_workorderevent",
    # 无涂改 for lost & found records that are not events: the custody chain, claims, disposals, broadcasts.
    "lostfound_custodyhandover",
    "lostfound_claim",
    "lostfound_disposalrecord",
    "lostfound_broadcast",
}


def _event_models():
    """Event tables and the write-once records (AppendOnlyRecord) that share their guard."""
    return [m for m in apps.get_models() if issubclass(m, Event | AppendOnlyRecord) and not m._meta.proxy]


def _model_for(table):
    (model,) = [m for m in _event_models() if m._meta.db_table == table]
    return model


def _text_field(table):
    """A text column to try forging: the note of an event, the first text field of a write-once record."""
    model = _model_for(table)
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
    return next((f for f in fields if f.name == "note"), fields[0])


def _raw_row(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def refused():
    """The database itself aborts the statement; the savepoint keeps the test's transaction usable."""
    with pytest.raises(DatabaseError, match=GUARD_MESSAGE), transaction.atomic():
        yield


@pytest.fixture
def history_rows(customer, agent, make_order):
    """At least one row in every guarded table, written by the real services."""
    update_customer(customer, actor=agent, changes={"tier": "A"})
    reveal_customer_phone(customer.phones.first(), actor=agent, reason="客户来电核实身份")
    make_order(accept_now=True)
    rows = {}
    for table in guarded_tables():
        model = _model_for(table)
        first = model.objects.order_by("id").first() or _append_plain_row(model)
        rows[table] = first.pk
    return rows


def _append_plain_row(model):
    """A row for an event table the flow above does not reach (another app's). Appending is what such a table
    allows, so this goes through the ORM; missing parents are made the same plain way."""
    values = {"event_type": "test_row"} if issubclass(model, Event) else {}
    return _plain_row(model, {**values, **PLAIN_VALUES.get(model._meta.db_table, {})})


# Values a plain row needs to pass a table's own check constraints.
PLAIN_VALUES = {
    "lostfound_claim": {"id_number_masked": "1101**********1234"},
    "lostfound_custodyhandover": {"from_holder": "拾获顾客", "to_holder": "服务台"},
}


def _plain_row(model, values, depth=0):
    assert depth < 4, f"{model.__name__}: extend the history_rows fixture"
    for field in model._meta.concrete_fields:
        if field.name in values or field.has_default() or (field.primary_key and not field.is_relation):
            continue
        if field.is_relation:
            target = field.related_model.objects.order_by("pk").first()
            if field.null:  # linked where something exists: check constraints may tie a link to a kind
                values[field.name] = target
                continue
            values[field.name] = target or _plain_row(field.related_model, {}, depth + 1)
        elif field.null:
            continue
        elif field.blank and isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = ""
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, models.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.name] = timezone.localdate()
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = "样例"
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        elif isinstance(field, (models.IntegerField, models.DecimalField)):
            values[field.name] = 1
    return model.objects.create(**values)


def test_every_event_model_is_a_guarded_table():
    tables = {m._meta.db_table for m in _event_models()}
    assert tables == set(guarded_tables())
    assert KNOWN_EVENT_TABLES <= tables


@pytest.mark.django_db
@pytest.mark.parametrize("table", guarded_tables())
def test_every_event_table_has_append_only_triggers_installed(table):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = dict(cursor.fetchall())
            assert set(triggers) >= {f"{table}_no_update", f"{table}_no_delete"}
            assert "BEFORE UPDATE" in triggers[f"{table}_no_update"]
            assert "BEFORE DELETE" in triggers[f"{table}_no_delete"]
            assert all("RAISE(ABORT" in sql for sql in triggers.values())
        else:
            cursor.execute(
                "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = %s AND NOT t.tgisinternal",
                [table],
            )
            triggers = {name: (enabled, definition) for name, enabled, definition in cursor.fetchall()}
            enabled, definition = triggers[f"{table}_append_only"]
            assert enabled == "O"  # fires in normal sessions
            timing = definition.split(" ON ")[0]
            assert " BEFORE " in timing and "UPDATE" in timing and "DELETE" in timing
            assert "FOR EACH ROW" in definition


@pytest.mark.parametrize("table", guarded_tables())
def test_raw_sql_update_of_a_history_row_is_refused_by_the_database(history_rows, table):
    pk = history_rows[table]
    before = _raw_row(table, pk)
    with refused():
        _raw(f'UPDATE "{table}" SET "{_text_field(table).column}" = %s WHERE id = %s', ["涂改", pk])
    with refused():
        _raw(f'UPDATE "{table}" SET "{_text_field(table).column}" = %s', ["forged"])
    assert _raw_row(table, pk) == before


@pytest.mark.parametrize("table", guarded_tables())
def test_raw_sql_delete_of_a_history_row_is_refused_by_the_database(history_rows, table):
    pk = history_rows[table]
    before = _raw_row(table, pk)
    count = _model_for(table).objects.count()
    with refused():
        _raw(f'DELETE FROM "{table}" WHERE id = %s', [pk])
    with refused():
        _raw(f'DELETE FROM "{table}"')
    assert _raw_row(table, pk) == before
    assert _model_for(table).objects.count() == count


@pytest.mark.parametrize("table", guarded_tables())
def test_queryset_update_and_delete_of_history_are_refused(history_rows, table):
    model = _model_for(table)
    pk = history_rows[table]
    before = _raw_row(table, pk)
    with refused():
        model.objects.filter(pk=pk).update(**{_text_field(table).name: "涂改"})
    with refused():
        model.objects.all().update(**{_text_field(table).name: "forged"})
    with refused():
        model.objects.filter(pk=pk).delete()
    with refused():
        model.objects.all().delete()
    assert _raw_row(table, pk) == before


@pytest.mark.parametrize("table", guarded_tables())
def test_saving_or_deleting_a_loaded_history_row_is_refused(history_rows, table):
    model = _model_for(table)
    pk = history_rows[table]
    before = _raw_row(table, pk)
    row = model.objects.get(pk=pk)
    setattr(row, _text_field(table).name, "涂改")
    with refused():
        row.save()
    with refused():
        row.delete()
    assert _raw_row(table, pk) == before


def test_a_correction_is_a_new_event_and_the_old_one_stays(customer, agent):
    created = CustomerEvent.objects.get(customer=customer)
    before = _raw_row(CustomerEvent._meta.db_table, created.pk)
    update_customer(customer, actor=agent, changes={"name": "张玮"})  # 更正: the name was misspelt
    events = list(CustomerEvent.objects.filter(customer=customer).order_by("id"))
    assert [e.event_type for e in events] == ["customer_created", "customer_changed"]
    assert events[0].new["name"] == "张伟"
    assert (events[1].old, events[1].new) == ({"name": "张伟"}, {"name": "张玮"})
    assert _raw_row(CustomerEvent._meta.db_table, created.pk) == before


def test_appending_history_is_still_allowed_after_a_refused_change(history_rows, customer, agent):
    table = CustomerEvent._meta.db_table
    with refused():
        _raw(f'UPDATE "{table}" SET note = %s', ["涂改"])
    update_customer(customer, actor=agent, changes={"notes": "VIP"})
    assert CustomerEvent.objects.filter(customer=customer, event_type="customer_changed").count() == 2
