"""Web plumbing shared by every app's views: ServiceError → 404 or form errors, never a 500."""

from __future__ import annotations

import functools

from django.http import Http404

from .errors import CoreError, ServiceError


def not_found_as_404(view):
    """Selectors raise ServiceError(not_found) for rows outside the actor's sites; the web answers a plain 404."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ServiceError as exc:
            if exc.error is CoreError.NOT_FOUND:
                raise Http404(exc.message) from None
            raise

    return wrapper


def add_service_error(form, exc: ServiceError, *, rename: dict[str, str] | None = None) -> None:
    """Show a service's field errors on the matching form fields; the rest (and the message) as form errors."""
    rename = rename or {}
    placed = False
    for field, messages in exc.fields.items():
        name = rename.get(field, field)
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
