"""Give SQLite planner statistics after the queue indexes changed (PostgreSQL's autovacuum does this itself)."""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification"), ("tickets", "0004_queue_status_type_index")]
    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
