"""Volunteering on a project's page: taking, giving up, offering and taking over slots; who came; hours."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from . import bp, services, shifts
from .forms import HoursForm
from .models import ExtraHours, Shift
from .views import get_project, project_page


def get_shift(shift_id: int) -> Shift:
    """A shift of a project the current user may see; 404 otherwise."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        abort(404)
    get_project(shift.project_id)
    return shift


def _volunteer(shift_id: int, change):
    """Run a volunteer's change (CSRF-only form); back to the project, or its page with the reason."""
    shift = get_shift(shift_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message = change(shift)
        db.session.commit()
    except DomainError as error:
        return project_page(get_project(shift.project_id), show_domain_error(error))
    flash(message, "success")
    return redirect(url_for("outreach.show_project", project_id=shift.project_id) + f"#shift-{shift.id}")


@bp.route("/outreach/shifts/<int:shift_id>/sign-up", methods=["POST"])
@login_required
def sign_up(shift_id):
    def change(shift):
        shifts.sign_up_for_shift(current_user, shift, current_user)
        return f"You have a slot in the {shift.role} shift."

    return _volunteer(shift_id, change)


@bp.route("/outreach/shifts/<int:shift_id>/drop", methods=["POST"])
@login_required
def drop(shift_id):
    def change(shift):
        dropped = shifts.drop_shift(current_user, shift, current_user)
        return (
            f"You left the {shift.role} shift." if dropped else f"You had no slot in the {shift.role} shift."
        )

    return _volunteer(shift_id, change)


@bp.route("/outreach/shifts/<int:shift_id>/offer", methods=["POST"])
@login_required
def offer(shift_id):
    def change(shift):
        shifts.offer_shift(current_user, shift, current_user)
        return f"Your {shift.role} slot is on offer. It stays yours until someone takes it."

    return _volunteer(shift_id, change)


@bp.route("/outreach/shifts/<int:shift_id>/take/<int:signup_id>", methods=["POST"])
@login_required
def take(shift_id, signup_id):
    def change(shift):
        shifts.take_offered_shift(current_user, shift, current_user, signup_id)
        return f"The {shift.role} slot is yours; you were both told."

    return _volunteer(shift_id, change)


@bp.route("/outreach/shifts/<int:shift_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(shift_id):
    shift = get_shift(shift_id)
    if not services.can_organise(current_user, shift.project):
        abort(403)
    form = ConfirmForm()
    volunteers = services.volunteers(shift.id)
    if form.validate_on_submit():
        present = {int(value) for value in request.form.getlist("present") if value.isdigit()}
        try:
            came = shifts.confirm_attendance(current_user, shift, present)
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error)
            return render_template(
                "outreach/attendance.html", shift=shift, volunteers=volunteers, form=form
            ), status
        flash(f"Saved: {came} of {len(volunteers)} came to the {shift.role} shift.", "success")
        return redirect(url_for("outreach.show_project", project_id=shift.project_id))
    return render_template("outreach/attendance.html", shift=shift, volunteers=volunteers, form=form)


@bp.route("/outreach/shifts/<int:shift_id>/hours", methods=["POST"])
@login_required
def log_hours(shift_id):
    shift = get_shift(shift_id)
    form = HoursForm()
    if not form.validate_on_submit():
        return project_page(shift.project, 400, hours_form=form)
    try:
        shifts.log_extra_hours(current_user, shift, form.hours.data, form.note.data or "")
        db.session.commit()
    except DomainError as error:
        return project_page(get_project(shift.project_id), show_domain_error(error, form), hours_form=form)
    flash("Your extra hours are logged; an organiser will approve them.", "success")
    return redirect(url_for("outreach.show_project", project_id=shift.project_id))


@bp.route("/outreach/hours/<int:hours_id>/<any(approve, decline):decision>", methods=["POST"])
@login_required
def decide_hours(hours_id, decision):
    extra = db.session.get(ExtraHours, hours_id)
    if extra is None:
        abort(404)
    project = get_project(extra.signup.shift.project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        shifts.decide_extra_hours(current_user, extra, decision == "approve")
        db.session.commit()
    except DomainError as error:
        return project_page(get_project(project.id), show_domain_error(error))
    flash(f"Hours {decision}d.", "success")
    return redirect(url_for("outreach.show_project", project_id=project.id))
