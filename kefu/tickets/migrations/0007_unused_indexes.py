from django.db import migrations

from kefu.core.schema import drop_event_type_indexes, drop_pattern_index


class Migration(migrations.Migration):
    """Indexes no read needs: events are read through their order (wo_event_timeline), and a number is looked
    up whole (its unique index), never by prefix."""

    dependencies = [
        ('tickets', '0006_drop_covered_indexes'),
    ]

    operations = [
        *drop_event_type_indexes('tickets', 'workorderevent'),
        drop_pattern_index('tickets', 'workorder', 'number'),
    ]
