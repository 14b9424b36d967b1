"""Schema changes written for the databases Kefu runs on, where Django's own operation would cost too much."""

from __future__ import annotations

from django.db import migrations, models


def _column_indexes(schema_editor, table: str, column: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]
    )


def drop_column_index(app_label: str, model_name: str, field_name: str, field) -> migrations.SeparateDatabaseAndState:
    """AlterField to `field` (the same column with db_index=False), done as DROP INDEX.

    Django's SQLite backend alters a field by copying the table into a new one, every row of it, and the copy
    loses the triggers that keep an event table append-only. Dropping the index changes nothing else.
    """

    def column(apps):
        model = apps.get_model(app_label, model_name)
        return model, model._meta.get_field(field_name)

    def forward(apps, schema_editor):
        model, old = column(apps)
        for name in _column_indexes(schema_editor, model._meta.db_table, old.column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def backward(apps, schema_editor):
        model, old = column(apps)
        if not _column_indexes(schema_editor, model._meta.db_table, old.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[old]))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name, field_name, field)],
        database_operations=[migrations.RunPython(forward, backward)],
    )


def drop_pattern_index(app_label: str, model_name: str, field_name: str) -> migrations.RunPython:
    """Drop the LIKE-prefix index PostgreSQL gets beside a unique or indexed text column (`…_like`).

    Only for a column looked up by whole value: the unique index answers those, and the second index would cost
    every INSERT an insertion. Django does not track it in the state, so this is a database operation only.
    """

    def indexes(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        return model, [n for n in _column_indexes(schema_editor, model._meta.db_table, column) if n.endswith("_like")]

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes(apps, schema_editor)[1]:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model, existing = indexes(apps, schema_editor)
        if not existing:
            schema_editor.execute(schema_editor._create_like_index_sql(model, model._meta.get_field(field_name)))

    return migrations.RunPython(forward, backward)


def drop_event_type_indexes(app_label: str, *model_names: str) -> list[migrations.SeparateDatabaseAndState]:
    """drop_column_index of kefu.core.history.Event's event_type, for each of an app's event tables."""
    # The field as these migrations leave it; frozen here, as a migration's fields are, whatever Event becomes.
    field = models.CharField(max_length=48, verbose_name="event type")
    return [drop_column_index(app_label, name, "event_type", field) for name in model_names]
