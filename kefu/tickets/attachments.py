"""What an attachment may be: checked by extension and by the file's first bytes, not by what the browser claims."""

from __future__ import annotations

import os
import zipfile

ALLOWED = {
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".gif": ("image/gif", [b"GIF87a", b"GIF89a"]),
    ".webp": ("image/webp", [b"RIFF"]),
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    ".txt": ("text/plain", []),
    ".mp3": ("audio/mpeg", [b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"]),
    ".m4a": ("audio/mp4", []),
}


# An Office file is a zip with a fixed part inside; any other zip renamed to .docx/.xlsx is refused.
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _is_office_package(fileobj, part: str) -> bool:
    try:
        with zipfile.ZipFile(fileobj) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        fileobj.seek(0)
    return "[Content_Types].xml" in names and part in names


def classify(filename: str, head: bytes, fileobj=None) -> tuple[str, str] | None:
    """(extension, content type) if the file is of an allowed type, else None.

    Pass the (seekable) file to check Office packages beyond their zip signature.
    """
    ext = os.path.splitext(filename or "")[1].lower()
    if ext not in ALLOWED:
        return None
    content_type, magics = ALLOWED[ext]
    if ext == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut multi-byte character at the end of the sample is fine; anything else is binary.
            try:
                head[:-4].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return ext, content_type
    if ext == ".m4a":
        return (ext, content_type) if head[4:8] == b"ftyp" else None
    if ext == ".webp" and head[8:12] != b"WEBP":
        return None
    if not any(head.startswith(m) for m in magics):
        return None
    if ext in OFFICE_PARTS and fileobj is not None and not _is_office_package(fileobj, OFFICE_PARTS[ext]):
        return None
    return ext, content_type
