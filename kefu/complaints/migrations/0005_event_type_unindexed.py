from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('complaints', '0004_shop_confirmations'),
    ]

    operations = [
        drop_column_index(
            'complaints',
            'complaintevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'complaints',
            'ledgerexport',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
