"""API token and session authentication (module of its own: DRF's settings import it while kefu.core.api is
loading)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .prepared import PreparedRead
from .rows import Columns, fetch_one, joined_select
from .sessions import session_user


class KefuTokenAuthentication(TokenAuthentication):
    """DRF's token check (same answers, same failures) with the token and its user read by one fixed SELECT:
    every API request makes it, and building the ORM query cost five times running it."""

    _query: tuple[str, Columns, Columns] | None = None

    @classmethod
    def _lookup(cls):
        if cls._query is None:
            token, user = Columns(Token, "t"), Columns(get_user_model(), "u")
            sql = joined_select(token, user, "user_id", [("key", "=")])
            cls._query = (sql, token, user)
        return cls._query

    def authenticate_credentials(self, key):
        sql, token_cols, user_cols = self._lookup()
        found = fetch_one(sql, [key], token_cols, user_cols, reuse_plan=True)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token, user = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token


_USER_BY_ID = PreparedRead(lambda user_id: get_user_model().objects.filter(pk=user_id)[:1])


class KefuModelBackend(ModelBackend):
    """Django's ModelBackend, with the user of a session read by a prepared read: every page asks for it, and
    compiling that query cost more than running it."""

    def get_user(self, user_id):
        user = session_user(user_id)  # read with the session row (kefu.core.sessions)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        try:
            rows = _USER_BY_ID(int(user_id))
        except (TypeError, ValueError, OverflowError):
            return None
        user = rows[0] if rows else None
        return user if user is not None and self.user_can_authenticate(user) else None
