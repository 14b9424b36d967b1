from django.db import migrations

from kefu.core.schema import drop_event_type_indexes


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('customers', '0005_customer_customer_id_site'),
    ]

    operations = drop_event_type_indexes('customers', 'customerdataaccess', 'customerevent', 'customerexport')
