from django.db import migrations

from kefu.core.schema import drop_event_type_indexes


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('followups', '0004_customer_site_key'),
    ]

    operations = drop_event_type_indexes('followups', 'followupattempt', 'followupevent')
