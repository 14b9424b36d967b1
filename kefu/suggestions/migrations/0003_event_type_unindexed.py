from django.db import migrations

from kefu.core.schema import drop_event_type_indexes


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('suggestions', '0002_append_only_and_default_categories'),
    ]

    operations = drop_event_type_indexes('suggestions', 'inquiryevent', 'suggestionevent')
