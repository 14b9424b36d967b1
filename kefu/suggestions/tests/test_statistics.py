"""Suggestion statistics by category, month and department, with the adoption rate (adopted / decided)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.suggestions import selectors, services
from kefu.suggestions.models import Suggestion
from kefu.suggestions.transitions import Stage

from .conftest import advance


@pytest.fixture
def spread(record, agent, supervisor, categories, engineering):
    """Five suggestions: 服务 adopted, adopted+implemented, rejected; 商品 rejected, undecided."""
    out = []
    kw = dict(agent=agent, supervisor=supervisor, categories=categories)
    out.append(advance(record(), Stage.ADOPTED, **kw))
    out.append(advance(record(), Stage.IMPLEMENTED, **kw))
    out.append(advance(record(), Stage.REJECTED, **kw))
    goods = categories["商品"].id
    s = services.classify_suggestion(record(), actor=agent, category_id=goods)
    s = services.evaluate_suggestion(s, actor=supervisor, feasibility="not_feasible", valuable=False)
    out.append(services.reject_suggestion(s, actor=supervisor, reason="无货源"))
    out.append(services.classify_suggestion(record(solicited=True), actor=agent, category_id=goods))
    return out


def test_statistics_count_by_category_and_adoption_rate(spread, supervisor):
    stats = selectors.suggestion_statistics(supervisor)
    rows = {r["label"]: r for r in stats["by_category"]}
    assert rows["服务"] | {"key": None} == {
        "key": None,
        "label": "服务",
        "total": 3,
        "adopted": 2,
        "rejected": 1,
        "undecided": 0,
        "implemented": 1,
        "adoption_rate": round(2 / 3, 4),
    }
    assert (rows["商品"]["total"], rows["商品"]["rejected"], rows["商品"]["undecided"]) == (2, 1, 1)
    assert rows["商品"]["adoption_rate"] == 0.0
    totals = stats["totals"]
    assert (totals["total"], totals["adopted"], totals["rejected"], totals["undecided"]) == (5, 2, 2, 1)
    assert totals["adoption_rate"] == 0.5
    assert stats["by_stage"][Stage.REJECTED] == 2 and stats["by_stage"][Stage.CLASSIFIED] == 1
    assert stats["solicited"] == 1
    assert sum(r["total"] for r in stats["by_month"]) == 5


def test_adoption_rate_is_empty_when_nothing_was_decided(record, supervisor):
    record()
    stats = selectors.suggestion_statistics(supervisor)
    assert stats["totals"]["total"] == 1 and stats["totals"]["adoption_rate"] is None


def test_statistics_period_uses_the_site_calendar_day(record, supervisor, site):
    s1, s2, s3 = record(), record(), record()
    tz = timezone.get_fixed_timezone(8 * 60)
    day = timezone.localdate() - timedelta(days=40)
    # 23:30 local on `day`, 00:30 local the next day, and one on `day` itself at noon.
    Suggestion.objects.filter(pk=s1.pk).update(
        recorded_at=datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=23, minutes=30)
    )
    Suggestion.objects.filter(pk=s2.pk).update(
        recorded_at=datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=24, minutes=30)
    )
    Suggestion.objects.filter(pk=s3.pk).update(
        recorded_at=datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=12)
    )
    stats = selectors.suggestion_statistics(supervisor, site_id=site.id, date_from=day, date_to=day)
    assert stats["totals"]["total"] == 2
    stats = selectors.suggestion_statistics(
        supervisor, date_from=day + timedelta(days=1), date_to=day + timedelta(days=1)
    )
    assert stats["totals"]["total"] == 1


def test_statistics_by_department(record, agent, supervisor, categories, engineering):
    s = advance(record(), Stage.EVALUATED, agent=agent, supervisor=supervisor, categories=categories)
    services.forward_suggestion(s, actor=agent, note="请评估", department_id=engineering.id)
    stats = selectors.suggestion_statistics(supervisor)
    assert [(r["label"], r["total"]) for r in stats["by_department"]] == [("工程部", 1)]


def test_statistics_never_count_another_site(record, outsider):
    record()
    assert selectors.suggestion_statistics(outsider)["totals"]["total"] == 0
