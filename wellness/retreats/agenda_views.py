"""Coordinators building a retreat's agenda: add, change and remove sessions, or copy an earlier agenda."""

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import as_local, local_to_utc
from ..errors import DomainError
from ..events.display import program_tz, when
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_build_agenda, require
from . import bp, services
from .forms import CopyAgendaForm, SessionForm, parse_guests
from .views import get_retreat, get_session


def session_data(form: SessionForm) -> services.SessionData:
    tz = program_tz()
    return services.SessionData(
        title=form.title.data,
        format=form.format.data,
        starts_at=local_to_utc(form.day.data, form.start_time.data, tz),
        ends_at=local_to_utc(form.day.data, form.end_time.data, tz),
        room=form.room.data or "",
        description=form.description.data or "",
        capacity=form.capacity.data,
        has_waitlist=bool(form.has_waitlist.data),
        programs=tuple(form.programs.data or ()),
        levels=tuple(int(level) for level in form.levels.data or ()),
        faculty_emails=tuple(email for email in re.split(r"[\s,;]+", form.faculty.data or "") if email),
        guests=parse_guests(form.guests.data or ""),
    )


def guest_line(lead) -> str:
    """An invited facilitator as the form writes them: "Name | Title | Affiliation", without empty ends."""
    parts = [lead.name, lead.title, lead.affiliation]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def _fill(form: SessionForm, session) -> None:
    start, end = as_local(session.starts_at, program_tz()), as_local(session.ends_at, program_tz())
    form.process(
        data={
            "title": session.title, "format": session.format, "day": start.date(),
            "start_time": start.time(), "end_time": end.time(), "room": session.room,
            "description": session.description, "capacity": session.capacity,
            "has_waitlist": session.has_waitlist, "programs": session.program_keys,
            "levels": [str(level) for level in session.levels],
            "faculty": "\n".join(lead.person.email for lead in session.facilitators if lead.person),
            "guests": "\n".join(guest_line(lead) for lead in session.facilitators if not lead.person),
        }
    )  # fmt: skip


def _form_page(event, form, session=None, status=200):
    page = render_template(
        "retreats/session_form.html",
        event=event,
        form=form,
        session=session,
        confirm_form=ConfirmForm(),
        retreat_when=when(event, program_tz()),
    )
    return page, status


@bp.route("/retreats/<int:event_id>/sessions/new", methods=["GET", "POST"])
@login_required
def add_session(event_id):
    event = get_retreat(event_id)
    require(can_build_agenda(current_user))
    form = SessionForm()
    if not form.is_submitted():
        form.day.data = as_local(event.starts_at, program_tz()).date()
    if form.validate_on_submit():
        try:
            session = services.add_session(current_user, event, session_data(form))
            db.session.commit()
        except DomainError as error:
            return _form_page(event, form, status=show_domain_error(error, form))
        flash(f"{session.title} is on the agenda.", "success")
        return redirect(url_for("retreats.agenda", event_id=event.id))
    return _form_page(event, form, status=400 if form.errors else 200)


@bp.route("/retreats/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id):
    session = get_session(session_id)
    require(can_build_agenda(current_user))
    form = SessionForm()
    if not form.is_submitted():
        _fill(form, session)
    if form.validate_on_submit():
        try:
            services.update_session(current_user, session, session_data(form))
            db.session.commit()
        except DomainError as error:
            return _form_page(session.event, form, session, show_domain_error(error, form))
        flash(f"{form.title.data} is saved.", "success")
        return redirect(url_for("retreats.agenda", event_id=session.event_id))
    return _form_page(session.event, form, session, 400 if form.errors else 200)


@bp.route("/retreats/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def remove_session(session_id):
    session = get_session(session_id)
    require(can_build_agenda(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    event_id, title = session.event_id, session.title
    dropped = services.remove_session(current_user, session)
    db.session.commit()
    flash(
        f"{title} is off the agenda" + (f"; {dropped} sign-up(s) went with it." if dropped else "."), "info"
    )
    return redirect(url_for("retreats.agenda", event_id=event_id))


@bp.route("/retreats/<int:event_id>/copy-agenda", methods=["GET", "POST"])
@login_required
def copy_agenda(event_id):
    event = get_retreat(event_id)
    require(can_build_agenda(current_user))
    form = CopyAgendaForm()
    earlier = services.retreats_before(event)
    form.source.choices = [
        (retreat.id, f"{retreat.title} ({as_local(retreat.starts_at, program_tz()):%b %Y})")
        for retreat in earlier
    ]
    if form.validate_on_submit():
        source = next(retreat for retreat in earlier if retreat.id == form.source.data)
        try:
            copies = services.copy_agenda(current_user, source, event)
            db.session.commit()
        except DomainError as error:
            status = show_domain_error(error, form)
            return render_template("retreats/copy.html", event=event, form=form, earlier=earlier), status
        flash(
            f"Copied {len(copies)} session(s) from {source.title}. Check rooms and facilitators.", "success"
        )
        return redirect(url_for("retreats.agenda", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template("retreats/copy.html", event=event, form=form, earlier=earlier), status
