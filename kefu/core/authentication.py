"""API token authentication (module of its own: DRF's settings import it while kefu.core.api is loading)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .rows import Columns, fetch_one


class KefuTokenAuthentication(TokenAuthentication):
    """DRF's token check (same answers, same failures) with the token and its user read by one fixed SELECT:
    every API request makes it, and building the ORM query cost five times running it."""

    _query: tuple[str, Columns, Columns] | None = None

    @classmethod
    def _lookup(cls):
        if cls._query is None:
            token, user = Columns(Token, "t"), Columns(get_user_model(), "u")
            q = connection.ops.quote_name
            sql = (
                f"SELECT {token.sql()}, {user.sql()} FROM {q(Token._meta.db_table)} t"
                f" JOIN {q(user.model._meta.db_table)} u ON u.{q(user.model._meta.pk.column)} = t.{q('user_id')}"
                f" WHERE t.{q('key')} = %s"
            )
            cls._query = (sql, token, user)
        return cls._query

    def authenticate_credentials(self, key):
        sql, token_cols, user_cols = self._lookup()
        found = fetch_one(sql, [key], token_cols, user_cols)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token, user = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token
