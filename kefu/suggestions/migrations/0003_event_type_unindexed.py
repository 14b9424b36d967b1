from django.db import migrations, models

from kefu.core.schema import drop_column_index


class Migration(migrations.Migration):
    """Event types unindexed (kefu.core.history.Event): events are read through their parent."""

    dependencies = [
        ('suggestions', '0002_append_only_and_default_categories'),
    ]

    operations = [
        drop_column_index(
            'suggestions',
            'inquiryevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
        drop_column_index(
            'suggestions',
            'suggestionevent',
            'event_type',
            models.CharField(max_length=48, verbose_name='event type'),
        ),
    ]
