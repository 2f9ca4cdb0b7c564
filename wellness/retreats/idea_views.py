"""Ideas and reflections: residents send them around a retreat; coordinators read, group and export them."""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..dates import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_support import show_domain_error
from ..people.permissions import can_manage_events, require
from . import bp, ideas, services
from .forms import IdeaForm
from .views import get_retreat


def _form(event) -> IdeaForm:
    form = IdeaForm()
    form.session_id.choices = [(0, "Not about one session")] + [
        (s.id, s.title) for s in services.agenda(event)
    ]
    return form


def _page(event, form, status=200):
    page = render_template(
        "retreats/ideas.html",
        event=event,
        form=form,
        mine=ideas.my_ideas(current_user, event),
        is_open=ideas.submissions_open(event, utcnow()),
    )
    return page, status


@bp.route("/retreats/<int:event_id>/ideas", methods=["GET", "POST"])
@login_required
def send_idea(event_id):
    event = get_retreat(event_id)
    form = _form(event)
    if form.validate_on_submit():
        data = ideas.IdeaData(
            kind=form.kind.data,
            text=form.text.data,
            theme=form.theme.data or "",
            session_id=form.session_id.data or None,
            rating=int(form.rating.data) if form.rating.data else None,
            is_anonymous=bool(form.is_anonymous.data),
        )
        try:
            ideas.submit_idea(current_user, event, data)
            db.session.commit()
        except DomainError as error:
            return _page(event, form, show_domain_error(error, form))
        flash("Thank you: it was sent" + (" anonymously." if data.is_anonymous else "."), "success")
        return redirect(url_for("retreats.send_idea", event_id=event.id))
    return _page(event, form, 400 if form.errors else 200)


@bp.route("/retreats/<int:event_id>/ideas/report")
@login_required
def idea_report(event_id):
    event = get_retreat(event_id)
    require(can_manage_events(current_user))
    return render_template(
        "retreats/idea_report.html", event=event, report=ideas.idea_report(current_user, event)
    )


@bp.route("/retreats/<int:event_id>/ideas.csv")
@login_required
def export_ideas(event_id):
    event = get_retreat(event_id)
    require(can_manage_events(current_user))
    return Response(
        ideas.ideas_csv(current_user, event),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="retreat-{event.id}-ideas.csv"',
            "Cache-Control": "no-store",
        },
    )
