"""Named writes about staff. Reference data is edited in the Django admin."""

from __future__ import annotations

from .models import Role, User

SYSTEM_USERNAME = "system"


def get_system_actor() -> User:
    """The explicit actor for scheduled and automatic work; it cannot log in."""
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"display_name": "系统", "role": Role.ADMIN, "is_active": False, "is_system": True, "password": "!"},
    )
    if not user.is_system:
        User.objects.filter(pk=user.pk).update(is_system=True)
        user.is_system = True
    return user
