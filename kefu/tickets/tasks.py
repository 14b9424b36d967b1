"""Scheduled upkeep of work-order data."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

from .models import Attachment

# Younger files may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE_SECONDS = 6 * 3600


def sweep_orphan_attachments(*, now: float | None = None) -> int:
    """Delete stored files that no attachment row points to.

    A file is written before its row commits; when an enclosing transaction rolls back later (or the process
    dies), the row is gone and the file would stay on disk for ever. Returns the number of files removed.
    """
    root = Path(settings.MEDIA_ROOT) / "attachments"
    if not root.is_dir():
        return 0
    now = now or time.time()
    known = set(Attachment.objects.values_list("file", flat=True))
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file() or now - path.stat().st_mtime < ORPHAN_GRACE_SECONDS:
            continue
        if os.path.relpath(path, settings.MEDIA_ROOT).replace(os.sep, "/") not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
