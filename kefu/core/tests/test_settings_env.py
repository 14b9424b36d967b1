"""Settings read from the environment, each in a fresh interpreter (settings are read once, at import)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_BASE_URL = "import django; django.setup(); from django.conf import settings; print(settings.KEFU_BASE_URL)"


def base_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("KEFU_BASE_URL", "KEFU_HOST", "KEFU_PORT")}
    clean.update(env, DJANGO_SETTINGS_MODULE="kefu.settings")
    out = subprocess.run(
        [sys.executable, "-c", PRINT_BASE_URL],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        # The e-mailed links open the server bin/run started, wherever it listens.
        ({"KEFU_PORT": "8391"}, "http://127.0.0.1:8391"),
        ({"KEFU_HOST": "kefu.local", "KEFU_PORT": "8080"}, "http://kefu.local:8080"),
        # A wildcard listen address is no address to open: loopback on that port.
        ({"KEFU_HOST": "0.0.0.0", "KEFU_PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"KEFU_HOST": "::", "KEFU_PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"KEFU_HOST": "::1"}, "http://[::1]:8000"),
        # Set, the public URL wins over where the server listens (a deployment behind a proxy).
        ({"KEFU_BASE_URL": "https://kefu.example.cn", "KEFU_PORT": "8080"}, "https://kefu.example.cn"),
        ({"KEFU_BASE_URL": "  ", "KEFU_PORT": "8080"}, "http://127.0.0.1:8080"),
    ],
)
def test_mailed_links_follow_the_listen_address_unless_a_base_url_is_set(env, expected):
    assert base_url(**env) == expected
