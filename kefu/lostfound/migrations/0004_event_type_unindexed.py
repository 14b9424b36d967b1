from django.db import migrations

from kefu.core.schema import drop_event_type_indexes


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('lostfound', '0003_records_append_only'),
    ]

    operations = drop_event_type_indexes('lostfound', 'lostfoundevent')
