from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.suggestions import services
from kefu.suggestions.models import Suggestion, SuggestionCategory
from kefu.suggestions.transitions import Stage


@pytest.fixture(autouse=True)
def categories(db):
    """The migration's defaults, put back in case a transactional test flushed them."""
    return {
        name: SuggestionCategory.objects.get_or_create(site=None, name=name, defaults={"order": i})[0]
        for i, name in enumerate(["商品", "服务", "环境"])
    }


@pytest.fixture
def record(site, agent):
    def _record(**kw):
        params = dict(
            actor=agent,
            site_id=site.id,
            content="建议在一楼增设母婴室",
            proposer_name="王女士",
            proposer_contact="13900001111",
        )
        params.update(kw)
        return services.record_suggestion(**params)

    return _record


def fresh(suggestion) -> Suggestion:
    return Suggestion.objects.select_related("work_order").get(pk=suggestion.pk)


def advance(suggestion, to: str, *, agent, supervisor, categories, engineering=None, owner=None) -> Suggestion:
    """Drive a suggestion to stage `to` through the real services, in workflow order."""
    s = suggestion
    path = [Stage.CLASSIFIED, Stage.EVALUATED, Stage.FORWARDED]
    if to in (Stage.ADOPTED, Stage.IMPLEMENTED):
        path += [Stage.ADOPTED]
    if to == Stage.IMPLEMENTED:
        path += [Stage.IMPLEMENTED]
    if to == Stage.REJECTED:
        path = [Stage.CLASSIFIED, Stage.EVALUATED, Stage.REJECTED]
    if to == Stage.RECORDED:
        path = []
    for stage in path:
        if stage == Stage.CLASSIFIED:
            s = services.classify_suggestion(s, actor=agent, category_id=categories["服务"].id)
        elif stage == Stage.EVALUATED:
            s = services.evaluate_suggestion(s, actor=supervisor, feasibility="feasible", valuable=True)
        elif stage == Stage.FORWARDED:
            s = services.forward_suggestion(s, actor=agent, note="请研究", leader_id=supervisor.id)
        elif stage == Stage.ADOPTED:
            s = services.adopt_suggestion(
                s,
                actor=supervisor,
                reason="会议讨论同意",
                plan="改造二楼储物间",
                plan_owner_id=(owner or supervisor).id,
                plan_due_on=timezone.localdate() + timedelta(days=30),
            )
        elif stage == Stage.IMPLEMENTED:
            s = services.complete_implementation(s, actor=agent, result="母婴室已开放")
        elif stage == Stage.REJECTED:
            s = services.reject_suggestion(s, actor=supervisor, reason="场地不足")
        if stage == to:
            break
    return fresh(s)


@pytest.fixture
def at(record, agent, supervisor, categories):
    def _at(stage, **kw):
        return advance(record(), stage, agent=agent, supervisor=supervisor, categories=categories, **kw)

    return _at
