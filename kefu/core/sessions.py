"""Database sessions whose read brings the logged-in user along (SESSION_ENGINE = "kefu.core.sessions").

Django reads a page's session, then its user by the id inside the session data: two queries before the view, and
on PostgreSQL each one after a pause costs a wake-up of the database's CPU (0.6–0.8 ms each inside a page,
bench/README.md). Here the session row keeps its user's id as a column (`StaffSession.user`) and the session read
joins the user; the authentication middleware hands that user to the backend, which then makes no query of its own.
Every check of Django's `get_user` still runs on it (the backend named in the session, `is_active`, the session's
password hash), only the read is shared.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .rows import Columns, fetch_one, joined_select

# The user the session's read brought, set only while `auth.get_user` runs for that request.
_session_user: ContextVar = ContextVar("kefu_session_user", default=None)


class SessionStore(DbSessionStore):
    user_hint = None  # the user of the loaded session row (None: no row, no user id, or a deleted user)

    @classmethod
    def get_model_class(cls):
        from .models import StaffSession

        return StaffSession

    _query: tuple[str, Columns, Columns] | None = None

    @classmethod
    def _lookup(cls):
        # Written once from the models' columns (as the token read, kefu.core.authentication): compiling the ORM's
        # select_related query cost more CPU than the read it saves.
        if cls._query is None:
            session, user = Columns(cls.get_model_class(), "s"), Columns(get_user_model(), "u")
            sql = joined_select(session, user, "user_id", [("session_key", "="), ("expire_date", ">")], outer=True)
            cls._query = (sql, session, user)
        return cls._query

    def _get_session_from_db(self):
        sql, session_cols, user_cols = self._lookup()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        found = fetch_one(sql, [self.session_key, now], session_cols, user_cols, reuse_plan=True)
        if found is None:
            self._session_key = None  # as Django's store: a missing or expired session is a new, empty one
            return None
        s, self.user_hint = found  # no user: no user id, or a deleted user
        return s

    def load(self):
        self.user_hint = None
        return super().load()

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.user_id = _user_id(data.get(SESSION_KEY))
        return obj


def _user_id(value) -> int | None:
    try:
        user_id = int(value)
    except (TypeError, ValueError):
        return None
    return user_id if 0 < user_id < 2**63 else None


def session_user(user_id):
    """The user the session's own read brought, if it is the one asked for (else None: read it)."""
    user = _session_user.get()
    return user if user is not None and _user_id(user_id) == user.pk else None


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # loads the session row, and with it the user
        token = _session_user.set(getattr(session, "user_hint", None))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session_user.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with request.user taken through the session's joined read (above)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
