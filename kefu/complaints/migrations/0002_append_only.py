from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [AppendOnly("ComplaintEvent"), AppendOnly("LedgerExport")]
