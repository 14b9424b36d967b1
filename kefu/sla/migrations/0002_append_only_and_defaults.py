"""Append-only guards, and the shipped response standards (kefu/sla/defaults.py)."""

from django.db import migrations

from kefu.core.history import AppendOnly
from kefu.sla.defaults import install_default_policies


def create_defaults(apps, schema_editor):
    install_default_policies(
        apps.get_model("sla", "SlaPolicy"), apps.get_model("sla", "SlaTarget"),
        apps.get_model("sla", "SlaConfigEvent"), apps.get_model("accounts", "User"),
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial"), ("accounts", "0001_initial")]
    operations = [
        AppendOnly("SlaEvent"),
        AppendOnly("SlaConfigEvent"),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
