"""Fixtures shared by the domain tests; import them into a test module to use them."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The root fixtures create several staff per test; PBKDF2 at full strength costs ~0.5 s per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_staff(username: str, role: str = "agent", *, sites=(), departments=(), **extra):
    """A staff member beside the root fixtures (a second site's manager, a user of two sites …)."""
    from kefu.accounts.models import User

    user = User.objects.create_user(username=username, password="pass-1234", role=role, **extra)
    user.sites.set(sites)
    user.departments.set(departments)
    return user
