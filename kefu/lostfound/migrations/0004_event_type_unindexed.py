from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('lostfound', '0003_records_append_only'),
    ]

    operations = [
        drop_column_index(
            'lostfound',
            'lostfoundevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
