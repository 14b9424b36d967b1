"""Fixed SELECTs (kefu.core.rows) build the same instances an ORM read would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from kefu.accounts.models import Site, User
from kefu.core.authentication import KefuTokenAuthentication
from kefu.core.rows import Columns, fetch_one
from kefu.customers.models import Customer
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_an_instance_from_a_fixed_select_equals_the_orm_one_field_by_field(agent, site):
    rated = timezone.now() - timedelta(days=3)
    customer = create_customer(actor=agent, site_id=site.id, name="王芳", phones=["13800138000"], notes="多行\n备注")
    Customer.objects.filter(pk=customer.pk).update(credit_rated_at=rated, is_key_customer=True)
    cols, site_cols = Columns(Customer, "c"), Columns(Site, "s")
    q = connection.ops.quote_name
    sql = (
        f"SELECT {cols.sql()}, {site_cols.sql()} FROM {q(Customer._meta.db_table)} c"
        f" JOIN {q(Site._meta.db_table)} s ON s.id = c.site_id WHERE c.id = %s"
    )
    built, built_site = fetch_one(sql, [customer.pk], cols, site_cols)
    orm = Customer.objects.get(pk=customer.pk)
    assert _values(built) == _values(orm)
    assert built.credit_rated_at == rated and built.is_key_customer is True  # converters ran (SQLite: text, 0/1)
    assert _values(built_site) == _values(Site.objects.get(pk=site.pk))
    assert not built._state.adding and built._state.db == "default"
    assert fetch_one(sql, [customer.pk + 1000], cols, site_cols) is None


def test_token_authentication_answers_as_drf_does(agent):
    token = Token.objects.create(user=agent)
    user, auth = KefuTokenAuthentication().authenticate_credentials(token.key)
    assert _values(user) == _values(User.objects.get(pk=agent.pk))
    assert (auth.key, auth.user_id, auth.created) == (token.key, agent.pk, Token.objects.get(pk=token.pk).created)
    assert auth.user is user


def test_a_deleted_token_is_refused_at_once_and_an_inactive_user_too(agent):
    token = Token.objects.create(user=agent)
    KefuTokenAuthentication().authenticate_credentials(token.key)
    token.delete()
    with pytest.raises(AuthenticationFailed) as exc:
        KefuTokenAuthentication().authenticate_credentials(token.key)
    assert exc.value.detail.code == "authentication_failed"
    fresh = Token.objects.create(user=agent)
    User.objects.filter(pk=agent.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        KefuTokenAuthentication().authenticate_credentials(fresh.key)


def test_a_fixed_select_skips_model_init_unless_an_init_signal_listens(agent):
    from django.db.models.signals import post_init

    cols = Columns(User, "u")
    sql = f"SELECT {cols.sql()} FROM {connection.ops.quote_name(User._meta.db_table)} u WHERE u.id = %s"
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    (quiet,) = fetch_one(sql, [agent.pk], cols)
    post_init.connect(receiver, sender=User)
    try:
        (heard,) = fetch_one(sql, [agent.pk], cols)
    finally:
        post_init.disconnect(receiver, sender=User)
    assert seen == [agent.pk]  # built through from_db while someone listens
    assert _values(quiet) == _values(heard) == _values(User.objects.get(pk=agent.pk))
    assert not quiet._state.adding and quiet._state.db == "default"
    quiet.display_name = "改名"
    quiet.save(update_fields=["display_name"])  # a saved-state instance: an UPDATE, not an INSERT
    assert User.objects.get(pk=agent.pk).display_name == "改名"


def test_a_part_an_outer_join_found_nothing_for_is_none(agent):
    from kefu.core.models import StaffSession
    from kefu.core.rows import joined_select

    expires = timezone.now() + timedelta(hours=1)
    StaffSession.objects.create(session_key="k" * 32, session_data="", expire_date=expires, user_id=agent.pk)
    StaffSession.objects.create(session_key="g" * 32, session_data="", expire_date=expires, user_id=agent.pk + 10_000)
    cols, user_cols = Columns(StaffSession, "s"), Columns(User, "u")
    sql = joined_select(cols, user_cols, "user_id", [("session_key", "=")], outer=True)
    session, user = fetch_one(sql, ["k" * 32], cols, user_cols)
    assert session.session_key == "k" * 32 and user.pk == agent.pk
    session, user = fetch_one(sql, ["g" * 32], cols, user_cols)  # a user id naming nobody
    assert session.user_id == agent.pk + 10_000 and user is None
