"""The demo gives agent1 follow-ups due today, one done with its evaluation form, and tier plans."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.tickets.demo import load_demo

from ..models import FollowUp, FollowUpAttempt, Source, VisitStatus
from ..selectors import todo_for


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(now=timezone.now())
        transaction.set_rollback(True)


def test_demo_follow_ups_for_agent1(demo, db):
    agent1 = User.objects.get(username="agent1")
    due = list(todo_for(agent1))
    assert len([v for v in due if v.source == Source.WORK_ORDER]) >= 3
    assert FollowUpAttempt.objects.filter(reached=True, satisfaction="satisfied").exists()
    assert FollowUp.objects.filter(source=Source.PLAN, status=VisitStatus.OPEN).count() > 100
