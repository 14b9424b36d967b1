from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0001_initial")]
    operations = [AppendOnly("WarrantyRuleEvent"), AppendOnly("AfterSalesEvent")]
