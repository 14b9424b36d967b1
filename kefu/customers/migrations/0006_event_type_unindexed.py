from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('customers', '0005_customer_customer_id_site'),
    ]

    operations = [
        drop_column_index(
            'customers',
            'customerdataaccess',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'customers',
            'customerevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'customers',
            'customerexport',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
