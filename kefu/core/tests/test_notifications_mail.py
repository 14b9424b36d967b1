"""In-app inbox and e-mail copies, delivered to a real SMTP server on loopback, only after commit."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.test import override_settings

from conftest import make_user
from kefu.core.notifications import inbox_for, mark_read, notify, unread_count


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield handler
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_mail_reaches_a_real_smtp_server_after_commit(site, smtp):
    user = make_user(sites=[site], email="zhang.wei@example.com")
    with transaction.atomic():
        notify(
            user,
            kind="escalation_supervisor",
            title="工单超时:GD-20261202-0001",
            body="请尽快处理",
            url="/work-orders/1/",
        )
        assert smtp.messages == []  # nothing leaves before the transaction commits
    assert len(smtp.messages) == 1
    rcpt, content = smtp.messages[0]
    assert rcpt == ["zhang.wei@example.com"] and "/work-orders/1/" in content


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_the_transaction_rolls_back(site, smtp):
    user = make_user(sites=[site], email="li.na@example.com")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, kind="x", title="不应发送")
        raise RuntimeError
    assert smtp.messages == [] and not inbox_for(user).exists()


def test_inbox_unread_count_and_mark_read(site):
    user = make_user(sites=[site])
    other = make_user(sites=[site])
    first = notify(user, kind="a", title="一", email=False)
    notify(user, kind="a", title="二", email=False)
    notify(other, kind="a", title="别人的", email=False)
    assert unread_count(user) == 2
    assert mark_read(user, [first.id]) == 1 and unread_count(user) == 1
    assert mark_read(user, [n.id for n in inbox_for(other)]) == 0  # can't touch someone else's inbox
    assert mark_read(user) == 1 and unread_count(user) == 0
