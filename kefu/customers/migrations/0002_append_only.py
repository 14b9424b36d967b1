from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [AppendOnly("CustomerEvent"), AppendOnly("CustomerDataAccess")]
