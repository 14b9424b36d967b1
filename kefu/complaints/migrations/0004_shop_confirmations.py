import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_confirmations(apps, schema_editor):
    """The single-shop confirmation on a proposal becomes its work order's shop's row."""
    Proposal = apps.get_model("complaints", "Proposal")
    ShopConfirmation = apps.get_model("complaints", "ShopConfirmation")
    rows = Proposal.objects.filter(shop_confirmed_at__isnull=False, complaint__work_order__shop__isnull=False)
    ShopConfirmation.objects.bulk_create(
        ShopConfirmation(
            proposal_id=p.pk, shop_id=p.complaint.work_order.shop_id, confirmed_by_id=p.shop_confirmed_by_id,
            confirmer_name=p.shop_confirmer_name or "-", confirmed_at=p.shop_confirmed_at,
        )
        for p in rows.select_related("complaint__work_order").iterator()
    )  # fmt: skip


def copy_back(apps, schema_editor):
    """Backwards: the work order's shop's row goes back onto the proposal (other shops' rows are lost)."""
    Proposal = apps.get_model("complaints", "Proposal")
    ShopConfirmation = apps.get_model("complaints", "ShopConfirmation")
    for row in ShopConfirmation.objects.select_related("proposal__complaint__work_order").iterator():
        if row.shop_id == row.proposal.complaint.work_order.shop_id:
            Proposal.objects.filter(pk=row.proposal_id).update(
                shop_confirmed_by_id=row.confirmed_by_id, shop_confirmer_name=row.confirmer_name,
                shop_confirmed_at=row.confirmed_at,
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_shop_staff"),
        ("complaints", "0003_ledger_time_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ShopConfirmation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("confirmer_name", models.CharField(max_length=60, verbose_name="shop person who confirmed")),
                ("confirmed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shop_confirmations",
                        to="complaints.proposal",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.shop",
                        verbose_name="shop",
                    ),
                ),
            ],
            options={
                "verbose_name": "shop confirmation",
                "verbose_name_plural": "shop confirmations",
                "ordering": ["confirmed_at", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("proposal", "shop"), name="cmp_one_confirmation_per_shop"),
                    models.CheckConstraint(
                        condition=models.Q(("confirmer_name", ""), _negated=True), name="cmp_confirmer_not_empty"
                    ),
                ],
            },
        ),
        migrations.RunPython(copy_confirmations, copy_back),
        migrations.RemoveField(
            model_name="proposal",
            name="shop_confirmed_at",
        ),
        migrations.RemoveField(
            model_name="proposal",
            name="shop_confirmed_by",
        ),
        migrations.RemoveField(
            model_name="proposal",
            name="shop_confirmer_name",
        ),
    ]
