"""A resident's goals, reflections and accomplishments: each private to them or shared with their
current coach. Nobody else reads them, coordinators and admins included."""

from datetime import date, datetime

from sqlalchemy import select

from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from .models import GOAL_KINDS, Goal, Pairing

TEXT_LENGTH = 2000


def _clean(kind: str, text: str) -> str:
    if kind not in GOAL_KINDS:
        raise ValidationFailed("Choose goal, reflection or accomplishment.", field="kind")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Write the goal or reflection.", field="text")
    if len(text) > TEXT_LENGTH:
        raise ValidationFailed(f"Keep it to {TEXT_LENGTH} characters.", field="text")
    return text


def _require_owner(actor, goal: Goal) -> None:
    if getattr(actor, "id", None) != goal.resident_id:
        raise NotAllowed("Only the resident who wrote it can change it.")


def add_goal(actor, kind: str, text: str, shared: bool, now: datetime) -> Goal:
    """A resident writes down a goal, reflection or accomplishment."""
    if not (actor.is_active and actor.is_resident):
        raise NotAllowed("Goals and reflections are kept by residents.")
    goal = Goal(
        resident_id=actor.id,
        kind=kind,
        text=_clean(kind, text),
        is_shared=bool(shared),
        created_at=now,
        updated_at=now,
    )
    db.session.add(goal)
    db.session.flush()
    return goal


def update_goal(
    actor, goal: Goal, kind: str, text: str, shared: bool, achieved: bool, today: date, now: datetime
):
    _require_owner(actor, goal)
    goal.text = _clean(kind, text)
    goal.kind = kind
    goal.is_shared = bool(shared)
    goal.achieved_on = (goal.achieved_on or today) if achieved else None
    goal.updated_at = now
    db.session.flush()
    return goal


def delete_goal(actor, goal: Goal) -> None:
    _require_owner(actor, goal)
    db.session.delete(goal)
    db.session.flush()


def goals_for(viewer, resident_id: int) -> list[Goal]:
    """The goals `viewer` may read of the resident: all their own, or the shared ones when the viewer is
    the resident's current coach; nothing for anyone else."""
    query = (
        select(Goal)
        .where(Goal.resident_id == resident_id)
        .order_by(Goal.achieved_on.is_not(None), Goal.created_at.desc())
    )
    if viewer.id == resident_id:
        return list(db.session.scalars(query))
    coach = db.session.scalar(
        select(Pairing.coach_id).where(Pairing.resident_id == resident_id, Pairing.ends_on.is_(None))
    )
    if coach != viewer.id:
        return []
    return list(db.session.scalars(query.where(Goal.is_shared)))
