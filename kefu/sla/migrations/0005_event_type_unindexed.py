from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('sla', '0004_drop_covered_indexes'),
    ]

    operations = [
        drop_column_index(
            'sla',
            'slaconfigevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'sla',
            'slaevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
