"""Event pages everyone uses: upcoming events, the month calendar, an event, and answering it."""

import calendar as month_grid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import program_today, utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_support import ConfirmForm, show_domain_error
from ..people.permissions import can_check_in, can_manage_events, is_organiser
from . import bp, seats, services
from .audience import describe
from .display import program_tz, when
from .elsewhere import answer_page
from .forms import EventFilterForm, RsvpForm
from .models import Event


def get_event(event_id: int) -> Event:
    """Load an event the current user may see; 404 for unknown events and for others' drafts."""
    event = db.session.get(Event, event_id)
    if event is None or not services.can_see(current_user, event):
        abort(404)
    return event


def _filters(form: EventFilterForm, **window) -> services.EventFilter:
    return services.EventFilter(
        kind=form.kind.data or "",
        program=form.program.data or "",
        mine=bool(form.mine.data),
        include_drafts=True,
        **window,
    )


def _filter_form() -> EventFilterForm:
    form = EventFilterForm(request.args)
    form.kind.choices += [(kind.slug, kind.name) for kind in services.all_kinds()]
    return form


@bp.route("/events")
@login_required
def list_events():
    form = _filter_form()
    now = utcnow()
    window = {"end": now} if form.past.data else {"start": now}
    events = services.find_events(current_user, _filters(form, **window))
    if form.past.data:
        events.reverse()
    answers = services.answers_of(current_user, events)
    return render_template("events/list.html", form=form, events=events, answers=answers, tz=program_tz())


@bp.route("/events/calendar")
@login_required
def calendar():
    form = _filter_form()
    today = program_today(program_tz())
    try:
        first = datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    if not 1900 < first.year < 9999:  # the grid reaches into the months around it
        first = today.replace(day=1)
    weeks = month_grid.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    zone = ZoneInfo(program_tz())
    start = datetime.combine(weeks[0][0], time(0), tzinfo=zone)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(0), tzinfo=zone)
    events = services.find_events(current_user, _filters(form, start=start, end=end))
    days = services.events_by_day(events, weeks[0][0], weeks[-1][-1], program_tz())
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render_template(
        "events/calendar.html", form=form, weeks=weeks, days=days, first=first, today=today,
        previous=previous, following=following, tz=program_tz(),
    )  # fmt: skip


@bp.route("/events/<int:event_id>")
@login_required
def show_event(event_id):
    event = get_event(event_id)
    return _render_event(event, RsvpForm(formdata=None))


def _render_event(event: Event, form: RsvpForm, status: int = 200):
    mine = services.answers_of(current_user, [event]).get(event.id)
    if mine is not None and form.response.data is None:
        form.response.data = "going" if mine.response == "waitlisted" else mine.response
        form.guests.data = mine.guests
    position = (
        seats.waitlist_positions(event.id).get(mine.id) if mine and mine.response == "waitlisted" else None
    )
    return render_template(
        "events/show.html",
        event=event,
        form=form,
        mine=mine,
        position=position,
        counts=seats.counts(event.id),
        is_for_me=services.is_for(current_user, event),
        rsvp_closed_reason=services.rsvp_closed_reason(event, utcnow(), program_tz()),
        clashes=services.clashes_for(current_user, event, utcnow()),
        audience=describe(event),
        when=when(event, program_tz()),
        organiser=is_organiser(current_user, event),
        can_check_in=can_check_in(current_user, event),
        staff=can_manage_events(current_user),
        confirm_form=ConfirmForm(),
        answer_page=answer_page(event),
    ), status


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id):
    event = get_event(event_id)
    form = RsvpForm()
    if not form.validate_on_submit():
        return _render_event(event, form, 400)
    try:
        outcome = seats.record_rsvp(
            current_user, event, current_user, form.response.data, form.guests.data or 0
        )
        db.session.commit()
    except DomainError as error:
        status = show_domain_error(error, form)
        return _render_event(get_event(event_id), form, status)
    flash(services.outcome_message(outcome), "success" if outcome.rsvp.response != "waitlisted" else "info")
    return redirect(url_for("events.show_event", event_id=event_id))


@bp.app_template_filter("event_when")
def event_when(event) -> str:
    return when(event, program_tz())


@bp.app_template_global()
def month_label(day: date) -> str:
    return day.strftime("%B %Y")
