"""Shape checks shared by forms and serializers (business rules stay in services)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# NUL and other C0 controls (except tab/newline/CR) cannot be stored by PostgreSQL or are never typed by people.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def reject_control_characters(value: str) -> None:
    if value and (_CONTROL.search(value) or _SURROGATE.search(value)):
        raise ValidationError(_("The text contains invalid control characters."), code="control_characters")


def reject_markup(value: str) -> None:
    """Single-line fields (names, subjects) are plain text; markup there is a paste error or an attack."""
    if value and _TAG.search(value):
        raise ValidationError(_("HTML tags are not allowed here."), code="markup")


def plain_text(value: str) -> None:
    reject_control_characters(value)


def single_line(value: str) -> None:
    reject_control_characters(value)
    reject_markup(value)
