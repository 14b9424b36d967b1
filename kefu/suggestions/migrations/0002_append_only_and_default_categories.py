from django.db import migrations

from kefu.core.history import AppendOnly

# The categories every site offers until it adds its own (SUG-02: at least goods, service, environment).
DEFAULTS = [("商品", 10), ("服务", 20), ("环境", 30), ("设施", 40), ("其他", 90)]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("suggestions", "SuggestionCategory")
    for name, order in DEFAULTS:
        Category.objects.get_or_create(site=None, name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]
    operations = [
        AppendOnly("SuggestionEvent"),
        AppendOnly("InquiryEvent"),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
