"""Attachments: the type is judged by the file's bytes, the size is capped, the file lives on disk, not in the DB."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.tickets import services
from kefu.tickets.attachments import classify
from kefu.tickets.models import Attachment, WorkOrderEvent
from kefu.tickets.tasks import ORPHAN_GRACE_SECONDS, sweep_orphan_attachments

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64
ZIP = b"PK\x03\x04" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 64
TEXT = "客户反映:卫生间漏水,已拍照。\n".encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def order(make_order):
    return make_order(accept_now=True)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("现场照片.png", PNG, "image/png"),
        ("a.PNG", PNG, "image/png"),
        ("a.jpg", JPEG, "image/jpeg"),
        ("a.jpeg", JPEG, "image/jpeg"),
        ("a.gif", b"GIF89a" + b"\x00" * 16, "image/gif"),
        ("a.webp", WEBP, "image/webp"),
        ("报告.pdf", PDF, "application/pdf"),
        ("a.docx", ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.xlsx", ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("说明.txt", TEXT, "text/plain"),
        ("录音.mp3", b"ID3\x04" + b"\x00" * 16, "audio/mpeg"),
        ("录音.m4a", M4A, "audio/mp4"),
    ],
)
def test_allowed_types_are_recognised_by_their_bytes(name, content, expected):
    assert classify(name, content[:64])[1] == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.png", b"this is plain text, not an image"),
        ("fake.jpg", PNG),
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.webp", b"RIFF\x24\x00\x00\x00AVI LIST"),
        ("fake.m4a", b"\x00" * 32),
        ("binary.txt", PNG),
        ("virus.exe", b"MZ\x90\x00"),
        ("page.html", b"<html></html>"),
        ("page.svg", b"<svg onload=alert(1)>"),
        ("noext", PNG),
        ("", PNG),
        ("a.png.exe", PNG),
    ],
)
def test_a_file_whose_bytes_do_not_match_its_type_is_refused(name, content):
    assert classify(name, content) is None


def _zip(*parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in parts:
            package.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "parts", "accepted"),
    [
        ("合同.docx", ("[Content_Types].xml", "word/document.xml"), True),
        ("台帐.xlsx", ("[Content_Types].xml", "xl/workbook.xml"), True),
        ("renamed.docx", ("readme.txt", "payload.exe"), False),
        ("renamed.xlsx", ("[Content_Types].xml", "word/document.xml"), False),
    ],
)
def test_only_real_office_packages_pass_as_docx_or_xlsx(media, order, agent, name, parts, accepted):
    content = _zip(*parts)
    if accepted:
        assert services.add_attachment(order, actor=agent, uploaded=upload(name, content)).size == len(content)
    else:
        with pytest.raises(ServiceError) as exc:
            services.add_attachment(order, actor=agent, uploaded=upload(name, content))
        assert exc.value.code == "attachment_type" and not Attachment.objects.exists()


def test_a_broken_zip_is_not_an_office_file(media, order, agent):
    with pytest.raises(ServiceError):
        services.add_attachment(order, actor=agent, uploaded=upload("a.docx", ZIP))


def test_a_text_file_cut_in_the_middle_of_a_character_is_still_text():
    assert classify("a.txt", ("漏" * 30).encode()[:64]) == (".txt", "text/plain")


def test_an_attachment_is_stored_under_media_root_not_in_the_database(media, order, agent):
    attachment = services.add_attachment(order, actor=agent, uploaded=upload("现场照片.png", PNG, "image/png"))
    row = Attachment.objects.get(pk=attachment.pk)
    path = Path(row.file.path)
    assert path.is_file() and path.read_bytes() == PNG
    assert path.resolve().is_relative_to(Path(media).resolve())
    # Stored under an opaque name; the original name only in the row.
    assert "现场照片" not in str(path) and path.name == f"{row.token}.png"
    assert (row.original_name, row.content_type, row.size, row.uploaded_by) == (
        "现场照片.png",
        "image/png",
        len(PNG),
        agent,
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT file FROM "{Attachment._meta.db_table}" WHERE id = %s', [row.pk])
        (stored,) = cursor.fetchone()
    assert stored == row.file.name and stored.startswith("attachments/") and len(stored) < 100


def test_adding_an_attachment_writes_an_event(media, order, agent):
    attachment = services.add_attachment(order, actor=agent, uploaded=upload("报告.pdf", PDF))
    event = WorkOrderEvent.objects.filter(work_order=order).order_by("id").last()
    assert (event.event_type, event.actor) == ("attachment_added", agent)
    assert event.new == {"attachment": attachment.pk, "name": "报告.pdf", "size": len(PDF)}


def test_the_claimed_content_type_is_ignored(media, order, agent):
    attachment = services.add_attachment(order, actor=agent, uploaded=upload("a.png", PNG, "text/html"))
    assert attachment.content_type == "image/png"


def _refused(media, order, agent, uploaded, code):
    events = WorkOrderEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.add_attachment(order, actor=agent, uploaded=uploaded)
    assert exc.value.code == code and "file" in exc.value.fields
    assert not Attachment.objects.exists()
    assert WorkOrderEvent.objects.count() == events
    assert [p for p in Path(media).rglob("*") if p.is_file()] == []  # no orphan file left behind


def test_a_png_that_is_really_text_is_refused(media, order, agent):
    _refused(media, order, agent, upload("photo.png", b"just some text", "image/png"), "attachment_type")


def test_a_disallowed_type_is_refused(media, order, agent):
    _refused(media, order, agent, upload("run.exe", b"MZ\x90\x00" * 8), "attachment_type")


def test_an_empty_file_is_refused(media, order, agent):
    _refused(media, order, agent, upload("empty.png", b""), "attachment_empty")


def test_the_size_limit_is_enforced_to_the_byte(media, settings, order, agent):
    settings.KEFU_ATTACHMENT_MAX_BYTES = 1024
    exact = PNG + b"\x00" * (1024 - len(PNG))
    _refused(media, order, agent, upload("big.png", exact + b"\x00"), "attachment_too_large")
    assert services.add_attachment(order, actor=agent, uploaded=upload("ok.png", exact)).size == 1024


def test_a_technician_attaches_only_to_orders_sent_to_him(media, make_order, technician, engineering):
    mine = make_order(department_id=engineering.id)
    other = make_order()
    assert services.add_attachment(mine, actor=technician, uploaded=upload("a.png", PNG)).work_order == mine
    with pytest.raises(ServiceError) as exc:
        services.add_attachment(other, actor=technician, uploaded=upload("a.png", PNG))
    assert exc.value.code == "not_your_order"


def test_a_file_left_behind_by_a_rolled_back_upload_is_swept(media, order, agent):
    kept = services.add_attachment(order, actor=agent, uploaded=upload("现场.png", PNG))
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.add_attachment(order, actor=agent, uploaded=upload("回滚.png", PNG))
        orphan = Path(lost.file.path)
        raise RuntimeError("the enclosing action failed after the upload")
    assert orphan.exists() and not Attachment.objects.filter(pk=lost.pk).exists()
    # Within the grace period nothing is touched (its transaction might still be running).
    assert sweep_orphan_attachments() == 0
    later = time.time() + ORPHAN_GRACE_SECONDS + 60
    assert sweep_orphan_attachments(now=later) == 1
    assert not orphan.exists() and Path(kept.file.path).exists()
