"""SGIM pages: the meetings list (a resident's invitations), creating and editing a meeting, and where a
meeting's address leads (the attendee's trip, the coordinators' board, or what the meeting is)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..duties import away
from ..errors import DomainError
from ..events.elsewhere import answered_elsewhere
from ..extensions import db
from ..forms_support import show_domain_error
from ..people.permissions import can_run_sgim, can_see_trip, require
from . import board, bp, services
from .forms import MeetingForm
from .models import Attendance, Meeting


@answered_elsewhere
def meeting_pages(events) -> dict[int, str]:
    """The SGIM meeting's event is answered on the meeting's page, where going books the trip."""
    rows = db.session.execute(
        select(Meeting.event_id, Meeting.id).where(Meeting.event_id.in_([event.id for event in events]))
    )
    return {event_id: f"/sgim/{meeting_id}" for event_id, meeting_id in rows}


def get_meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404. Its existence is public: it is a published event."""
    return db.get_or_404(Meeting, meeting_id)


def get_trip(meeting_id: int, attendance_id: int) -> Attendance:
    """An attendance of this meeting that the current user may see (the attendee or a coordinator); 404
    for anyone else, so nobody learns another resident's funding, or even that they were invited."""
    attendance = db.session.get(Attendance, attendance_id)
    require(
        attendance is not None
        and attendance.meeting_id == meeting_id
        and can_see_trip(current_user, attendance),
        hide=True,
    )
    return attendance


@bp.route("/sgim")
@login_required
def index():
    """Coordinators: every meeting with its counts. Residents: their invitations. Anyone else: what SGIM is."""
    return render_template(
        "sgim/index.html",
        summaries=board.summaries() if can_run_sgim(current_user) else [],
        invitations=board.invitations_of(current_user.id),
    )


def meeting_form_page(form: MeetingForm, meeting: Meeting | None, status: int = 200):
    """The new-meeting form (meeting None) or the edit form, with any errors on its fields."""
    return render_template("sgim/edit.html", form=form, meeting=meeting), status


@bp.route("/sgim/new", methods=["GET", "POST"])
@login_required
def create_meeting():
    require(can_run_sgim(current_user))
    form = MeetingForm()
    if not form.validate_on_submit():
        return meeting_form_page(form, None, 400 if form.errors else 200)
    try:
        meeting = services.create_meeting(current_user, form.data_for_service())
        db.session.commit()
    except DomainError as error:
        return meeting_form_page(form, None, show_domain_error(error, form))
    invited = len(services.attendances(meeting))
    flash(f"{meeting.name} is published; {invited} resident{'' if invited == 1 else 's'} invited.", "success")
    return redirect(url_for("sgim.show_board", meeting_id=meeting.id))


@bp.route("/sgim/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id):
    meeting = get_meeting(meeting_id)
    require(can_run_sgim(current_user))
    form = MeetingForm.from_data(services.meeting_data(meeting))
    if not form.validate_on_submit():
        return meeting_form_page(form, meeting, 400 if form.errors else 200)
    try:
        services.update_meeting(current_user, meeting, form.data_for_service())
        db.session.commit()
    except DomainError as error:
        return meeting_form_page(form, meeting, show_domain_error(error, form))
    flash(f"{meeting.name} is saved; trips follow its dates.", "success")
    budget = services.budget_of(meeting)
    if budget.total_cents and budget.remaining_cents < 0:
        flash(f"The total budget of {services.money(budget.total_cents)} is "
              f"{services.money(-budget.remaining_cents)} less than the funding already approved.", "warning")  # fmt: skip
    return redirect(url_for("sgim.show_board", meeting_id=meeting.id))


@bp.route("/sgim/<int:meeting_id>")
@login_required
def show_meeting(meeting_id):
    """The invited resident's trip; a coordinator's board; for anyone else, the meeting and who it is for."""
    meeting = get_meeting(meeting_id)
    attendance = services.attendance_of(meeting, current_user.id)
    if attendance is not None:
        return redirect(url_for("sgim.show_trip", meeting_id=meeting.id, attendance_id=attendance.id))
    if can_run_sgim(current_user):
        return redirect(url_for("sgim.show_board", meeting_id=meeting.id))
    return render_template("sgim/meeting.html", meeting=meeting, trip_days=services.trip_days(meeting))


@away.managed_elsewhere
def trip_page(period) -> str | None:
    """An SGIM trip's time away is changed on the trip page (declining there), not from the duties pages."""
    attendance = db.session.scalar(select(Attendance).where(Attendance.away_period_id == period.id))
    return f"/sgim/{attendance.meeting_id}/trips/{attendance.id}" if attendance else None
