"""Demo suggestions and inquiries, added to `load_demo` in its transaction (filled in below)."""

from __future__ import annotations


def load_demo_suggestions(*, sites, users, rng, now, **_payload) -> None:
    return None
