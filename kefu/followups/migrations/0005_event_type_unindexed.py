from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('followups', '0004_customer_site_key'),
    ]

    operations = [
        drop_column_index(
            'followups',
            'followupattempt',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'followups',
            'followupevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
