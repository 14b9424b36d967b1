"""Web plumbing shared by every app's views: ServiceError → 404 or form errors, never a 500."""

from __future__ import annotations

import functools

from django.http import Http404
from django.shortcuts import render

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


class ServiceErrorMiddleware:
    """The last line for web pages: a ServiceError that escapes a view is the user's problem (no permission, a
    stale link, a refused step), so it gets its status and its Chinese message, never a 500. The API answers
    through its own exception handler before this is reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceError):
            return None
        if exception.error is CoreError.NOT_FOUND:
            template, status = "404.html", 404
        elif exception.status == 403:
            template, status = "403.html", 403
        else:
            template, status = "400.html", exception.status if 400 <= exception.status < 500 else 400
        return render(request, template, {"message": exception.message}, status=status)
