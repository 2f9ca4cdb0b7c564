"""Calendar feed routes: the personal feed, public feeds, one event's .ics, and managing one's address."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..dates import local_date
from ..events import services as events
from ..events.calendar_items import event_item
from ..events.models import Event
from ..extensions import db
from ..forms_support import ConfirmForm
from . import bp, services, tokens
from .ical import render_calendar
from .links import google_link, outlook_link

ICS = "text/calendar; charset=utf-8"


def _feed_response(answer: services.FeedAnswer, cache_control: str):
    """A 200 with the body, or a 304 when the client already holds this version."""
    response = make_response(answer.body or b"", 304 if answer.body is None else 200)
    response.content_type = ICS
    response.set_etag(answer.etag)
    response.last_modified = answer.last_modified
    response.headers["Cache-Control"] = cache_control
    response.headers["Referrer-Policy"] = "no-referrer"
    if answer.body is None:
        response.headers.pop("Content-Length", None)
    db.session.commit()  # a rebuilt body was cached in this transaction
    return response


def _client_holds(etag: str) -> bool:
    """If-None-Match names this version (weak comparison, as RFC 9110 asks for it)."""
    return request.if_none_match.contains_weak(etag)


@bp.route("/calendar/<token>.ics")
def personal_feed(token):
    """The feed behind a secret address. Unknown, replaced and revoked addresses are the same 404."""
    found = services.personal_probe(token)
    if found is None:
        abort(404)
    return _feed_response(services.personal_feed(*found, _client_holds), "private, no-cache")


def _public(key: str):
    feed = next((f for f in services.public_feeds(events.all_kinds()) if f.key == key), None)
    if feed is None:
        abort(404)
    return _feed_response(services.public_feed(feed, _client_holds), "public, no-cache")


@bp.route("/calendars/all.ics")
def all_events_feed():
    return _public("all")


@bp.route("/calendars/kind/<slug>.ics")
def kind_feed(slug):
    return _public(f"kind:{slug}")


@bp.route("/calendars/program/<key>.ics")
def program_feed(key):
    return _public(f"program:{key}")


def _address(feed: services.PublicFeed) -> str:
    if feed.scope.kind:
        return url_for("feeds.kind_feed", slug=feed.scope.kind, _external=True)
    if feed.scope.program:
        return url_for("feeds.program_feed", key=feed.scope.program, _external=True)
    return url_for("feeds.all_events_feed", _external=True)


@bp.route("/calendars")
def list_calendars():
    feeds = [(feed, _address(feed)) for feed in services.public_feeds(events.all_kinds())]
    return render_template("feeds/calendars.html", feeds=feeds)


def get_visible_event(event_id: int) -> Event:
    """Load an event the current user may see; 404 otherwise (drafts are private to their editors)."""
    event = db.session.get(Event, event_id)
    if event is None or not events.can_see(current_user, event):
        abort(404)
    return event


@bp.route("/events/<int:event_id>/calendar.ics")
@login_required
def event_ics(event_id):
    event = get_visible_event(event_id)
    window = services.feed_window(local_date(event.starts_at, current_app.config["WELLNESS_TIMEZONE"]))
    info = services.feed_info(event.title, "One event from wellness.", window)
    response = make_response(render_calendar(info, [event_item(event, info.tz_name)]))
    response.content_type = ICS
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    return response


@bp.app_template_global()
def add_to_calendar_links(event: Event) -> dict[str, str]:
    """Links for an event page: the .ics download, Google Calendar and Outlook on the web."""
    tz_name = current_app.config["WELLNESS_TIMEZONE"]
    item, root = event_item(event, tz_name), request.url_root.rstrip("/")
    return {
        "ics": url_for("feeds.event_ics", event_id=event.id),
        "google": google_link(item, root, tz_name),
        "outlook": outlook_link(item, root),
    }


@bp.route("/account/calendar")
@login_required
def my_calendar():
    return render_template(
        "feeds/mine.html", feed=tokens.feed_of(current_user), confirm_form=ConfirmForm(), address=None
    )


@bp.route("/account/calendar", methods=["POST"])
@login_required
def issue_address():
    """Make a new address (ending any old one) and show it, once: only its hash is kept."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    replaced = tokens.feed_of(current_user) is not None
    token = tokens.issue_feed_token(current_user, current_user)
    db.session.commit()
    address = url_for("feeds.personal_feed", token=token, _external=True)
    page = render_template(
        "feeds/mine.html", feed=True, confirm_form=form, address=address, replaced=replaced
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/account/calendar/turn-off", methods=["POST"])
@login_required
def revoke_address():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if tokens.revoke_feed_token(current_user, current_user):
        db.session.commit()
        flash("Your calendar address is turned off. Calendars subscribed to it stop updating.", "info")
    return redirect(url_for("feeds.my_calendar"))
