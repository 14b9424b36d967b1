"""Who may work the lost & found desk. The capability table has no lost & found entry of its own except
disposal; registering, handing over and returning items is desk work, so it follows CREATE_WORK_ORDER."""

from __future__ import annotations

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError


def can_handle_items(user) -> bool:
    return has_capability(user, Capability.CREATE_WORK_ORDER)


def can_dispose(user) -> bool:
    return has_capability(user, Capability.DISPOSE_LOST_ITEM)


def can_reveal(user) -> bool:
    return has_capability(user, Capability.REVEAL_CUSTOMER_PHONE)


def require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(CoreError.PERMISSION_DENIED)
