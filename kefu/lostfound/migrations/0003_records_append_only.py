from django.db import migrations

from kefu.core.history import AppendOnly


class Migration(migrations.Migration):
    """Custody handovers, claims, disposal decisions and broadcasts are written once (无涂改), like the events."""

    dependencies = [("lostfound", "0002_append_only")]
    operations = [
        AppendOnly("CustodyHandover"),
        AppendOnly("Claim"),
        AppendOnly("DisposalRecord"),
        AppendOnly("Broadcast"),
    ]
