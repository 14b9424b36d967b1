"""Prepared reads make the instances the ORM makes, without Model.__init__ only where nothing depends on it
(kefu.core.instances)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from kefu.core.instances import plain_init
from kefu.core.prepared import PreparedRead
from kefu.tickets import selectors
from kefu.tickets.models import Attachment, WorkOrder

pytestmark = pytest.mark.django_db

RELATED = selectors.QUEUE_RELATED


def _page(*ids):
    """A queue page's read: its columns of the order and of five joined tables (the others deferred)."""
    return selectors._queue_columns(WorkOrder.objects.filter(id__in=ids), RELATED).order_by("id")


PAGE = PreparedRead(_page, arity=2)


def _state(obj):
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}, obj._state.adding, obj._state.db


def test_a_page_of_orders_with_joined_rows_is_the_orms_page(make_order, engineering):
    held = make_order(accept_now=True, department_id=engineering.id)
    bare = make_order(type="inquiry", customer_id=None, subject="匿名咨询")  # no customer, no holder
    got, orm = PAGE(held.pk, bare.pk), list(_page(held.pk, bare.pk))
    assert [o.pk for o in got] == [held.pk, bare.pk]
    for built, expected in zip(got, orm, strict=True):
        assert _state(built) == _state(expected)
        assert set(built._state.fields_cache) == set(expected._state.fields_cache) == set(RELATED)
        for name in RELATED:
            mine, theirs = built._state.fields_cache[name], expected._state.fields_cache[name]
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert _state(mine) == _state(theirs)
    assert got[1].customer is None and got[1].assignee is None
    # A deferred column is absent until asked for, then read as the ORM reads it.
    assert "description" not in got[0].__dict__
    with CaptureQueriesContext(connection) as ctx:
        assert got[0].description == held.description
    assert len(ctx.captured_queries) == 1


def test_a_listened_init_signal_makes_the_read_go_through_model_init(make_order):
    order = make_order()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((sender, instance.pk))

    signals.post_init.connect(receiver, sender=WorkOrder)
    try:
        (built,) = [o for o in PAGE(order.pk, order.pk)]
    finally:
        signals.post_init.disconnect(receiver, sender=WorkOrder)
    assert seen == [(WorkOrder, order.pk)] and built.site.name
    seen.clear()
    PAGE(order.pk, order.pk)
    assert seen == []


def test_a_model_with_a_file_descriptor_keeps_model_init(make_order, agent, settings, tmp_path):
    from kefu.tickets import services

    settings.MEDIA_ROOT = str(tmp_path)
    assert plain_init(WorkOrder, [f.attname for f in WorkOrder._meta.concrete_fields])
    assert not plain_init(Attachment, [f.attname for f in Attachment._meta.concrete_fields])
    order = make_order()
    upload = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    services.add_attachment(order, actor=agent, uploaded=upload)
    read = PreparedRead(lambda order_id: Attachment.objects.filter(work_order_id=order_id))
    (built,) = read(order.pk)
    (expected,) = Attachment.objects.filter(work_order_id=order.pk)
    assert built.file.name == expected.file.name and built.file.instance is built
