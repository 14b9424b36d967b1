from django.db import migrations

from kefu.core.schema import drop_event_type_indexes


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('sla', '0004_drop_covered_indexes'),
    ]

    operations = drop_event_type_indexes('sla', 'slaconfigevent', 'slaevent')
