from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("lostfound", "0001_initial")]
    operations = [AppendOnly("LostFoundEvent")]
