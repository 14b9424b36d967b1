"""How plan entries are stored: the visit's site is its customer's (one composite key), and a batch that meets an
entry planned meanwhile is redone skipping, never failed."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from .. import plan_services
from ..models import FollowUp, FollowUpEvent, Source

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _plan_row(customer, site, assignee, month=3) -> FollowUp:
    return FollowUp(
        site=site,
        customer=customer,
        source=Source.PLAN,
        role="account_manager",
        assignee=assignee,
        planned_on=date(2026, month, 1),
        due_on=date(2026, month, 15),
    )


def _write(row: FollowUp):
    """Save and check deferred constraints now (PostgreSQL checks foreign keys at commit)."""
    with transaction.atomic():
        row.save()
        connection.check_constraints(table_names=[FollowUp._meta.db_table])


def test_a_visit_belongs_to_its_customers_site(site, other_site, customer, agent):
    _write(_plan_row(customer, site, agent))
    with pytest.raises(IntegrityError):
        _write(_plan_row(customer, other_site, agent, month=4))  # another period: not the unique index
    assert FollowUp.objects.count() == 1


def test_a_visit_cannot_name_a_customer_that_does_not_exist(site, customer, agent):
    row = _plan_row(customer, site, agent)
    row.customer_id = customer.id + 10_000
    with pytest.raises(IntegrityError):
        _write(row)


def test_a_customer_with_visits_cannot_be_deleted_or_moved_under_them(site, other_site, customer, agent):
    _write(_plan_row(customer, site, agent))
    table = customer._meta.db_table
    for sql, params in (
        (f"DELETE FROM {table} WHERE id = %s", [customer.id]),
        (f"UPDATE {table} SET site_id = %s WHERE id = %s", [other_site.id, customer.id]),
    ):
        with pytest.raises(IntegrityError):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                connection.check_constraints(table_names=[FollowUp._meta.db_table, table])
    customer.refresh_from_db()
    assert customer.site_id == site.id


def test_a_batch_meeting_an_entry_planned_meanwhile_is_redone_skipping(
    site, manager, enterprises, roles, frozen, monkeypatch
):
    """The plain insert of an unplanned batch fails on the unique index if a concurrent writer planned one of its
    customers after the check; the batch is then written skipping that entry, and nothing is lost or doubled."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    a, c = enterprises("A", "C")
    planned = _plan_row(a, site, roles["account_manager"])
    planned.planned_on, planned.due_on = date(2026, 1, 1), date(2026, 1, 15)
    _write(planned)
    monkeypatch.setattr(plan_services, "_any_planned", lambda *args: False)  # the check ran before that write
    result = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert result["visits"] == 44 + 39 - 1
    assert FollowUp.objects.filter(customer=a).count() == 44
    assert FollowUp.objects.filter(customer=c).count() == 39


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_commit_on_their_own_connections(
    site, manager, enterprises, roles, frozen, monkeypatch, settings
):
    """PostgreSQL spreads the batches over KEFU_PLAN_WORKERS connections (SQLite writes them in one transaction);
    either way every customer gets exactly its tier's plan, and generating again adds nothing."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    a, b, c = enterprises("A", "B", "C")
    monkeypatch.setattr(plan_services, "CUSTOMER_BATCH", 1)
    settings.KEFU_PLAN_WORKERS = 2
    first = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    again = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert (first["visits"], again["visits"]) == (44 + 43 + 39, 0)
    assert [FollowUp.objects.filter(customer=x).count() for x in (a, b, c)] == [44, 43, 39]
    assert FollowUpEvent.objects.filter(event_type="plans_generated").count() == 2
