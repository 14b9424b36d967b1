import django.db.models.deletion
from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """The work_order index of clocks and their events: (work_order, metric) indexes already start with it."""

    dependencies = [
        ("sla", "0003_policy_at_risk_label"),
        ("tickets", "0006_drop_covered_indexes"),
    ]

    operations = [
        drop_column_index(
            "sla",
            "slaevent",
            "work_order",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sla_events",
                to="tickets.workorder",
            ),
        ),
        drop_column_index(
            "sla",
            "workorderclock",
            "work_order",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="clocks",
                to="tickets.workorder",
            ),
        ),
    ]
