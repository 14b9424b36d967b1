from django.db import migrations, models

from kefu.core.schema import drop_column_index, drop_pattern_index


class Migration(migrations.Migration):
    """Indexes no read needs: events are read through their order (wo_event_timeline), and a number is looked
    up whole (its unique index), never by prefix."""

    dependencies = [
        ('tickets', '0006_drop_covered_indexes'),
    ]

    operations = [
        drop_column_index(
            'tickets',
            'workorderevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_pattern_index('tickets', 'workorder', 'number'),
    ]
