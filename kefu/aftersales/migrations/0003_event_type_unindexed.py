from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('aftersales', '0002_append_only'),
    ]

    operations = [
        drop_column_index(
            'aftersales',
            'aftersalesevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'aftersales',
            'warrantyruleevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
