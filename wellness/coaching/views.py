"""A resident's and a coach's coaching pages: the pairing, its meetings, and the resident's goals.

Everything here is seen only by the two people in a pairing (coordinators see the pairing itself and a
meeting count); anyone else gets a 404, since even the pairing's existence is private.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import local_to_utc, program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_manage_coaching, can_see_pairing, is_in_pairing, require
from . import board, bp, goals, meetings, services
from .forms import EndForm, GoalForm, MeetingForm, RepairForm
from .models import GOAL_KINDS, Goal, Meeting, Pairing


def get_pairing(pairing_id: int) -> Pairing:
    """A pairing the current user may see: one of its two people, or a coordinator; 404 for anyone else."""
    pairing = db.session.get(Pairing, pairing_id)
    require(pairing is not None and can_see_pairing(current_user, pairing), hide=True)
    return pairing


def get_meeting(meeting_id: int) -> Meeting:
    """A meeting of the current user's own pairing; 404 for anyone else, coordinators included."""
    meeting = db.session.get(Meeting, meeting_id)
    require(meeting is not None and is_in_pairing(current_user, meeting.pairing), hide=True)
    return meeting


def get_goal(goal_id: int) -> Goal:
    """One of the current user's own goals; 404 for anyone else."""
    goal = db.session.get(Goal, goal_id)
    require(goal is not None and goal.resident_id == current_user.id, hide=True)
    return goal


def meeting_times(form: MeetingForm):
    tz = program_tz()
    return (
        local_to_utc(form.day.data, form.start_time.data, tz),
        local_to_utc(form.day.data, form.end_time.data, tz),
    )


def other_time_form(meeting_id: int) -> MeetingForm:
    """The form proposing another time for one meeting; its fields are named apart from the others'."""
    return MeetingForm(prefix=f"m{meeting_id}")


def pairing_page(pairing: Pairing, status: int = 200, **forms):
    """The pairing as its people see it (meetings, shared goals) or as a coordinator does (the pairing,
    its flags, history and how many meetings were held, never what they were about)."""
    member = is_in_pairing(current_user, pairing)
    forms.setdefault("meeting_form", MeetingForm())
    forms.setdefault("goal_form", GoalForm())
    if can_manage_coaching(current_user):
        forms.setdefault("end_form", EndForm())
        forms.setdefault("repair_form", RepairForm())
        forms["repair_form"].coach_id.choices = [
            (c.id, c.name) for c in services.coaches() if c.id != pairing.coach_id
        ]
    today = program_today(program_tz())
    shown = meetings.meetings_of(pairing) if member else []
    other_time_forms = {m.id: forms.get(f"other_time_{m.id}") or other_time_form(m.id) for m in shown}
    page = render_template(
        "coaching/pairing.html",
        pairing=pairing,
        member=member,
        meetings=shown,
        other_time_forms=other_time_forms,
        goals=goals.goals_for(current_user, pairing.resident_id) if member else [],
        held=meetings.held_this_year(today, utcnow()).get(pairing.id, 0),
        flags=services.pairing_flags(pairing),
        history=board.history_of(pairing.resident_id)
        if not member or current_user.id == pairing.resident_id
        else [],
        confirm_form=ConfirmForm(),
        goal_kinds=GOAL_KINDS,
        now=utcnow(),
        **forms,
    )
    return page, status


@bp.route("/coaching")
@login_required
def my_coaching():
    """A resident's coach and meetings, a coach's coachees; coordinators with neither go to their board."""
    pairing = services.active_pairing_of(current_user.id) if current_user.is_resident else None
    if pairing is not None:
        return pairing_page(pairing)
    coachees = services.coachees_of(current_user.id) if current_user.is_faculty else []
    if not coachees and not current_user.is_resident and can_manage_coaching(current_user):
        return redirect(url_for("coaching.show_board"))
    return render_template(
        "coaching/mine.html",
        coachees=coachees,
        upcoming=meetings.upcoming_for(current_user.id, utcnow()),
        goals=goals.goals_for(current_user, current_user.id) if current_user.is_resident else [],
        goal_form=GoalForm(),
        goal_kinds=GOAL_KINDS,
        confirm_form=ConfirmForm(),
        is_coach=services.is_coach(current_user),
    )


@bp.route("/coaching/pairings/<int:pairing_id>")
@login_required
def show_pairing(pairing_id):
    return pairing_page(get_pairing(pairing_id))


@bp.route("/coaching/pairings/<int:pairing_id>/meetings", methods=["POST"])
@login_required
def propose_meeting(pairing_id):
    pairing = get_pairing(pairing_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return pairing_page(pairing, 400, meeting_form=form)
    try:
        meetings.propose_meeting(current_user, pairing, *meeting_times(form), form.place.data, utcnow())
        db.session.commit()
    except DomainError as error:
        return pairing_page(pairing, show_domain_error(error, form), meeting_form=form)
    flash("Meeting proposed; you will hear when it is answered.", "success")
    return redirect(url_for("coaching.show_pairing", pairing_id=pairing.id) + "#meetings")


def _meeting_change(meeting_id: int, change, message: str):
    meeting = get_meeting(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(meeting)
        db.session.commit()
    except DomainError as error:
        return pairing_page(meeting.pairing, show_domain_error(error))
    flash(message, "success")
    return redirect(url_for("coaching.show_pairing", pairing_id=meeting.pairing_id) + "#meetings")


@bp.route("/coaching/meetings/<int:meeting_id>/confirm", methods=["POST"])
@login_required
def confirm_meeting(meeting_id):
    return _meeting_change(
        meeting_id,
        lambda m: meetings.respond_to_meeting(current_user, m, "confirm", utcnow()),
        "Meeting confirmed; it is on both your calendars.",
    )


@bp.route("/coaching/meetings/<int:meeting_id>/decline", methods=["POST"])
@login_required
def decline_meeting(meeting_id):
    return _meeting_change(
        meeting_id,
        lambda m: meetings.respond_to_meeting(current_user, m, "decline", utcnow()),
        "Meeting declined.",
    )


@bp.route("/coaching/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel_meeting(meeting_id):
    return _meeting_change(
        meeting_id, lambda m: meetings.cancel_meeting(current_user, m, utcnow()), "Meeting cancelled."
    )


@bp.route("/coaching/meetings/<int:meeting_id>/other-time", methods=["POST"])
@login_required
def propose_other_time(meeting_id):
    meeting = get_meeting(meeting_id)
    form = other_time_form(meeting.id)
    failed = {f"other_time_{meeting.id}": form}
    if not form.validate_on_submit():
        return pairing_page(meeting.pairing, 400, **failed)
    try:
        meetings.propose_other_time(current_user, meeting, *meeting_times(form), form.place.data, utcnow())
        db.session.commit()
    except DomainError as error:
        return pairing_page(meeting.pairing, show_domain_error(error, form), **failed)
    flash("Another time proposed.", "success")
    return redirect(url_for("coaching.show_pairing", pairing_id=meeting.pairing_id) + "#meetings")


def _save_goal(change):
    """Validate the goal form, run the change and go back to the goals, with the outcome as a message."""
    form = GoalForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    else:
        try:
            change(form)
            db.session.commit()
            flash("Saved.", "success")
        except DomainError as error:
            show_domain_error(error)
    return redirect(url_for("coaching.my_coaching") + "#goals")


@bp.route("/coaching/goals", methods=["POST"])
@login_required
def add_goal():
    return _save_goal(
        lambda form: goals.add_goal(
            current_user, form.kind.data, form.text.data, form.is_shared.data, utcnow()
        )
    )


@bp.route("/coaching/goals/<int:goal_id>", methods=["POST"])
@login_required
def update_goal(goal_id):
    goal = get_goal(goal_id)
    return _save_goal(
        lambda form: goals.update_goal(
            current_user,
            goal,
            form.kind.data,
            form.text.data,
            form.is_shared.data,
            form.achieved.data,
            program_today(program_tz()),
            utcnow(),
        )  # fmt: skip
    )


@bp.route("/coaching/goals/<int:goal_id>/delete", methods=["POST"])
@login_required
def delete_goal(goal_id):
    goal = get_goal(goal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    goals.delete_goal(current_user, goal)
    db.session.commit()
    flash("Deleted.", "success")
    return redirect(url_for("coaching.my_coaching") + "#goals")
