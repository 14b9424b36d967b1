from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.lostfound import services


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG (what a signature canvas or a phone camera would send, only smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def photo_upload(name="wallet.png", data=None):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type="image/png")


# A valid resident identity number (GB 11643 check digit) used only in tests.
RESIDENT_ID = "11010519491231002X"


@pytest.fixture
def register(site, agent):
    def _register(**kw):
        params = dict(
            actor=agent,
            site_id=site.id,
            what="黑色钱包",
            category="wallet",
            description="黑色皮质钱包，内有银行卡两张、现金若干",
            found_place="三楼女洗手间洗手台",
            found_at=timezone.now() - timedelta(hours=1),
            finder_name="保洁员王阿姨",
            finder_contact="13912345678",
        )
        params.update(kw)
        return services.register_found_item(**params)

    return _register


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


__all__ = ["io", "png_bytes", "photo_upload", "RESIDENT_ID"]
