"""Retreat pages: the agenda (on a phone, and printed on one page), session sign-up, and rosters."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import utcnow
from ..errors import DomainError
from ..events import services as events
from ..events.display import program_tz, when
from ..events.models import Event
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_see_session_roster, is_facilitator, require
from . import bp, services, signups
from .models import RetreatSession


def get_retreat(event_id: int) -> Event:
    """A retreat the current user may see; 404 for other events, unknown ones and others' drafts."""
    event = db.session.get(Event, event_id)
    if event is None or not services.is_retreat(event) or not events.can_see(current_user, event):
        abort(404)
    return event


def get_session(session_id: int) -> RetreatSession:
    """A session of a retreat the current user may see; 404 otherwise."""
    session = db.session.get(RetreatSession, session_id)
    if session is None:
        abort(404)
    get_retreat(session.event_id)
    return session


def _agenda_page(event: Event, template: str):
    sessions = services.agenda(event)
    return render_template(
        template,
        event=event,
        days=services.agenda_by_day(sessions, program_tz()),
        mine=services.my_signups(current_user, event),
        counts=services.places_by_session(event),
        going=services.is_going(current_user, event),
        when=when(event, program_tz()),
        now=utcnow(),
        confirm_form=ConfirmForm(),
        eligible=signups.is_eligible,
        eligibility=signups.describe_eligibility,
        leads_any=any(is_facilitator(current_user, session) for session in sessions),
    )


@bp.route("/retreats/<int:event_id>")
@login_required
def agenda(event_id):
    return _agenda_page(get_retreat(event_id), "retreats/agenda.html")


@bp.route("/retreats/<int:event_id>/print")
@login_required
def printable_agenda(event_id):
    return _agenda_page(get_retreat(event_id), "retreats/print.html")


def _answer(session_id: int, change):
    """Run a sign-up change; on success back to the agenda, else the agenda with the reason (400/403/409)."""
    session = get_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message, category = change(session)
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error)
        return _agenda_page(get_retreat(session.event_id), "retreats/agenda.html"), status
    flash(message, category)
    return redirect(url_for("retreats.agenda", event_id=session.event_id) + f"#session-{session.id}")


@bp.route("/retreats/sessions/<int:session_id>/sign-up", methods=["POST"])
@login_required
def sign_up(session_id):
    def change(session):
        outcome = signups.sign_up(current_user, session, current_user)
        if not outcome.changed:
            return f"You are already signed up for {session.title}.", "info"
        if outcome.position:
            return (
                f"{session.title} is full, so you are on its waitlist at position {outcome.position}.",
                "info",
            )
        return f"You have a place in {session.title}.", "success"

    return _answer(session_id, change)


@bp.route("/retreats/sessions/<int:session_id>/leave", methods=["POST"])
@login_required
def leave(session_id):
    def change(session):
        if signups.leave_session(current_user, session, current_user):
            return f"You left {session.title}.", "info"
        return f"You had no place in {session.title}.", "info"

    return _answer(session_id, change)


@bp.route("/retreats/sessions/<int:session_id>/roster")
@login_required
def roster(session_id):
    session = get_session(session_id)
    require(can_see_session_roster(current_user, session))
    return render_template(
        "retreats/roster.html", session=session, signups=services.session_signups(session.id), tz=program_tz()
    )
