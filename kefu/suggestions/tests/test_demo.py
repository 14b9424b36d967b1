"""The demo has a suggestion at every stage and inquiries answered, parked and transferred, all with history."""

from __future__ import annotations

import pytest

from kefu.tickets.demo import load_demo

from ..models import Inquiry, InquiryEvent, Suggestion, SuggestionEvent
from ..transitions import Stage

pytestmark = pytest.mark.django_db


def test_demo_has_a_suggestion_at_every_stage_and_inquiries_each_way():
    load_demo(orders=40, customers=30)
    stages = set(Suggestion.objects.values_list("stage", flat=True))
    assert {Stage.ADOPTED, Stage.REJECTED} <= stages
    assert len(stages) >= 5
    assert all(SuggestionEvent.objects.filter(suggestion=s).exists() for s in Suggestion.objects.all())
    closed = Suggestion.objects.filter(work_order__status="closed")
    assert closed.exists() and all(s.feedback_at for s in closed)
    kinds = set(InquiryEvent.objects.values_list("event_type", flat=True))
    assert {"recorded", "answered", "parked", "transferred"} <= kinds
    assert Inquiry.objects.count() == 3
