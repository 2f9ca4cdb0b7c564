"""Coordinator pages for events: create, edit, duplicate, publish, cancel, history, answering for others."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import as_local, local_to_utc
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_check_in, can_manage_events, can_view_event_history, require
from . import bp, seats, services
from .attendance import attendees
from .display import program_tz
from .forms import EventForm, OnBehalfForm
from .views import get_event


def _event_form(data=None) -> EventForm:
    form = EventForm(formdata=request.form if request.method == "POST" else None, data=data)
    form.kind.choices = [(kind.id, kind.name) for kind in services.all_kinds()]
    form.groups.choices = [(group.id, group.name) for group in services.all_groups()]
    return form


def _event_data(form: EventForm) -> services.EventData:
    (start_on, start_time), (end_on, end_time) = form.times()
    tz = program_tz()
    # An all-day event ends at the midnight after its last day.
    ends_at = local_to_utc(end_on + timedelta(days=1) if form.is_all_day.data else end_on, end_time, tz)

    def moment(value):
        return local_to_utc(value.date(), value.time(), tz) if value else None

    return services.EventData(
        title=form.title.data,
        kind_id=form.kind.data,
        starts_at=local_to_utc(start_on, start_time, tz),
        ends_at=ends_at,
        description=form.description.data or "",
        location=form.location.data or "",
        is_all_day=form.is_all_day.data,
        capacity=form.capacity.data,
        has_waitlist=form.has_waitlist.data,
        rsvp_opens_at=moment(form.rsvp_opens_at.data),
        rsvp_closes_at=moment(form.rsvp_closes_at.data),
        allows_guests=form.allows_guests.data,
        max_guests=form.max_guests.data or 0,
        is_for_everyone=form.is_for_everyone.data,
        programs=tuple(form.programs.data or ()),
        levels=tuple(int(level) for level in form.levels.data or ()),
        group_ids=tuple(form.groups.data or ()),
        organiser_emails=tuple(
            part.strip() for part in (form.organisers.data or "").split(",") if part.strip()
        ),
    )


def _form_values(data: services.EventData) -> dict:
    """Form values showing an event's details in the program time zone."""
    tz = program_tz()
    start, end = as_local(data.starts_at, tz), as_local(data.ends_at, tz)
    if data.is_all_day:
        end = end - timedelta(days=1)
    local = lambda moment: as_local(moment, tz).replace(tzinfo=None) if moment else None  # noqa: E731
    return {
        "title": data.title, "kind": data.kind_id, "description": data.description, "location": data.location,
        "is_all_day": data.is_all_day, "start_on": start.date(), "start_time": start.time(),
        "end_on": end.date(), "end_time": end.time(), "capacity": data.capacity,
        "has_waitlist": data.has_waitlist, "rsvp_opens_at": local(data.rsvp_opens_at),
        "rsvp_closes_at": local(data.rsvp_closes_at), "allows_guests": data.allows_guests,
        "max_guests": data.max_guests, "is_for_everyone": data.is_for_everyone,
        "programs": list(data.programs), "levels": [str(level) for level in data.levels],
        "groups": list(data.group_ids), "organisers": ", ".join(data.organiser_emails),
    }  # fmt: skip


def _save(form: EventForm, event, template_args: dict):
    """Create (event=None) or update an event from a valid form; re-render on a refusal."""
    try:
        data = _event_data(form)
        if event is None:
            event = services.create_event(current_user, data)
        else:
            event = services.update_event(current_user, event, data)
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return render_template("events/edit.html", form=form, **template_args), status
    return event


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create_event():
    require(can_manage_events(current_user))
    form = _event_form()
    if form.validate_on_submit():
        result = _save(form, None, {"event": None})
        if not isinstance(result, tuple):
            flash(f"{result.title} is saved as a draft. Publish it when it is ready.", "success")
            return redirect(url_for("events.show_event", event_id=result.id))
        return result
    return render_template("events/edit.html", form=form, event=None), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/duplicate")
@login_required
def duplicate_event(event_id):
    require(can_manage_events(current_user))
    source = get_event(event_id)
    form = _event_form(_form_values(services.duplicate_data(source)))
    return render_template("events/edit.html", form=form, event=None, source=source)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id):
    event = get_event(event_id)
    require(can_manage_events(current_user))
    form = _event_form(_form_values(services.event_data(event)))
    if form.validate_on_submit():
        result = _save(form, event, {"event": event})
        if not isinstance(result, tuple):
            flash(f"{result.title} is saved.", "success")
            return redirect(url_for("events.show_event", event_id=event_id))
        return result
    return render_template("events/edit.html", form=form, event=event), 400 if form.errors else 200


def _status_change(event_id: int, change, message):
    event = get_event(event_id)
    require(can_manage_events(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = change(current_user, event)
        db.session.commit()
        flash(message(event, result), "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("events.show_event", event_id=event_id))


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish_event(event_id):
    return _status_change(event_id, services.publish_event, lambda e, _: f"{e.title} is published.")


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_event(event_id):
    def message(event, told):
        return f"{event.title} is cancelled. {told} {'person was' if told == 1 else 'people were'} told."

    return _status_change(event_id, services.cancel_event, message)


@bp.route("/events/<int:event_id>/history")
@login_required
def event_history(event_id):
    event = get_event(event_id)
    require(can_view_event_history(current_user))
    return render_template("events/history.html", event=event, entries=services.event_history(event))


def _render_people(event, form, status=200):
    everyone = attendees(event, responses=("going", "waitlisted", "maybe", "not_going"))
    return render_template(
        "events/people.html",
        event=event,
        rsvps=everyone,
        positions=seats.waitlist_positions(event.id),
        counts=seats.counts(event.id),
        form=form,
        confirm_form=ConfirmForm(),
        staff=can_manage_events(current_user),
    ), status


@bp.route("/events/<int:event_id>/people")
@login_required
def event_people(event_id):
    event = get_event(event_id)
    require(can_check_in(current_user, event))
    return _render_people(event, OnBehalfForm(formdata=None))


@bp.route("/events/<int:event_id>/people/answer", methods=["POST"])
@login_required
def answer_for(event_id):
    event = get_event(event_id)
    require(can_manage_events(current_user))
    form = OnBehalfForm()
    if not form.validate_on_submit():
        return _render_people(event, form, 400)
    try:
        outcome = seats.answer_for(
            current_user, event, form.email.data, form.response.data, form.guests.data or 0
        )
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return _render_people(get_event(event_id), form, status)
    place = f" at position {outcome.position}" if outcome.position else ""
    flash(
        f"{outcome.rsvp.person.name}: {seats.ANSWERS[outcome.rsvp.response]}{place}. They have been told.",
        "success",
    )
    return redirect(url_for("events.event_people", event_id=event_id))


@bp.route("/events/<int:event_id>/waitlist/<int:rsvp_id>/promote", methods=["POST"])
@login_required
def promote(event_id, rsvp_id):
    event = get_event(event_id)
    require(can_manage_events(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        rsvp, added = seats.promote_by_hand(current_user, event, rsvp_id)
        db.session.commit()
        extra = f" The capacity went up by {added} to {event.capacity}." if added else ""
        flash(f"{rsvp.person.name} has a place now and has been told.{extra}", "success")
    except DomainError as error:
        show_domain_error(error)
    return redirect(url_for("events.event_people", event_id=event_id))
