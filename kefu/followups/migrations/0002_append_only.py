from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [AppendOnly("FollowUpAttempt"), AppendOnly("FollowUpEvent")]
