import django.db.models.deletion
from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Single-column foreign-key indexes that a composite index starting with the same column already serves."""

    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0001_initial"),
        ("tickets", "0005_queue_due_index"),
    ]

    operations = [
        drop_column_index(
            "tickets",
            "workorder",
            "site",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="accounts.site",
                verbose_name="site",
            ),
        ),
        drop_column_index(
            "tickets",
            "workorder",
            "customer",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        drop_column_index(
            "tickets",
            "workorderevent",
            "work_order",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="tickets.workorder",
                verbose_name="work order",
            ),
        ),
    ]
