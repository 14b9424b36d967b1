"""One error type for every service; each app lists its stable codes in its own errors.py."""

from __future__ import annotations

import enum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(enum.Enum):
    """Base for per-app error enums: value is (message, http_status); the name is the stable code."""

    def __init__(self, message, status: int = 400):
        self.message = message
        self.status = status

    @property
    def code(self) -> str:
        return self.name.lower()


class CoreError(ErrorCode):
    NOT_FOUND = (_("The record does not exist or you may not see it."), 404)
    PERMISSION_DENIED = (_("You do not have permission to do this."), 403)
    INVALID_INPUT = (_("Some fields are invalid. Please correct them and try again."), 400)
    VERSION_CONFLICT = (_("Someone else changed this record meanwhile. Reload it and try again."), 409)
    IDEMPOTENCY_KEY_REUSED = (_("This Idempotency-Key was already used for a different request."), 422)
    IDEMPOTENCY_IN_PROGRESS = (_("A request with this Idempotency-Key is still being processed."), 409)


class ServiceError(Exception):
    """Raised by services and selectors; views show `message`, the API answers {code, message, fields}."""

    def __init__(self, error: ErrorCode, *, fields: dict[str, list[str]] | None = None, message: Any = None):
        self.error = error
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.message = str(message if message is not None else error.message)
        super().__init__(f"{error.code}: {self.message}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


def not_found() -> ServiceError:
    return ServiceError(CoreError.NOT_FOUND)


def invalid(fields: dict[str, list[str] | str], error: ErrorCode = CoreError.INVALID_INPUT) -> ServiceError:
    return ServiceError(error, fields={k: v if isinstance(v, list) else [v] for k, v in fields.items()})


class FieldChecks:
    """Runs a form's independent field checks and reports every refused field at once, not the first only.

        checks = FieldChecks()
        fault = checks.run(lambda: text(fault, "fault", required=...))
        ...
        checks.raise_if_any()

    A check refusing with field messages gives None and is kept; any other ServiceError (a permission, a missing
    record) propagates at once. One refusal is raised as it was (its own code); several as INVALID_INPUT with
    all their fields."""

    def __init__(self):
        self.refused: list[ServiceError] = []

    def run(self, check):
        try:
            return check()
        except ServiceError as exc:
            if not exc.fields or exc.status != 400:
                raise
            self.refused.append(exc)
            return None

    def raise_if_any(self) -> None:
        if len(self.refused) == 1:
            raise self.refused[0]
        if self.refused:
            fields: dict[str, list[str]] = {}
            for exc in self.refused:
                for name, messages in exc.fields.items():
                    fields.setdefault(name, []).extend(messages)
            raise ServiceError(CoreError.INVALID_INPUT, fields=fields)
