"""Every model change has its migration: a field edited without one would differ between databases."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
