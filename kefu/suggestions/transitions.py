"""The suggestion workflow (建议) as one pure table: services, UI, API and tests all read it.

已登记 → 已分类 → 已评估 → 已上报 → 已采纳(实施中) → 已实施; 已评估/已上报 → 未采纳.
Feedback to the proposer and closing happen once a decision exists; neither changes the stage.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CLASSIFIED = "classified", _("Classified")
    EVALUATED = "evaluated", _("Evaluated")
    FORWARDED = "forwarded", _("Forwarded")
    ADOPTED = "adopted", _("Adopted, being implemented")
    REJECTED = "rejected", _("Not adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Step(models.TextChoices):
    CLASSIFY = "classify", _("Classify")
    EVALUATE = "evaluate", _("Feasibility evaluation")
    FORWARD = "forward", _("Forward to leadership or a department")
    ADOPT = "adopt", _("Adopt")
    REJECT = "reject", _("Do not adopt")
    RECORD_PROGRESS = "record_progress", _("Record implementation progress")
    COMPLETE = "complete", _("Implementation completed")
    GIVE_FEEDBACK = "give_feedback", _("Feedback to the proposer")
    CLOSE = "close", _("Close")


S, T = Stage, Step
DECIDED = frozenset({S.ADOPTED, S.REJECTED, S.IMPLEMENTED})

# step -> (stages it may start from, stage it leads to; None keeps the stage)
STEPS: dict[Step, tuple[frozenset[Stage], Stage | None]] = {
    T.CLASSIFY: (frozenset({S.RECORDED, S.CLASSIFIED}), S.CLASSIFIED),
    T.EVALUATE: (frozenset({S.CLASSIFIED, S.EVALUATED}), S.EVALUATED),
    T.FORWARD: (frozenset({S.EVALUATED, S.FORWARDED}), S.FORWARDED),
    # Adopting is the department's or the leadership's call, so the suggestion must have reached them.
    T.ADOPT: (frozenset({S.FORWARDED}), S.ADOPTED),
    # A suggestion the desk judged unfeasible may be turned down without going further.
    T.REJECT: (frozenset({S.EVALUATED, S.FORWARDED}), S.REJECTED),
    T.RECORD_PROGRESS: (frozenset({S.ADOPTED}), None),
    T.COMPLETE: (frozenset({S.ADOPTED}), S.IMPLEMENTED),
    T.GIVE_FEEDBACK: (DECIDED, None),
    T.CLOSE: (DECIDED, None),
}

# Steps that need the DECIDE_SUGGESTION capability (supervisor, manager); the rest are desk work.
DECISION_STEPS = frozenset({T.EVALUATE, T.ADOPT, T.REJECT})


def is_allowed(stage: str, step: str) -> bool:
    try:
        sources, _to = STEPS[Step(step)]
    except ValueError:
        return False
    return stage in sources


def target(stage: str, step: str) -> str:
    """The stage after `step` (the same stage for steps that do not move it). Call only when allowed."""
    to = STEPS[Step(step)][1]
    return stage if to is None else to


def allowed_steps(stage: str) -> list[Step]:
    return [step for step, (sources, _to) in STEPS.items() if stage in sources]
