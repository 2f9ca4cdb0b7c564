"""At the door and after: the check-in list, the printable roster, CSV export and no-show counts."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..forms_support import show_domain_error
from ..people.permissions import can_check_in, can_manage_events, require
from . import attendance, bp, seats
from .display import program_tz
from .forms import CheckInForm
from .views import get_event


@bp.route("/events/<int:event_id>/check-in")
@login_required
def check_in_list(event_id):
    event = get_event(event_id)
    require(can_check_in(current_user, event))
    q = request.args.get("q", "")[:100]
    return render_template(
        "events/check_in.html",
        event=event,
        rsvps=attendance.attendees(event, q),
        q=q,
        counts=seats.counts(event.id),
        form=CheckInForm(formdata=None),
    )


@bp.route("/events/<int:event_id>/check-in", methods=["POST"])
@login_required
def check_in(event_id):
    event = get_event(event_id)
    require(can_check_in(current_user, event))
    form = CheckInForm()
    if not form.validate_on_submit() or not form.rsvp_id.data.isdigit():
        abort(400)
    present = form.present.data != "0"
    try:
        rsvp = seats.check_in(current_user, event, int(form.rsvp_id.data), present)
        db.session.commit()
        flash(f"{rsvp.person.name} is {'checked in' if present else 'no longer checked in'}.", "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(
        url_for("events.check_in_list", event_id=event_id, q=request.args.get("q", ""))
        + f"#rsvp-{form.rsvp_id.data}"
    )


@bp.route("/events/<int:event_id>/roster")
@login_required
def roster(event_id):
    event = get_event(event_id)
    require(can_check_in(current_user, event))
    return render_template(
        "events/roster.html",
        event=event,
        rsvps=attendance.attendees(event, responses=("going", "waitlisted")),
        positions=seats.waitlist_positions(event.id),
        counts=seats.counts(event.id),
    )


@bp.route("/events/<int:event_id>/rsvps.csv")
@login_required
def export_rsvps(event_id):
    event = get_event(event_id)
    require(can_check_in(current_user, event))
    body = attendance.rsvps_csv(event, program_tz())
    filename = f"event-{event.id}-rsvps.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/events/no-shows")
@login_required
def no_shows():
    require(can_manage_events(current_user))
    return render_template("events/no_shows.html", rows=attendance.no_show_counts())
