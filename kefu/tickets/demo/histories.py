"""Play a work order's life forward in time and record what the services would have written.

Every step mirrors one service in `kefu.tickets.services` (same event type, same old/new payload, same
fields touched, same version bump), and every status change goes through `transitions.target`, so a
generated history is one the real code could have produced. Steps that would fall after `now` are not
taken: recent orders are naturally still open, older ones mostly closed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kefu.tickets import transitions
from kefu.tickets.transitions import Action, Status

from . import content as C
from . import texts as T

MIN = 60
HOUR = 3600


class _Cutoff(Exception):
    """The next step would happen in the future: the order stays where it is."""


@dataclass
class Staffing:
    """Who works at one site, by what they do in a work order's life."""

    desk: list  # agents/front desk who record, accept, reply and close
    front_desk: list  # take walk-ins
    supervisors: list  # complaints escalate to them; they reopen
    departments: dict  # name -> Department
    technicians: dict  # department name -> [User]


@dataclass
class Draft:
    """What is known when the order is recorded."""

    site: object
    type: str
    channel: str
    priority: int
    template: dict
    created_at: datetime
    customer_id: int | None
    subject: str
    description: str
    resolution: str
    shop_id: int | None = None
    floor: str = ""
    unit: str = ""
    location: str = ""
    product: str = ""


@dataclass
class Life:
    """The order's final fields and its events, in time order."""

    status: str = Status.NEW
    assignee_id: int | None = None
    department_id: int | None = None
    created_by_id: int | None = None
    priority: int = 3
    accepted_at: datetime | None = None
    first_replied_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str = ""
    version: int = 1
    updated_at: datetime | None = None
    events: list = field(default_factory=list)  # (event_type, actor_id, created_at, old, new, note)


class _Player:
    def __init__(self, draft: Draft, staff: Staffing, rng: random.Random, now: datetime):
        self.d, self.staff, self.rng, self.now = draft, staff, rng, now
        self.t = draft.created_at
        self.life = Life(priority=draft.priority, updated_at=draft.created_at)

    # --- plumbing ------------------------------------------------------------------------------------------

    def wait(self, low: float, high: float) -> None:
        """Advance the clock; refuse steps that would lie in the future."""
        t = self.t + timedelta(seconds=self.rng.uniform(low, high))
        if t > self.now:
            raise _Cutoff
        self.t = t

    def emit(self, event_type, actor, *, old=None, new=None, note="", bump=True) -> None:
        self.life.events.append((event_type, actor.pk, self.t, old, new, note))
        self.life.updated_at = self.t
        if bump:
            self.life.version += 1

    def move(self, action: Action, actor, *, note="", new_extra=None) -> None:
        to = transitions.target(self.life.status, action)
        if to is None:  # a bug in the script, never in the data
            raise AssertionError(f"{action} not allowed from {self.life.status}")
        old = self.life.status
        self.life.status = to
        self.emit(
            f"status_{action.value}", actor, old={"status": old}, new={"status": to, **(new_extra or {})}, note=note
        )

    def desk(self):
        return self.rng.choice(self.staff.desk)

    def assignee(self):
        return self._by_id(self.life.assignee_id) or self.desk()

    def _by_id(self, user_id):
        if user_id is None:
            return None
        for people in (self.staff.desk, self.staff.supervisors, *self.staff.technicians.values()):
            for person in people:
                if person.pk == user_id:
                    return person
        return None

    def reply(self, actor, body: str, *, bump=True) -> None:
        if self.life.first_replied_at is None:
            self.life.first_replied_at = self.t
        self.emit("replied", actor, note=body, bump=bump)

    # --- the life ------------------------------------------------------------------------------------------

    def play(self) -> Life:
        d, rng, life = self.d, self.rng, self.life
        creator = rng.choice(self.staff.front_desk) if d.channel == "walk_in" and self.staff.front_desk else self.desk()
        life.created_by_id = creator.pk
        life.department_id = self.staff.departments[C.SERVICE_CENTER].pk
        self.emit(
            "created",
            creator,
            new={
                "number": None,  # filled in once numbers are handed out
                "type": d.type,
                "channel": d.channel,
                "priority": d.priority,
                "customer": d.customer_id,
                "assignee": None,
                "department": life.department_id,
            },
            bump=False,
        )
        try:
            self._work(creator)
        except _Cutoff:
            pass
        return life

    def _fate(self) -> str:
        """Where this order's life ends (unless `now` comes first). Only recent orders still wait for pick-up."""
        table = [("cancel_new", 0.01), ("cancel", 0.02), ("in_progress", 0.02), ("awaiting", 0.015),
                 ("resolved", 0.02), ("reopen", 0.03)]  # fmt: skip
        if self.now - self.d.created_at < timedelta(days=3):
            table = [("new", 0.08), ("accepted", 0.10), *table]
        r, acc = self.rng.random(), 0.0
        for name, share in table:
            acc += share
            if r < acc:
                return name
        return "closed"

    def _work(self, creator) -> None:
        d, rng, life = self.d, self.rng, self.life
        urgent = d.priority <= 2
        fate = self._fate()
        # Taken live (a call, a walk-in): accepted in the same moment; otherwise someone picks it up later.
        live = d.channel in ("phone", "walk_in")
        if fate == "new" and not live:
            return
        if fate == "cancel_new":
            self.wait(5 * MIN, 2 * HOUR)
            self.move(Action.CANCEL, self.desk(), note=rng.choice(T.CANCEL_REASONS))
            return
        if live:
            accepter = creator
        else:
            self.wait(2 * MIN, (20 if urgent else 120) * MIN)
            accepter = self.desk()
        life.assignee_id, life.accepted_at = accepter.pk, self.t
        self.move(Action.ACCEPT, accepter)

        if rng.random() < 0.05:
            self.wait(MIN, 30 * MIN)
            new_priority = 1 if life.priority > 1 and rng.random() < 0.7 else min(life.priority + 1, 4)
            if new_priority != life.priority:
                old, life.priority = life.priority, new_priority
                reason = T.PRIORITY_REASONS[1 if new_priority < old else 2]
                self.emit(
                    "priority_changed", accepter, old={"priority": old}, new={"priority": new_priority}, note=reason
                )

        self._route(accepter)
        if fate in ("new", "accepted"):
            return  # waiting for the department to start
        if fate == "cancel":
            self.wait(10 * MIN, 6 * HOUR)
            self.move(Action.CANCEL, self.desk(), note=rng.choice(T.CANCEL_REASONS))
            return

        worker = self.assignee()
        self.wait(MIN, (15 * MIN) if urgent else 3 * HOUR)
        self.move(Action.START, worker)
        if fate == "in_progress":
            return  # stalled: still being worked on, however old
        self._progress(worker, wait_for_customer=fate == "awaiting")
        if fate == "awaiting":
            return
        self._resolve(worker)
        if fate == "resolved":
            return  # resolved, not yet confirmed with the customer
        self._close()
        if fate == "reopen":
            self.wait(1 * HOUR, 3 * 24 * HOUR)
            life.closed_at = life.resolved_at = None
            self.move(Action.REOPEN, rng.choice(self.staff.supervisors), note=rng.choice(T.REOPEN_REASONS))
            worker = self.assignee()
            self.wait(10 * MIN, 4 * HOUR)
            self.move(Action.START, worker)
            self._resolve(worker, again=True)
            self._close()

    def _route(self, accepter) -> None:
        """Transfer (转接) to the department that does the work, or escalate a complaint to the supervisor."""
        d, rng, life = self.d, self.rng, self.life
        dept_name = d.template.get("dept")
        if d.type in ("repair", "special_service") and dept_name is None and d.site.kind == "property":
            dept_name = C.ENGINEERING
        people = self.staff.technicians.get(dept_name, []) if dept_name else []
        if dept_name and people:
            self.wait(2 * MIN, 40 * MIN)
            department = self.staff.departments[dept_name]
            worker = rng.choice(people)
            old = {"department": life.department_id, "assignee": life.assignee_id}
            life.department_id, life.assignee_id = department.pk, worker.pk
            self.emit(
                "transferred",
                accepter,
                old=old,
                new={"department": department.pk, "assignee": worker.pk},
                note=rng.choice(T.TRANSFER_REASONS[dept_name]),
            )
        elif d.type == "complaint" and rng.random() < 0.5:
            self.wait(5 * MIN, 60 * MIN)
            boss = rng.choice(self.staff.supervisors)
            old, life.assignee_id = life.assignee_id, boss.pk
            self.emit("assigned", accepter, old={"assignee": old}, new={"assignee": boss.pk})

    def _progress(self, worker, *, wait_for_customer=False) -> None:
        d, rng = self.d, self.rng
        if rng.random() < 0.3:
            self.wait(5 * MIN, 2 * HOUR)
            self.emit("note_added", worker, note=rng.choice(T.INTERNAL_NOTES), bump=False)
        if d.type in ("complaint", "repair", "after_sales") and rng.random() < 0.4:
            self.wait(10 * MIN, 3 * HOUR)
            self.reply(self.desk(), rng.choice(T.ACCEPT_REPLIES))
        if wait_for_customer or (d.type in ("complaint", "after_sales", "repair") and rng.random() < 0.2):
            self.wait(30 * MIN, 8 * HOUR)
            self.move(Action.WAIT_CUSTOMER, worker, note=rng.choice(T.WAIT_NOTES))
            if not wait_for_customer and rng.random() < 0.5:
                self.wait(2 * HOUR, 2 * 24 * HOUR)
                self.move(Action.RESUME, worker)

    def _resolve(self, worker, *, again=False) -> None:
        d, life = self.d, self.life
        spans = {
            "inquiry": (2 * MIN, 40 * MIN),
            "complaint": (2 * HOUR, 3 * 24 * HOUR),
            "repair": (30 * MIN, 2 * 24 * HOUR),
            "after_sales": (4 * HOUR, 5 * 24 * HOUR),
            "special_service": (1 * HOUR, 2 * 24 * HOUR),
            "lost_found": (10 * MIN, 24 * HOUR),
        }
        low, high = spans.get(d.type, (30 * MIN, 24 * HOUR))
        if d.priority == 1:
            low, high = low / 4, high / 4
        self.wait(low, high)
        text = d.resolution if not again else "二次处理:" + d.resolution
        life.resolution, life.resolved_at = text, self.t
        self.move(Action.RESOLVE, worker, new_extra={"resolution": text})

    def _close(self) -> None:
        """Close only after the customer was told the result: a separate reply, or one given with the close."""
        rng, life = self.rng, self.life
        closer = rng.choice(self.staff.desk + self.staff.supervisors)
        body = rng.choice(T.RESULT_REPLIES).format(resolution=life.resolution)
        if rng.random() < 0.4:
            self.wait(20 * MIN, 24 * HOUR)
            self.reply(self.desk(), body)
            self.wait(10 * MIN, 2 * 24 * HOUR)
            life.closed_at = self.t
            self.move(Action.CLOSE, closer)
        else:
            self.wait(30 * MIN, 3 * 24 * HOUR)
            self.reply(closer, body, bump=False)  # close_work_order(customer_response=...) saves once
            life.closed_at = self.t
            self.move(Action.CLOSE, closer)


def play(draft: Draft, staff: Staffing, rng: random.Random, now: datetime) -> Life:
    return _Player(draft, staff, rng, now).play()
