"""The public survey link: a random key signed with the server's secret.

The key alone (as stored) opens nothing, a changed character breaks the signature, and the link can be shown
again to the agent who sends it by SMS or WeChat. One-time use and expiry are checked against the database.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "kefu.surveys.public-link"
_signer = signing.Signer(salt=SALT)


def new_key() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 random bits


def token_for(key: str) -> str:
    return _signer.sign(key)


def key_from(token: str) -> str | None:
    """The key inside a genuine token, or None for anything tampered or malformed."""
    if not token or len(token) > 200:
        return None
    try:
        return _signer.unsign(token)
    except signing.BadSignature:
        return None


def path_for(survey) -> str:
    return reverse("surveys:public", args=[token_for(survey.key)])


def link_for(survey) -> str:
    return settings.KEFU_BASE_URL.rstrip("/") + path_for(survey)
